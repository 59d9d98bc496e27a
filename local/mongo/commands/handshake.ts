/** Handshake and housekeeping commands: what a driver sends before and around real work. */
import { MAX_DOCUMENT_BYTES } from '../document';
import { MAX_MESSAGE_BYTES, MAX_WRITE_BATCH_SIZE } from '../wire';
import type { CommandHandler } from './context';

/** MongoDB 7.0; the driver refuses servers below wire version 9. */
const MAX_WIRE_VERSION = 21;
const VERSION_ARRAY = [7, 0, 0, 0];

export const SERVER_VERSION = VERSION_ARRAY.slice(0, 3).join('.');

/**
 * Answers as a standalone: no `setName`, no `msg: 'isdbgrid'`, no `topologyVersion` (which would make the
 * driver stream heartbeats). `logicalSessionTimeoutMinutes` tells the driver sessions are supported.
 */
export const hello: CommandHandler = (command, { connectionId }) => ({
  helloOk: true,
  // Legacy `ismaster`/`isMaster` handshakes read `ismaster`; `hello` reads `isWritablePrimary`.
  ...('hello' in command ? { isWritablePrimary: true } : { ismaster: true }),
  maxBsonObjectSize: MAX_DOCUMENT_BYTES,
  maxMessageSizeBytes: MAX_MESSAGE_BYTES,
  maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
  localTime: new Date(),
  logicalSessionTimeoutMinutes: 30,
  connectionId,
  minWireVersion: 0,
  maxWireVersion: MAX_WIRE_VERSION,
  readOnly: false,
});

export const ping: CommandHandler = () => ({});

export const buildInfo: CommandHandler = () => ({
  version: SERVER_VERSION,
  gitVersion: 'embedded',
  versionArray: VERSION_ARRAY,
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_DOCUMENT_BYTES,
  storageEngines: ['memory'],
});

/** Sessions carry no server-side state here, so there is nothing to end. */
export const endSessions: CommandHandler = () => ({});
