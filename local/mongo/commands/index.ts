/** The command table and the one place where every command's outcome becomes a reply. */
import type { Document } from '../document';
import { withinTimeLimit } from '../deadline';
import { MongoCommandError, toCommandError } from '../errors';
import { getParameter, serverStatus, setParameter } from './admin';
import type { CommandContext, CommandHandler } from './context';
import { buildInfo, endSessions, hello, ping } from './handshake';
import { createIndexes, dropIndexes, listIndexes } from './indexes';
import { collMod, create, drop, dropDatabase, listCollections, listDatabases } from './namespaces';
import { aggregate, count, distinct, explain, find, getMore, killCursors } from './reads';
import { batchSizeError, deleteCommand, findAndModify, insert, update } from './writes';

/** Keyed by the command's first field, with the spellings clients actually use. */
const COMMANDS = new Map<string, CommandHandler>([
  ['hello', hello],
  ['ismaster', hello],
  ['isMaster', hello],
  ['ping', ping],
  ['buildInfo', buildInfo],
  ['buildinfo', buildInfo],
  ['endSessions', endSessions],
  ['serverStatus', serverStatus],
  ['setParameter', setParameter],
  ['getParameter', getParameter],
  ['create', create],
  ['collMod', collMod],
  ['drop', drop],
  ['dropDatabase', dropDatabase],
  ['listCollections', listCollections],
  ['listDatabases', listDatabases],
  ['createIndexes', createIndexes],
  ['listIndexes', listIndexes],
  ['dropIndexes', dropIndexes],
  ['insert', insert],
  ['find', find],
  ['getMore', getMore],
  ['killCursors', killCursors],
  ['update', update],
  ['delete', deleteCommand],
  ['findAndModify', findAndModify],
  ['findandmodify', findAndModify],
  ['count', count],
  ['aggregate', aggregate],
  ['distinct', distinct],
  ['explain', explain],
]);

export type ConnectionContext = Omit<CommandContext, 'database'>;

/** Runs one command. Never throws: every failure is an `{ ok: 0, code, codeName, errmsg }` reply. */
export function runCommand(
  command: Document,
  context: ConnectionContext,
  onUnexpected: (error: unknown) => void,
): Document {
  try {
    // A standalone refuses transactions and retryable writes before looking at the command, so nothing is half-applied.
    if ('txnNumber' in command) {
      throw new MongoCommandError(
        'IllegalOperation',
        'Transaction numbers are only allowed on a replica set member or mongos',
      );
    }
    const name = Object.keys(command)[0] ?? '';
    const handler = COMMANDS.get(name);
    if (!handler) throw new MongoCommandError('CommandNotFound', `no such command: '${name}'`);
    const database = command['$db'];
    if (typeof database !== 'string')
      throw new MongoCommandError('Location40571', 'OP_MSG requests require a $db argument');
    return { ...withinTimeLimit(command, () => handler(command, { ...context, database })), ok: 1 };
  } catch (error) {
    if (!(error instanceof MongoCommandError)) onUnexpected(error);
    return toCommandError(error).toReply();
  }
}

/** The reply to a write whose document sequence the wire layer found over the batch limit, and did not decode. */
export function oversizedBatchReply(statements: number): Document {
  return batchSizeError(statements).toReply();
}
