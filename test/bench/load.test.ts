import { emptyTally } from '../../bench/connection-log';
import type { FunctionTally } from '../../bench/connection-log';
import { loadScenarios, oneConnectionEach, runErrors } from '../../bench/load';
import type { Fixture } from '../../bench/scenario';

const fixture: Fixture = {
  userId: 'u',
  email: 'e@example.com',
  password: 'p',
  token: 'tok',
  sessionId: 's',
  tokenExp: 4_102_444_800,
  refreshTokens: [],
  originalToken: 'old',
};

describe('loadScenarios', () => {
  it('loads GET /me with the bearer token and GET /users at each concurrency', () => {
    const scenarios = loadScenarios(fixture, [1, 10]);
    expect(scenarios.map((s) => `${s.name}@${s.concurrency}`)).toEqual([
      'GET /me@1',
      'GET /me@10',
      'GET /users@1',
      'GET /users@10',
    ]);
    expect(scenarios[0]?.headers).toEqual({ Authorization: 'Bearer tok' });
    expect(scenarios[2]?.headers).toEqual({});
  });
});

describe('runErrors', () => {
  const clean = { errors: 0, timeouts: 0, non2xx: 0, statusCodeStats: { '200': { count: 10 } } };

  it('finds nothing wrong in a run of 2xx answers', () => {
    expect(runErrors(clean)).toEqual([]);
  });

  it('names connection errors, timeouts and each non-2xx status', () => {
    expect(
      runErrors({
        errors: 2,
        timeouts: 1,
        non2xx: 3,
        statusCodeStats: { '200': { count: 5 }, '401': { count: 1 }, '503': { count: 2 } },
      }),
    ).toEqual(['2 connection errors (timeouts included)', '1 timeouts', 'non-2xx answers: 1 × 401, 2 × 503']);
  });
});

describe('oneConnectionEach', () => {
  const tally = (fields: Partial<FunctionTally>): FunctionTally => ({ ...emptyTally(), ...fields });
  const healthy = {
    authorizer: tally({ invocations: 1, coldStarts: 1 }),
    me: tally({ invocations: 500, coldStarts: 1, connectionsNew: 1, connectionsReused: 499 }),
    listUsers: tally({ invocations: 300, coldStarts: 1, connectionsNew: 1, connectionsReused: 299 }),
  };

  it('holds when each instance connected once and nothing connected under load', () => {
    expect(oneConnectionEach(healthy, 0, 1)).toBe(true);
  });

  it('fails when a function reconnected', () => {
    expect(
      oneConnectionEach({ ...healthy, me: tally({ invocations: 500, coldStarts: 1, connectionsNew: 2 }) }, 0, 1),
    ).toBe(false);
  });

  it('fails when the server accepted connections under load', () => {
    expect(oneConnectionEach(healthy, 3, 1)).toBe(false);
  });

  it('fails when more instances started than allowed, or the authorizer touched the database', () => {
    expect(oneConnectionEach({ ...healthy, me: tally({ coldStarts: 2, connectionsNew: 2 }) }, 0, 1)).toBe(false);
    expect(oneConnectionEach({ ...healthy, authorizer: tally({ coldStarts: 1, connectionsNew: 1 }) }, 0, 1)).toBe(
      false,
    );
  });

  it('fails when no function with a database ran at all', () => {
    expect(oneConnectionEach({ authorizer: healthy.authorizer }, 0, 1)).toBe(false);
  });
});
