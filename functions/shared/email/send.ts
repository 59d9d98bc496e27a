/**
 * The instance's sender, chosen by EMAIL_TRANSPORT, and the one call the endpoints make:
 * sendAccountEmail, which renders, sends, and on failure logs and counts (EmailSendFailed)
 * without ever throwing, so a request that wanted to send still answers as it would have.
 */
import type { EmailFailure } from '../errors';
import { ConfigError, EMAIL_FAILURE } from '../errors';
import { countMetric, logger, MetricName } from '../observability';
import { onceAsync } from '../once';
import { emailConfig } from './config';
import type { EmailConfig } from './config';
import { createLocalSender } from './local-sender';
import { EmailSendError } from './message';
import type { EmailSender } from './message';
import { createSesSender, loadSesSendEmail } from './ses-sender';
import { renderEmail } from './templates';
import type { EmailKind, EmailLink, EmailRecipient } from './templates';

/** The request the logger is handling now (observability.ts sets it per invocation). */
function currentRequestId(): string | undefined {
  const id = logger.getCorrelationId();
  return typeof id === 'string' ? id : undefined;
}

/** The sender the configuration names: SES when EMAIL_TRANSPORT is ses, the local outbox when local. */
export async function senderFor(config: EmailConfig): Promise<EmailSender> {
  if (config.transport === 'ses') {
    return createSesSender({
      from: config.from,
      configurationSet: config.configurationSet,
      sendEmail: await loadSesSendEmail(),
    });
  }
  return createLocalSender({ from: config.from, outboxUrl: config.outboxUrl, requestId: currentRequestId });
}

/**
 * The instance's sender, built once: its configuration is read and its SES client made on the
 * first call. Throws a ConfigError naming the variable when the configuration is invalid.
 */
export const emailSender = onceAsync(async () => senderFor(emailConfig()));

/** What sendAccountEmail reports: whether the email left, and if not, why. */
export type EmailDelivery = { sent: true } | { sent: false; failure: EmailFailure };

/** An email to an account: which one, to whom, and the token its link carries. */
export interface AccountEmail {
  kind: EmailKind;
  to: EmailRecipient;
  link: EmailLink;
}

function failureOf(error: unknown): EmailFailure {
  if (error instanceof EmailSendError) return error.failure;
  if (error instanceof ConfigError) return EMAIL_FAILURE.misconfigured;
  return EMAIL_FAILURE.unavailable;
}

/**
 * Renders and sends one email. Never throws: a failure is logged (without the address, the token
 * or the link) and counted as EmailSendFailed with its reason, and the caller answers as if the
 * email had left. Misconfiguration logs an error with what to fix; the rest a warning.
 */
export async function sendAccountEmail(email: AccountEmail): Promise<EmailDelivery> {
  try {
    const { appUrl } = emailConfig();
    const message = renderEmail(email.kind, email.to, email.link, appUrl);
    await (await emailSender()).send(message);
    return { sent: true };
  } catch (error) {
    const failure = failureOf(error);
    const cause = error instanceof EmailSendError && error.cause !== undefined ? error.cause : error;
    const fields = {
      kind: email.kind,
      reason: failure,
      error_name: cause instanceof Error ? cause.name : typeof cause,
      // The SDK's request id, for AWS support; SES's own messages can quote the recipient, so they are left out but for misconfiguration.
      aws_request_id: (cause as { $metadata?: { requestId?: unknown } } | null)?.$metadata?.requestId,
      ...(error instanceof ConfigError ? { variable: error.variable } : {}),
    };
    if (failure === EMAIL_FAILURE.misconfigured) {
      // What to fix: the setting, or SES's own words (which resource, which permission); they name no recipient.
      logger.error('email not sent', { ...fields, detail: cause instanceof Error ? cause.message : String(cause) });
    } else if (!(error instanceof EmailSendError)) {
      // Not a sender's answer: a bug until proven otherwise.
      logger.error('email not sent', { ...fields, error: error instanceof Error ? error : new Error(String(error)) });
    } else {
      logger.warn('email not sent', fields);
    }
    countMetric(MetricName.EmailSendFailed, { reason: failure });
    return { sent: false, failure };
  }
}
