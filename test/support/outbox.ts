/**
 * A local outbox of the test file's own (the one make dev runs), which the functions send to
 * instead of the run-wide sink: the tests read the emails a flow sent, and the links in them.
 */
import { startOutbox } from '../../local/outbox';
import type { Outbox, OutboxEmail } from '../../local/outbox';
import { setEnv } from './env';

export interface TestOutbox {
  /** Newest first. */
  emails(): readonly OutboxEmail[];
  /** The emails sent to one address, newest first. */
  to(address: string): readonly OutboxEmail[];
  /** The token of the newest link sent to an address, read back from the link as a user's browser would. */
  latestToken(address: string): string;
}

/** Starts an outbox before the file's tests and points the functions at it (call after useFunctionDatabase). */
export function useTestOutbox(): TestOutbox {
  let outbox: Outbox | undefined;
  beforeAll(async () => {
    outbox = await startOutbox();
    setEnv({ EMAIL_OUTBOX_URL: outbox.url });
  });
  afterAll(async () => {
    await outbox?.close();
  });
  const emails = () => {
    if (!outbox) throw new Error('the outbox starts in beforeAll');
    return outbox.emails();
  };
  const to = (address: string) => emails().filter((email) => email.to === address);
  return {
    emails,
    to,
    latestToken(address) {
      const newest = to(address)[0];
      if (!newest) throw new Error(`no email was sent to ${address}`);
      const token = new URL(newest.link).searchParams.get('token');
      if (token === null) throw new Error(`the link ${newest.link} carries no token`);
      return token;
    },
  };
}
