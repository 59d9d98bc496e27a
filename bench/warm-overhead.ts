/**
 * Warm request overhead: what a warm GET /me costs beyond its database round trip (it runs no
 * bcrypt). The `me` bundle and a bare mongodb driver client run in one process
 * (bench/targets/alongside.cjs), invocations interleaved (me, findOne, me, findOne, …) with the same
 * filter and projection; the overhead is the round's median difference between each `me` and the
 * findOne next to it. It covers event parsing, mongoose (casting, query building, result mapping), logging,
 * metrics and building the response. Every round starts a fresh warm instance.
 */
import type { BenchConfig } from './environment';
import { interleaved, startAlongside } from './alongside';
import { proxyEvent } from './events';
import type { Fixture } from './scenario';
import { authorizerContext } from './scenario';
import { median, pairedDifferences, rotatedOrder, summarize } from './stats';
import type { Summary } from './stats';

export interface WarmOverheadResult {
  rounds: number;
  invocationsPerRound: number;
  /** Per-round p50 of a warm GET /me invocation, in ms. */
  meMs: Summary;
  /** Per-round p50 of the bare findOne by id, in ms. */
  roundTripMs: Summary;
  /** Per round, the median of me − round trip over adjacent pairs, in ms. */
  overheadMs: Summary;
}

const WARMUP = 200;

export async function measureWarmOverhead(
  config: BenchConfig,
  fixture: Fixture,
  rounds: number,
  count: number,
  log: (line: string) => void,
): Promise<WarmOverheadResult> {
  const meEvent = proxyEvent({ method: 'GET', resource: '/me', authorizer: authorizerContext(fixture) });
  const lookup = { bench: 'lookup', id: fixture.userId };
  const me: number[] = [];
  const roundTrip: number[] = [];
  const overhead: number[] = [];

  for (const [round, order] of rotatedOrder(['me', 'lookup'] as const, rounds).entries()) {
    const host = await startAlongside(config, 'me');
    try {
      await interleaved(host, order, (kind) => (kind === 'me' ? meEvent : lookup), WARMUP);
      const timed = await interleaved(host, order, (kind) => (kind === 'me' ? meEvent : lookup), count);
      me.push(median(timed.me));
      roundTrip.push(median(timed.lookup));
      overhead.push(median(pairedDifferences(timed.me, timed.lookup)));
    } finally {
      await host.stop();
    }
    log(`  warm overhead round ${round + 1}/${rounds}`);
  }

  return {
    rounds,
    invocationsPerRound: count,
    meMs: summarize(me),
    roundTripMs: summarize(roundTrip),
    overheadMs: summarize(overhead),
  };
}
