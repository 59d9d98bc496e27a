/**
 * Login and register latency at the configured bcrypt cost, split into bcrypt and everything else.
 * In every round, fresh warm instances of login and register answer a batch each, and bcryptjs alone
 * (the same library they bundle) compares and hashes as many times in the same round; the rest is
 * the round's median latency minus the round's median bcrypt time. For login, the bare findOne by
 * email is timed too, so what login adds beyond bcrypt and its database round trip is known.
 */
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import type { BenchConfig } from './environment';
import { functionEnvironment, TARGETS_DIR } from './environment';
import { benchUser, proxyEvent } from './events';
import { Host, withHosts } from './processes';
import type { Fixture } from './scenario';
import { BENCH_PASSWORD, bundlePath } from './scenario';
import { median, percentile, rotatedOrder, summarize } from './stats';
import type { Summary } from './stats';

export interface LatencySplit {
  /** Per-round median latency of the whole invocation, in ms. */
  totalMs: Summary;
  /** Per-round median of bcrypt alone, in ms. */
  bcryptMs: Summary;
  /** Per-round total − bcrypt, in ms. */
  restMs: Summary;
  /** p99 of every timed invocation, in ms. */
  p99Ms: number;
}

export interface LoginOverhead {
  /** Per-round median of the bare findOne by email (the login's one database round trip), in ms. */
  lookupMs: Summary;
  /** Per-round login total − bcrypt − lookup: what login adds on top of its two unavoidable costs, in ms. */
  overheadMs: Summary;
}

export interface AuthLatencyResult {
  bcryptCost: number;
  rounds: number;
  invocationsPerRound: number;
  login: LatencySplit & LoginOverhead;
  register: LatencySplit;
}

type Step = 'login' | 'register' | 'compare' | 'hash' | 'lookup';

export async function measureAuthLatency(config: BenchConfig, fixture: Fixture, rounds: number, count: number, log: (line: string) => void): Promise<AuthLatencyResult> {
  const hash = await bcrypt.hash(fixture.password, config.bcryptCost);
  const runId = Date.now().toString(36);
  const samples: Record<Step, number[][]> = { login: [], register: [], compare: [], hash: [], lookup: [] };

  for (const [round, order] of rotatedOrder<Step>(['login', 'register', 'compare', 'hash', 'lookup'], rounds).entries()) {
    await withHosts(
      {
        login: () => Host.start('login', bundlePath('login'), 'handler', functionEnvironment(config, 'login')),
        register: () => Host.start('register', bundlePath('register'), 'handler', functionEnvironment(config, 'register')),
        bcryptHost: () => Host.start('bcryptjs', join(TARGETS_DIR, 'bcrypt.cjs'), 'handler', functionEnvironment(config, 'bcrypt')),
        driver: () => Host.start('findOne', join(TARGETS_DIR, 'find-user.cjs'), 'handler', functionEnvironment(config, 'find-user')),
      },
      async ({ login, register, bcryptHost, driver }) => {
        const loginEvent = proxyEvent({ method: 'POST', resource: '/login', body: { email: fixture.email, password: fixture.password } });
        const registerEvents = Array.from({ length: count + 1 }, (_, i) =>
          proxyEvent({ method: 'POST', resource: '/register', body: benchUser(`latency-${runId}-${round}-${i}`, BENCH_PASSWORD) }),
        );
        const batches: Record<Step, () => Promise<number[] | undefined>> = {
          login: async () => (await login.run({ event: loginEvent, count, durations: true })).durations,
          register: async () => (await register.run({ events: registerEvents.slice(1), durations: true })).durations,
          compare: async () => (await bcryptHost.run({ event: { op: 'compare', password: fixture.password, hash }, count, durations: true })).durations,
          hash: async () => (await bcryptHost.run({ event: { op: 'hash', password: BENCH_PASSWORD, cost: config.bcryptCost }, count, durations: true })).durations,
          lookup: async () => (await driver.run({ event: { email: fixture.email }, count, durations: true })).durations,
        };
        // The first invocation of each instance connects to the database: warm them before timing.
        await login.run({ event: loginEvent, count: 1 });
        await register.run({ events: registerEvents.slice(0, 1) });
        await bcryptHost.run({ event: { op: 'compare', password: fixture.password, hash }, count: 1 });
        await driver.run({ event: { email: fixture.email }, count: 20 });
        for (const step of order) samples[step].push((await batches[step]()) ?? []);
      },
    );
    log(`  login/register round ${round + 1}/${rounds}`);
  }

  const split = (step: 'login' | 'register', alone: 'compare' | 'hash'): LatencySplit => {
    const totals = samples[step].map((durations) => median(durations));
    const bcryptTimes = samples[alone].map((durations) => median(durations));
    return {
      totalMs: summarize(totals),
      bcryptMs: summarize(bcryptTimes),
      restMs: summarize(totals.map((total, i) => total - (bcryptTimes[i] as number))),
      p99Ms: percentile(samples[step].flat(), 99),
    };
  };
  const login = split('login', 'compare');
  const lookups = samples.lookup.map((durations) => median(durations));
  const loginRest = samples.login.map((durations, i) => median(durations) - median(samples.compare[i] ?? []));
  return {
    bcryptCost: config.bcryptCost,
    rounds,
    invocationsPerRound: count,
    login: { ...login, lookupMs: summarize(lookups), overheadMs: summarize(loginRest.map((rest, i) => rest - (lookups[i] as number))) },
    register: split('register', 'hash'),
  };
}
