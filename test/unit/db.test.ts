import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import type { TopologyDescription } from 'mongodb';
import { databaseError, isUnavailable } from '../../functions/shared/db';
import { DatabaseUnavailable } from '../../functions/shared/errors';

describe('database errors', () => {
  it.each([
    [
      'a server selection timeout',
      new MongoServerSelectionError('Server selection timed out after 2000 ms', {
        error: null,
      } as unknown as TopologyDescription),
    ],
    ['a network error', new MongoNetworkError('connection reset')],
    ['a force-closed connection', new Error('Connection was force closed')],
    [
      'a socket the server ended mid-write (EPIPE), unwrapped',
      Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' }),
    ],
    ['a reset connection, unwrapped', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    [
      'an error caused by a network failure',
      new Error('operation failed', { cause: Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) }),
    ],
  ])('treats %s as unavailable, answered 503', (_what, error) => {
    expect(isUnavailable(error)).toBe(true);
    expect(databaseError(error)).toBeInstanceOf(DatabaseUnavailable);
    expect((databaseError(error) as DatabaseUnavailable).cause).toBe(error);
  });

  it.each([
    ['an authentication failure', new MongoServerError({ message: 'Authentication failed.', code: 18 })],
    ['a bug', new TypeError('x is undefined')],
    ['a thrown string', 'boom'],
    ['a file-system error', Object.assign(new Error('no such file'), { code: 'ENOENT' })],
  ])('leaves %s as it is, answered 500', (_what, error) => {
    expect(isUnavailable(error)).toBe(false);
    expect(databaseError(error)).toBe(error);
  });
});
