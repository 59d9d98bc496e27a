/**
 * Authorizer throughput: warm invocations per second of our authorizer on a valid token, next to
 * jsonwebtoken's verify alone with a key object on the same token (the library's limit), and the
 * tutorial's authorizer on a token it accepts; and ours once more with its request log line and metrics
 * off, to show what they cost. Each round starts fresh processes for all four and
 * runs them one after the other in rotated order; each process warms up before the timed batch.
 */
import { join } from 'node:path';
import type { BenchConfig } from './environment';
import { functionEnvironment, ORIGINAL_DIR, TARGETS_DIR } from './environment';
import { tokenAuthorizerEvent } from './events';
import { Host } from './processes';
import type { Fixture } from './scenario';
import { bundlePath } from './scenario';
import { pairedRatio, percentile, perSecond, rotatedOrder, summarize } from './stats';
import type { Summary } from './stats';

export interface AuthorizerResult {
  rounds: number;
  invocationsPerRound: number;
  /** Invocations per second. */
  ours: Summary;
  library: Summary;
  original: Summary;
  /**
   * Ours with its per-invocation request log line and metrics turned off (LOG_LEVEL=WARN,
   * POWERTOOLS_METRICS_DISABLED=true): not a deployable setting, a measure of what observability costs.
   */
  oursQuiet: Summary;
  /** ours ÷ library, paired by round: our share of what the library allows. */
  shareOfLibrary: Summary;
  /** ours ÷ original, paired by round. */
  vsOriginal: Summary;
  /** Our authorizer's warm latency per invocation, in ms (all rounds together). */
  oursLatencyMs: { p50: number; p99: number };
}

interface Contender {
  name: 'ours' | 'oursQuiet' | 'library' | 'original';
  start: () => Promise<Host>;
  event: unknown;
}

const WARMUP = 2_000;

export async function measureAuthorizer(
  config: BenchConfig,
  fixture: Fixture,
  rounds: number,
  count: number,
  log: (line: string) => void,
): Promise<AuthorizerResult> {
  const contenders: Contender[] = [
    {
      name: 'ours',
      start: () =>
        Host.start('authorizer', bundlePath('authorizer'), 'handler', functionEnvironment(config, 'authorizer')),
      event: tokenAuthorizerEvent(`Bearer ${fixture.token}`),
    },
    {
      name: 'oursQuiet',
      start: () =>
        Host.start(
          'authorizer (quiet)',
          bundlePath('authorizer'),
          'handler',
          functionEnvironment(config, 'authorizer', { LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' }),
        ),
      event: tokenAuthorizerEvent(`Bearer ${fixture.token}`),
    },
    {
      name: 'library',
      start: () =>
        Host.start(
          'jsonwebtoken.verify',
          join(TARGETS_DIR, 'jwt-verify.cjs'),
          'handler',
          functionEnvironment(config, 'jwt-verify'),
        ),
      event: { token: fixture.token },
    },
    {
      name: 'original',
      start: () =>
        Host.start(
          'tutorial authorizer',
          join(ORIGINAL_DIR, 'auth', 'VerifyToken.js'),
          'auth',
          functionEnvironment(config, 'verify-token'),
        ),
      event: tokenAuthorizerEvent(fixture.originalToken),
    },
  ];

  const rates: Record<Contender['name'], number[]> = { ours: [], oursQuiet: [], library: [], original: [] };
  const latencies: number[] = [];
  for (const [round, order] of rotatedOrder(contenders, rounds).entries()) {
    for (const contender of order) {
      const host = await contender.start();
      try {
        await host.run({ event: contender.event, count: WARMUP });
        const timed = await host.run({ event: contender.event, count });
        rates[contender.name].push(perSecond(count, timed.totalMs));
        if (contender.name === 'ours') {
          const sampled = await host.run({ event: contender.event, count: Math.min(count, 5_000), durations: true });
          latencies.push(...(sampled.durations ?? []));
        }
      } finally {
        await host.stop();
      }
    }
    log(`  authorizer round ${round + 1}/${rounds}`);
  }

  return {
    rounds,
    invocationsPerRound: count,
    ours: summarize(rates.ours),
    library: summarize(rates.library),
    original: summarize(rates.original),
    oursQuiet: summarize(rates.oursQuiet),
    shareOfLibrary: pairedRatio(rates.ours, rates.library),
    vsOriginal: pairedRatio(rates.ours, rates.original),
    oursLatencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
  };
}
