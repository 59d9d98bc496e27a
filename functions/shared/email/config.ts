/**
 * How the functions that send email send it, read once per cold start like every setting
 * (functions/shared/config.ts). A missing or invalid value fails with a ConfigError naming the
 * variable.
 */
import { ConfigError } from '../errors';
import { matchingVariable, readVariable, requiredVariable } from '../env';
import { once } from '../once';
import { isMailbox } from './message';

/** Who delivers: Amazon SES in AWS, the local outbox of `make dev` and the tests elsewhere. */
export const EMAIL_TRANSPORT = { ses: 'ses', local: 'local' } as const;
export type EmailTransport = (typeof EMAIL_TRANSPORT)[keyof typeof EMAIL_TRANSPORT];

export type EmailConfig = {
  /** The From address: SES sends only from a verified identity (infra/email.tf). */
  from: string;
  /** The web application's base URL, without a trailing slash: every link in an email starts with it. */
  appUrl: string;
} & (
  | { transport: typeof EMAIL_TRANSPORT.ses; configurationSet: string; outboxUrl?: undefined }
  | { transport: typeof EMAIL_TRANSPORT.local; outboxUrl: string; configurationSet?: undefined }
);

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** localhost, *.localhost (RFC 6761), 127.0.0.0/8 or ::1: names that never leave the machine. */
function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Non-secret values are quoted in errors to make typos obvious; long ones are cut. */
const quote = (value: string) => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);

function parseUrl(variable: string, value: string, expected: string): URL {
  // URL() would quietly drop tabs and line breaks, and percent-encode spaces.
  if (/[\s\p{Cc}]/u.test(value))
    throw new ConfigError(variable, `${variable} must be ${expected}, got ${quote(value)}`);
  try {
    return new URL(value);
  } catch {
    throw new ConfigError(variable, `${variable} must be ${expected}, got ${quote(value)}`);
  }
}

/**
 * APP_URL: an absolute https URL (http only for a loopback host, for `make dev`), with an optional
 * path and no credentials, query or fragment, since the links append `/<page>?token=` to it.
 */
export function parseAppUrl(value: string): string {
  const expected =
    'an absolute https URL such as https://app.example.com (http only for localhost), without query or fragment';
  const url = parseUrl('APP_URL', value, expected);
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
  if (
    !secure ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== '' ||
    /[?#]/.test(value)
  )
    throw new ConfigError('APP_URL', `APP_URL must be ${expected}, got ${quote(value)}`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** EMAIL_OUTBOX_URL: where the local sender posts; on this machine only, so no link ever leaves it. */
function parseOutboxUrl(value: string): string {
  const expected = 'an http URL on this machine, such as http://127.0.0.1:4000/emails';
  const url = parseUrl('EMAIL_OUTBOX_URL', value, expected);
  if (url.protocol !== 'http:' || !isLoopback(url.hostname) || url.username !== '' || url.password !== '')
    throw new ConfigError('EMAIL_OUTBOX_URL', `EMAIL_OUTBOX_URL must be ${expected}, got ${quote(value)}`);
  return url.toString();
}

export const emailConfig = once((): EmailConfig => {
  requiredVariable('EMAIL_TRANSPORT');
  const transport = matchingVariable('EMAIL_TRANSPORT', /^(ses|local)$/, '', 'ses or local') as EmailTransport;
  const from = requiredVariable('EMAIL_FROM');
  if (!isMailbox(from))
    throw new ConfigError(
      'EMAIL_FROM',
      `EMAIL_FROM must be one email address such as no-reply@example.com, got ${quote(from)}`,
    );
  const appUrl = parseAppUrl(requiredVariable('APP_URL'));
  if (transport === EMAIL_TRANSPORT.ses) {
    requiredVariable('EMAIL_CONFIGURATION_SET');
    // SES's own rule for configuration set names.
    const configurationSet = matchingVariable(
      'EMAIL_CONFIGURATION_SET',
      /^[A-Za-z0-9_-]{1,64}$/,
      '',
      '1-64 letters, digits, _ or -',
    );
    if (readVariable('EMAIL_OUTBOX_URL') !== undefined)
      throw new ConfigError('EMAIL_OUTBOX_URL', 'EMAIL_OUTBOX_URL is set but EMAIL_TRANSPORT is ses; unset one');
    return { transport, from, appUrl, configurationSet };
  }
  const outboxUrl = parseOutboxUrl(requiredVariable('EMAIL_OUTBOX_URL'));
  return { transport, from, appUrl, outboxUrl };
});
