/**
 * The local outbox: what `make dev` and the tests have instead of an email provider. The functions'
 * local sender (EMAIL_TRANSPORT=local) posts each email to its receiver (EMAIL_OUTBOX_URL); the
 * local gateway serves them at /_local/emails and /_local/outbox; `make dev` prints each under its
 * request's line. Nothing is sent anywhere. Everything outside local/outbox imports it from here.
 */
import { startReceiver } from './receiver';
import { outboxRoutes } from './routes';
import type { OutboxRoutes } from './routes';
import { EmailStore } from './store';
import type { OutboxEmail } from './store';

export { EMAILS_PATH, OUTBOX_PATH } from './routes';
export type { OutboxRoutes } from './routes';
export type { OutboxEmail } from './store';
export { MAX_KEPT_EMAILS } from './store';
export { MAX_SUBMISSION_BYTES, readSubmission } from './receiver';
export { outboxPage } from './page';
export type { LocalReply } from './problem';

export interface Outbox {
  /** Where the functions post their emails: their EMAIL_OUTBOX_URL. */
  readonly url: string;
  /** The /_local/ routes, for the local gateway. */
  readonly routes: OutboxRoutes;
  /** Newest first. */
  emails(): readonly OutboxEmail[];
  close(): Promise<void>;
}

export interface OutboxOptions {
  /** Called for each email as it arrives, before the sender gets its answer. */
  onEmail?: (email: OutboxEmail) => void;
  /** The clock of `sentAt`; tests pass their own. */
  now?: () => number;
  /** Loopback by default: the outbox is for this machine. */
  host?: string;
}

export async function startOutbox(options: OutboxOptions = {}): Promise<Outbox> {
  const store = new EmailStore(options.now);
  const receiver = await startReceiver({
    host: options.host,
    accept: (email) => {
      const kept = store.add(email);
      try {
        options.onEmail?.(kept);
      } catch (error) {
        console.error('local outbox: printing an email failed', error);
      }
    },
  });
  return {
    url: receiver.url,
    routes: outboxRoutes(store),
    emails: () => store.list(),
    close: () => receiver.close(),
  };
}
