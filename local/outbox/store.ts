/**
 * The emails the functions handed to the outbox, newest first, in memory only (like the embedded
 * MongoDB's users, they are gone when `make dev` stops). Bounded, so a loop that sends cannot
 * grow the dev server without limit.
 */

/** One email as the outbox keeps it and serves it at /_local/emails. */
export interface OutboxEmail {
  /** Increasing per run: the page and the tests tell emails apart by it. */
  id: number;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  link: string;
  /** When the outbox received it, as an ISO 8601 timestamp. */
  sentAt: string;
  /** The API Gateway request id of the request that sent it, when the function knew it. */
  requestId?: string;
}

export type NewEmail = Omit<OutboxEmail, 'id' | 'sentAt'>;

/** How many emails the outbox keeps; the oldest go first. */
export const MAX_KEPT_EMAILS = 500;

export class EmailStore {
  private emails: OutboxEmail[] = [];
  private nextId = 1;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly capacity = MAX_KEPT_EMAILS,
  ) {}

  add(email: NewEmail): OutboxEmail {
    const kept: OutboxEmail = { id: this.nextId++, ...email, sentAt: new Date(this.now()).toISOString() };
    this.emails.unshift(kept);
    if (this.emails.length > this.capacity) this.emails.length = this.capacity;
    return kept;
  }

  /** Newest first. */
  list(): readonly OutboxEmail[] {
    return this.emails;
  }

  clear(): void {
    this.emails = [];
  }
}
