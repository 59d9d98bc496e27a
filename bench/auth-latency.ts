/**
 * Login and register latency at the configured bcrypt cost, split into bcrypt and everything else.
 * bcrypt dominates (tens of milliseconds) and differs by a few percent between processes, which
 * would drown the few milliseconds of the rest; so bcrypt alone is timed in the same process as the
 * function (bench/targets/alongside.cjs), invocations interleaved: login, compare, lookup, login, …
 * For login the bare findOne by email is timed too, so what login adds beyond bcrypt and its
 * database round trip is known. Every round starts fresh warm instances; the rest is the median of
 * differences between adjacent invocations, so a slow spell of the machine hits both sides of each.
 */
import bcrypt from 'bcryptjs';
import { interleaved, startAlongside } from './alongside';
import type { BenchConfig } from './environment';
import { benchUser, proxyEvent } from './events';
import type { Fixture } from './scenario';
import { BENCH_PASSWORD } from './scenario';
import { median, pairedDifferences, percentile, rotatedOrder, summarize } from './stats';
import type { Summary } from './stats';

export interface LatencySplit {
  /** Per-round median latency of the whole invocation, in ms. */
  totalMs: Summary;
  /** Per-round median of bcrypt alone, in ms. */
  bcryptMs: Summary;
  /** Per round, the median of total − bcrypt over adjacent pairs, in ms. */
  restMs: Summary;
  /** p99 of every timed invocation, in ms. */
  p99Ms: number;
}

export interface LoginOverhead {
  /** Per-round median of the bare findOne by email (the login's one database round trip), in ms. */
  lookupMs: Summary;
  /** Per round, the median of login − bcrypt − lookup over adjacent triples: what login adds on top of its two unavoidable costs, in ms. */
  overheadMs: Summary;
}

export interface AuthLatencyResult {
  bcryptCost: number;
  rounds: number;
  invocationsPerRound: number;
  login: LatencySplit & LoginOverhead;
  register: LatencySplit;
}

interface Round {
  total: number[];
  bcrypt: number[];
  lookup?: number[];
}

function splitOf(rounds: Round[]): LatencySplit {
  const totals = rounds.map((round) => median(round.total));
  const bcryptTimes = rounds.map((round) => median(round.bcrypt));
  return {
    totalMs: summarize(totals),
    bcryptMs: summarize(bcryptTimes),
    restMs: summarize(rounds.map((round) => median(pairedDifferences(round.total, round.bcrypt)))),
    p99Ms: percentile(
      rounds.flatMap((round) => round.total),
      99,
    ),
  };
}

export async function measureAuthLatency(
  config: BenchConfig,
  fixture: Fixture,
  rounds: number,
  count: number,
  log: (line: string) => void,
): Promise<AuthLatencyResult> {
  const hash = await bcrypt.hash(fixture.password, config.bcryptCost);
  const runId = Date.now().toString(36);
  const loginEvent = proxyEvent({
    method: 'POST',
    resource: '/login',
    body: { email: fixture.email, password: fixture.password },
  });
  const compare = { bench: 'compare', password: fixture.password, hash };
  const lookup = { bench: 'lookup', email: fixture.email };
  const logins: Round[] = [];
  const registers: Round[] = [];
  let registered = 0;
  const registerEvent = () =>
    proxyEvent({
      method: 'POST',
      resource: '/register',
      body: benchUser(`latency-${runId}-${(registered += 1)}`, BENCH_PASSWORD),
    });

  for (const [round, order] of rotatedOrder(['function', 'bcrypt', 'lookup'] as const, rounds).entries()) {
    const login = await startAlongside(config, 'login');
    try {
      // Warm: the first login connects, prepares its dummy hash and compiles the hot paths.
      await login.run({ events: [loginEvent, compare, lookup, loginEvent, compare, lookup] });
      const timed = await interleaved(
        login,
        order,
        (kind) => (kind === 'function' ? loginEvent : kind === 'bcrypt' ? compare : lookup),
        count,
      );
      logins.push({ total: timed.function, bcrypt: timed.bcrypt, lookup: timed.lookup });
    } finally {
      await login.stop();
    }

    const register = await startAlongside(config, 'register');
    try {
      const hashEvent = { bench: 'hash', password: BENCH_PASSWORD, cost: config.bcryptCost };
      await register.run({ events: [registerEvent(), hashEvent, registerEvent(), hashEvent] });
      const registerOrder = order.filter((kind) => kind !== 'lookup');
      const timed = await interleaved(
        register,
        registerOrder,
        (kind) => (kind === 'function' ? registerEvent() : hashEvent),
        count,
      );
      registers.push({ total: timed.function, bcrypt: timed.bcrypt });
    } finally {
      await register.stop();
    }
    log(`  login/register round ${round + 1}/${rounds}`);
  }

  const loginSplit = splitOf(logins);
  const lookups = logins.map((round) => median(round.lookup ?? []));
  const overheads = logins.map((round) =>
    median(pairedDifferences(pairedDifferences(round.total, round.bcrypt), round.lookup ?? [])),
  );
  return {
    bcryptCost: config.bcryptCost,
    rounds,
    invocationsPerRound: count,
    login: { ...loginSplit, lookupMs: summarize(lookups), overheadMs: summarize(overheads) },
    register: splitOf(registers),
  };
}
