/**
 * Sessions: what a refresh costs warm (the hottest call of a real client, every 15 minutes per
 * user), and what the session check adds to a protected route. Refresh tokens are single use, so
 * each timed refresh gets a fresh one, seeded straight into the sessions collection beforehand.
 * The session check is timed as its bare driver query beside the `me` handler in one process
 * (bench/targets/alongside.cjs), interleaved, as the warm overhead is.
 */
import { interleaved, startAlongside } from './alongside';
import type { BenchConfig } from './environment';
import { proxyEvent } from './events';
import type { Fixture } from './scenario';
import { authorizerContext, seedRefreshTokens } from './scenario';
import { median, pairedDifferences, percentile, rotatedOrder, summarize } from './stats';
import type { Summary } from './stats';

export interface SessionsResult {
  rounds: number;
  invocationsPerRound: number;
  /** Per-round p50 of a warm POST /token/refresh that rotates, in ms. */
  refreshMs: Summary;
  /** p99 of every timed refresh, in ms. */
  refreshP99Ms: number;
  /** Per-round p50 of a warm GET /me (user read and session check in parallel), in ms. */
  meMs: Summary;
  /** Per-round p50 of the bare session query the check sends (one read by _id), in ms. */
  sessionCheckMs: Summary;
  /** Per round, the median of me − bare user read over adjacent pairs: all of our code, the session check included, in ms. */
  meOverheadMs: Summary;
}

const WARMUP = 50;

export async function measureSessions(
  config: BenchConfig,
  fixture: Fixture,
  rounds: number,
  count: number,
  log: (line: string) => void,
): Promise<SessionsResult> {
  const refreshes: number[] = [];
  const allRefreshes: number[] = [];
  const me: number[] = [];
  const sessionCheck: number[] = [];
  const meOverhead: number[] = [];
  const meEvent = proxyEvent({ method: 'GET', resource: '/me', authorizer: authorizerContext(fixture) });
  const userRead = { bench: 'lookup', id: fixture.userId };
  const sessionRead = { bench: 'session', id: fixture.sessionId, userId: fixture.userId };

  for (const [round, order] of rotatedOrder(['me', 'lookup', 'session'] as const, rounds).entries()) {
    const tokens = await seedRefreshTokens(config, fixture.userId, WARMUP + count);
    const refreshEvent = (token: string) =>
      proxyEvent({ method: 'POST', resource: '/token/refresh', body: { refreshToken: token } });
    const refresher = await startAlongside(config, 'refreshToken');
    try {
      await refresher.run({ events: tokens.slice(0, WARMUP).map(refreshEvent) });
      const { durations } = await refresher.run({ events: tokens.slice(WARMUP).map(refreshEvent), durations: true });
      refreshes.push(median(durations ?? []));
      allRefreshes.push(...(durations ?? []));
    } finally {
      await refresher.stop();
    }

    const host = await startAlongside(config, 'me');
    try {
      const eventOf = (kind: (typeof order)[number]) =>
        kind === 'me' ? meEvent : kind === 'lookup' ? userRead : sessionRead;
      await interleaved(host, order, eventOf, WARMUP);
      const timed = await interleaved(host, order, eventOf, count);
      me.push(median(timed.me));
      sessionCheck.push(median(timed.session));
      meOverhead.push(median(pairedDifferences(timed.me, timed.lookup)));
    } finally {
      await host.stop();
    }
    log(`  sessions round ${round + 1}/${rounds}`);
  }

  return {
    rounds,
    invocationsPerRound: count,
    refreshMs: summarize(refreshes),
    refreshP99Ms: percentile(allRefreshes, 99),
    meMs: summarize(me),
    sessionCheckMs: summarize(sessionCheck),
    meOverheadMs: summarize(meOverhead),
  };
}
