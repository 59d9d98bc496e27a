/**
 * What an email is and who sends it: one EmailSender interface with an SES implementation (AWS)
 * and a local one (`make dev`, the tests), and the one error they throw.
 */
import type { EmailFailure } from '../errors';

/** One rendered email to one recipient, as the senders take it. */
export interface EmailMessage {
  /** One address; checked by assertRecipient before any sender sees it. */
  to: string;
  /** Fixed text per kind of email, never built from user input. */
  subject: string;
  text: string;
  html: string;
  /** The link the email asks the recipient to open; the local outbox shows it on its own. */
  link: string;
}

export interface EmailSender {
  /** Resolves once the provider has accepted the message; throws EmailSendError otherwise. */
  send(message: EmailMessage): Promise<void>;
}

/** A message was not accepted; `failure` says why, as the EmailSendFailed metric counts it. */
export class EmailSendError extends Error {
  override readonly name = 'EmailSendError';

  constructor(
    readonly failure: EmailFailure,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/**
 * One mailbox in the form SES takes: printable ASCII without spaces, quotes, brackets or list
 * separators, so a value can never carry a second recipient, a display name or a line break that
 * would start a header (SES does not accept SMTPUTF8 addresses either). At most 254 characters (RFC 5321).
 */
const MAILBOX =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isMailbox(value: string): boolean {
  return value.length <= 254 && MAILBOX.test(value);
}
