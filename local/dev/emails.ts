/**
 * Puts each email the outbox receives under the line of the request that sent it. A function hands
 * its email to the outbox before it answers, so the email is here when the gateway reports the
 * request; one sent later (after the answer) or outside a request is printed on its own as it comes.
 */
import type { OutboxEmail } from '../outbox';

/** How many request ids to remember as already printed, and emails to hold for requests still running. */
const REMEMBERED = 1000;

export class EmailLog {
  private readonly pending = new Map<string, OutboxEmail[]>();
  private readonly printed = new Set<string>();

  /** @param printAlone prints an email whose request line has already been printed, or that has none */
  constructor(private readonly printAlone: (email: OutboxEmail) => void) {}

  /** An email arrived at the outbox. */
  received(email: OutboxEmail): void {
    const { requestId } = email;
    if (requestId === undefined || this.printed.has(requestId)) {
      this.printAlone(email);
      return;
    }
    this.pending.set(requestId, [...(this.pending.get(requestId) ?? []), email]);
    // A request id the gateway never reports (a function posting on its own): do not hold it forever.
    if (this.pending.size > REMEMBERED) {
      const [oldest, emails] = this.pending.entries().next().value!;
      this.pending.delete(oldest);
      for (const held of emails) this.printAlone(held);
    }
  }

  /** The emails to print under this request's line, oldest first; later ones are printed alone. */
  takeFor(requestId: string): OutboxEmail[] {
    this.printed.add(requestId);
    if (this.printed.size > REMEMBERED) this.printed.delete(this.printed.values().next().value!);
    const emails = this.pending.get(requestId) ?? [];
    this.pending.delete(requestId);
    return emails;
  }
}
