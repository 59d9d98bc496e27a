import type { CursorStore } from '../cursors';
import type { Document } from '../document';
import type { Storage } from '../storage';

/** What a command handler may touch. */
export interface CommandContext {
  storage: Storage;
  cursors: CursorStore;
  /** The command's `$db`. */
  database: string;
  connectionId: number;
}

/** Returns the reply without `ok` (added on success) or throws a MongoCommandError. */
export type CommandHandler = (command: Document, context: CommandContext) => Document;
