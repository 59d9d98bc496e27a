/**
 * Sends nothing: hands each message to the local outbox of `make dev` (or of a test), which keeps
 * it for /_local/emails and /_local/outbox and prints it under its request's line. The outbox is
 * an HTTP endpoint on this machine (EMAIL_OUTBOX_URL, checked to be loopback), so the functions
 * reach it from their own processes exactly as they would reach SES, and no link leaves the machine.
 */
import { EMAIL_FAILURE } from '../errors';
import { EmailSendError } from './message';
import type { EmailMessage, EmailSender } from './message';

/** The outbox is a local process: an answer that takes longer than this will not come. */
const OUTBOX_TIMEOUT_MS = 2000;

/** What the local sender posts to the outbox, as JSON. */
export interface OutboxSubmission extends EmailMessage {
  from: string;
  /** The API Gateway request id of the request that sent it, so the outbox can show it under that request. */
  requestId?: string;
}

export function createLocalSender(options: {
  from: string;
  outboxUrl: string;
  /** The current request's id, if any. */
  requestId?: () => string | undefined;
  timeoutMs?: number;
}): EmailSender {
  const { from, outboxUrl, requestId = () => undefined, timeoutMs = OUTBOX_TIMEOUT_MS } = options;
  return {
    async send(message) {
      const submission: OutboxSubmission = { from, ...message, requestId: requestId() };
      let response: Response;
      try {
        response = await fetch(outboxUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(submission),
          signal: AbortSignal.timeout(timeoutMs),
        });
        // The answer's body says nothing we use; reading it frees the connection.
        await response.arrayBuffer();
      } catch (error) {
        throw new EmailSendError(EMAIL_FAILURE.unavailable, `the local outbox at ${outboxUrl} did not answer`, error);
      }
      if (response.ok) return;
      throw new EmailSendError(
        response.status >= 500 ? EMAIL_FAILURE.unavailable : EMAIL_FAILURE.rejected,
        `the local outbox at ${outboxUrl} refused the email (${response.status})`,
      );
    },
  };
}
