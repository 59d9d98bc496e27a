/**
 * Email: rendering the account emails from their templates, and sending them through Amazon SES
 * (AWS) or the local outbox (`make dev`, the tests), as EMAIL_TRANSPORT says. Everything outside
 * functions/shared/email imports it from here.
 *
 * Endpoints call `sendAccountEmail`, which never throws. Configuration: EMAIL_TRANSPORT, EMAIL_FROM,
 * APP_URL, and EMAIL_CONFIGURATION_SET (ses) or EMAIL_OUTBOX_URL (local); README.md, "Email".
 */

// What endpoints use.
export { sendAccountEmail, emailSender } from './send';
export type { AccountEmail, EmailDelivery } from './send';
export { EMAIL_KIND } from './templates';
export type { EmailKind, EmailLink, EmailRecipient } from './templates';

// The pieces, each usable on its own.
export { emailConfig, EMAIL_TRANSPORT, parseAppUrl } from './config';
export type { EmailConfig, EmailTransport } from './config';
export { describeDuration, escapeHtml, renderEmail } from './templates';
export { EmailSendError, isMailbox } from './message';
export type { EmailMessage, EmailSender } from './message';
export { createLocalSender } from './local-sender';
export type { OutboxSubmission } from './local-sender';
export { classifySesError, createSesSender, loadSesSendEmail, SES_LIMITS } from './ses-sender';
export type { SesLimits, SesSendEmail, SesSendEmailRequest } from './ses-sender';
