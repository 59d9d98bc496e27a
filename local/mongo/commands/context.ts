import type { CursorStore } from '../cursors';
import type { Document } from '../document';
import type { ServerStats } from '../stats';
import type { Storage } from '../storage';
import type { TtlMonitor } from '../ttl';

/** What a command handler may touch. */
export interface CommandContext {
  storage: Storage;
  cursors: CursorStore;
  /** The command's `$db`. */
  database: string;
  connectionId: number;
  /** Uptime and connection counts, for serverStatus. */
  stats: ServerStats;
  /** The TTL sweep, whose schedule setParameter changes. */
  ttl: TtlMonitor;
}

/** Returns the reply without `ok` (added on success) or throws a MongoCommandError. */
export type CommandHandler = (command: Document, context: CommandContext) => Document;
