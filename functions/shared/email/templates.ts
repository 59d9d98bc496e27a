/**
 * The emails the API sends, rendered from the templates in templates/ (a plain-text and an HTML
 * part each, kept as files so they can be read and edited as what they are; bundled as strings).
 *
 * Nothing from the user reaches a header: subjects are fixed text, the recipient is checked to be
 * one mailbox. In the HTML part every value is escaped; in the link the token is URL-encoded.
 */
import { EmailSendError } from './message';
import type { EmailMessage } from './message';
import { isMailbox } from './message';
import { EMAIL_FAILURE } from '../errors';
import resetPasswordHtml from './templates/reset-password.html';
import resetPasswordText from './templates/reset-password.txt';
import verifyEmailHtml from './templates/verify-email.html';
import verifyEmailText from './templates/verify-email.txt';

/** The emails there are; each is a page of the web application that its link opens. */
export const EMAIL_KIND = {
  verifyEmail: 'verify-email',
  resetPassword: 'reset-password',
} as const;

export type EmailKind = (typeof EMAIL_KIND)[keyof typeof EMAIL_KIND];

interface Template {
  subject: string;
  /** The application page the link opens, under APP_URL. */
  page: string;
  text: string;
  html: string;
}

const TEMPLATES: Readonly<Record<EmailKind, Template>> = {
  'verify-email': {
    subject: 'Verify your email address',
    page: '/verify-email',
    text: verifyEmailText,
    html: verifyEmailHtml,
  },
  'reset-password': {
    subject: 'Reset your password',
    page: '/reset-password',
    text: resetPasswordText,
    html: resetPasswordHtml,
  },
};

/** Who the email goes to: the account's name and address, as stored. */
export interface EmailRecipient {
  name: string;
  email: string;
}

/** What the link carries and how long it works. */
export interface EmailLink {
  /** The single-use token, as the endpoint that consumes it expects it back. */
  token: string;
  /** How long the token is valid, told to the reader in words. */
  expiresInSeconds: number;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** 1800 → "30 minutes", 86400 → "24 hours": whole hours when it divides evenly, else minutes. */
export function describeDuration(seconds: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  if (seconds >= 3600 && seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  return plural(Math.max(1, Math.round(seconds / 60)), 'minute');
}

/** Fills `{{name}}` placeholders; a placeholder without a value is a broken template, not an empty string. */
function fill(template: string, values: Readonly<Record<string, string>>, escape: (value: string) => string): string {
  return template.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (_placeholder, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`email template placeholder {{${key}}} has no value`);
    return escape(value);
  });
}

/**
 * Renders one email.
 *
 * @param appUrl the application's base URL (APP_URL, read without its trailing slash)
 * @throws EmailSendError (`rejected`) when the recipient is not one plain mailbox
 */
export function renderEmail(kind: EmailKind, recipient: EmailRecipient, link: EmailLink, appUrl: string): EmailMessage {
  if (!isMailbox(recipient.email))
    throw new EmailSendError(EMAIL_FAILURE.rejected, 'the recipient is not one plain email address');
  const template = TEMPLATES[kind];
  const url = `${appUrl}${template.page}?token=${encodeURIComponent(link.token)}`;
  const values = { name: recipient.name, link: url, expiresIn: describeDuration(link.expiresInSeconds) };
  return {
    to: recipient.email,
    subject: template.subject,
    text: fill(template.text, values, (value) => value),
    html: fill(template.html, values, escapeHtml),
    link: url,
  };
}
