/**
 * Warm request overhead: what a warm invocation costs beyond its database round trip (and beyond
 * bcrypt, which `me` does not run). In every round, fresh instances of `me` and of a bare driver
 * client (bench/targets/find-user.cjs) warm up, then look the same user up the same number of times,
 * in rotated order; the overhead is the round's p50 of `me` minus the round's p50 of the bare
 * findOne, each timed inside its own process. It covers event parsing, validation, mongoose (casting,
 * query building, result mapping), logging, metrics and building the response.
 */
import { join } from 'node:path';
import type { BenchConfig } from './environment';
import { functionEnvironment, TARGETS_DIR } from './environment';
import { proxyEvent } from './events';
import { Host, withHosts } from './processes';
import type { Fixture } from './scenario';
import { authorizerContext, bundlePath } from './scenario';
import { median, rotatedOrder, summarize } from './stats';
import type { Summary } from './stats';

export interface WarmOverheadResult {
  rounds: number;
  invocationsPerRound: number;
  /** Per-round p50 of a warm GET /me invocation, in ms. */
  meMs: Summary;
  /** Per-round p50 of the bare findOne by id, in ms. */
  roundTripMs: Summary;
  /** Per-round me − round trip, in ms. */
  overheadMs: Summary;
}

const WARMUP = 200;

export async function measureWarmOverhead(config: BenchConfig, fixture: Fixture, rounds: number, count: number, log: (line: string) => void): Promise<WarmOverheadResult> {
  const meEvent = proxyEvent({ method: 'GET', resource: '/me', authorizer: authorizerContext(fixture.userId) });
  const lookup = { id: fixture.userId };
  const me: number[] = [];
  const roundTrip: number[] = [];

  for (const [round, order] of rotatedOrder(['me', 'driver'] as const, rounds).entries()) {
    await withHosts(
      {
        me: () => Host.start('me', bundlePath('me'), 'handler', functionEnvironment(config, 'me')),
        driver: () => Host.start('findOne', join(TARGETS_DIR, 'find-user.cjs'), 'handler', functionEnvironment(config, 'find-user')),
      },
      async (hosts) => {
        await hosts.me.run({ event: meEvent, count: WARMUP });
        await hosts.driver.run({ event: lookup, count: WARMUP });
        for (const which of order) {
          const batch = which === 'me' ? await hosts.me.run({ event: meEvent, count, durations: true }) : await hosts.driver.run({ event: lookup, count, durations: true });
          (which === 'me' ? me : roundTrip).push(median(batch.durations ?? []));
        }
      },
    );
    log(`  warm overhead round ${round + 1}/${rounds}`);
  }

  return {
    rounds,
    invocationsPerRound: count,
    meMs: summarize(me),
    roundTripMs: summarize(roundTrip),
    overheadMs: summarize(me.map((value, i) => value - (roundTrip[i] as number))),
  };
}
