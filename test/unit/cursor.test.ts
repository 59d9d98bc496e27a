import { decodeCursor, encodeCursor } from '../../functions/listUsers/cursor';
import { ValidationFailed } from '../../functions/shared/errors';

const key = { createdAt: new Date('2026-01-31T12:00:00.123Z'), id: '665f1c2a9e4b3c0012abcdef' };

function refused(cursor: string): boolean {
  try {
    decodeCursor(cursor);
    return false;
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    expect(error.errors).toEqual([{ path: 'cursor', message: 'is not a cursor this API returned' }]);
    return true;
  }
}

describe('cursor', () => {
  it('decodes what it encodes, to the millisecond', () => {
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it('is short, opaque base64url', () => {
    const cursor = encodeCursor(key);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]{28}$/);
    expect(cursor).not.toContain(key.id);
  });

  it.each([
    ['empty', ''],
    ['with characters outside base64url', 'AQ+/'],
    ['too short', encodeCursor(key).slice(0, 20)],
    ['too long', `${encodeCursor(key)}AAAA`],
    [
      'of another version',
      Buffer.concat([Buffer.from([2]), Buffer.from(encodeCursor(key), 'base64url').subarray(1)]).toString('base64url'),
    ],
    [
      'with a date out of range',
      Buffer.concat([Buffer.from([1]), Buffer.from('7fffffffffffffff', 'hex'), Buffer.alloc(12)]).toString('base64url'),
    ],
  ])('refuses a cursor %s', (_what, cursor) => {
    expect(refused(cursor)).toBe(true);
  });

  it('refuses a non-canonical spelling that Node would decode to the same bytes', () => {
    const cursor = encodeCursor(key);
    // One extra character carries 6 bits, not a byte: Node drops it silently.
    const padded = `${cursor}A`;

    expect(Buffer.from(padded, 'base64url')).toEqual(Buffer.from(cursor, 'base64url'));
    expect(refused(padded)).toBe(true);
  });
});
