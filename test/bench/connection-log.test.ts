import { connectionUse, emptyTally, tallyInvocation } from '../../bench/connection-log';

const line = (fields: Record<string, unknown>): string =>
  JSON.stringify({ level: 'INFO', message: 'request completed', ...fields });

describe('connectionUse', () => {
  it("reads db_connection from a function's JSON request line", () => {
    expect(connectionUse(line({ db_connection: 'new' }))).toBe('new');
    expect(connectionUse(line({ db_connection: 'reused' }))).toBe('reused');
  });

  it('ignores lines without it, with another value, or that are not JSON', () => {
    expect(connectionUse(line({ operation: 'me' }))).toBeUndefined();
    expect(connectionUse(line({ db_connection: 'maybe' }))).toBeUndefined();
    expect(connectionUse('=> using new database connection db_connection')).toBeUndefined();
    expect(connectionUse('{"db_connection": "new"')).toBeUndefined();
  });
});

describe('tallyInvocation', () => {
  it('counts invocations, cold starts and connections, also from several lines in one chunk', () => {
    const tally = emptyTally();
    tallyInvocation(tally, true, [`${line({ message: 'cold' })}\n${line({ db_connection: 'new' })}`]);
    tallyInvocation(tally, false, [line({ db_connection: 'reused' })]);
    tallyInvocation(tally, false, []);
    expect(tally).toEqual({ invocations: 3, coldStarts: 1, connectionsNew: 1, connectionsReused: 1 });
  });
});
