/**
 * The `cursor` of the user list: an opaque base64url token for the (createdAt, id) of the last
 * user of a page. Versioned, fixed-size and strictly decoded, so a forged or damaged cursor is a
 * 400 naming `cursor`, never a query built from garbage.
 *
 * Layout: version (1 byte) · createdAt in ms since the epoch (8 bytes, big-endian) · ObjectId (12 bytes).
 */
import { ValidationFailed } from '../shared/errors';
import { isUserId } from '../shared/ids';
import type { PageKey } from '../shared/users';

const VERSION = 1;
const LENGTH = 1 + 8 + 12;

export function encodeCursor(key: PageKey): string {
  const bytes = Buffer.alloc(LENGTH);
  bytes.writeUInt8(VERSION, 0);
  bytes.writeBigInt64BE(BigInt(key.createdAt.getTime()), 1);
  Buffer.from(key.id, 'hex').copy(bytes, 9);
  return bytes.toString('base64url');
}

function invalid(): ValidationFailed {
  return new ValidationFailed([{ path: 'cursor', message: 'is not a cursor this API returned' }]);
}

/** Throws ValidationFailed (path `cursor`) for anything encodeCursor did not produce. */
export function decodeCursor(cursor: string): PageKey {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const bytes = Buffer.from(cursor, 'base64url');
  // Node decodes leniently; re-encoding must give the input back, or it was not ours.
  if (bytes.length !== LENGTH || bytes.toString('base64url') !== cursor || bytes.readUInt8(0) !== VERSION)
    throw invalid();
  const createdAt = new Date(Number(bytes.readBigInt64BE(1)));
  const id = bytes.subarray(9).toString('hex');
  if (Number.isNaN(createdAt.getTime()) || !isUserId(id)) throw invalid();
  return { createdAt, id };
}
