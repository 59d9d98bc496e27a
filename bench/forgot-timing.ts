/**
 * Whether POST /password/forgot tells, by its timing, a registered email from an unknown one. The
 * deployed bundle (dist/forgotPassword) answers both in one warm instance, interleaved in rotated
 * order: the fixture's registered email, an unknown email of the same length, and that unknown
 * email again. The last pair does exactly the same work twice, so its difference is the noise
 * floor the first difference is judged against.
 *
 * The request path is what Lambda runs: the counters in the database, then Invoke through the SDK
 * to bench/lambda-stand-in.ts, which answers 202 at once and keeps the job. The jobs are run
 * afterwards, in the same instance, interleaved too: a registered email's finds the user, issues a
 * link and posts the email to a local outbox; an unknown one's finds nobody. Their difference is
 * what an answer that sent the email before it returned would tell.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { startOutbox } from '../local/outbox';
import type { Outbox } from '../local/outbox';
import { interleaved } from './alongside';
import type { BenchConfig } from './environment';
import { functionEnvironment } from './environment';
import { proxyEvent } from './events';
import { lambdaStandInVariables, startLambdaStandIn } from './lambda-stand-in';
import type { LambdaStandIn } from './lambda-stand-in';
import { Host } from './processes';
import type { Fixture } from './scenario';
import { bundlePath } from './scenario';
import { median, percentile, rotatedOrder, summarize } from './stats';
import type { Summary } from './stats';

export const FORGOT_KEY = 'forgotPassword';

/** Latency of one kind of invocation: per-round medians summarized, and the p99 of every timed one. */
export interface KindLatency {
  p50Ms: Summary;
  p99Ms: number;
}

export interface ForgotTimingResult {
  rounds: number;
  invocationsPerRound: number;
  /** POST /password/forgot, as deployed (the send deferred). */
  request: {
    registered: KindLatency;
    unknown: KindLatency;
    /** Per round, median(registered) − median(unknown), in ms. */
    differenceMs: Summary;
    /** Per round, median(unknown) − median(the same unknown email again): the same work twice, in ms. */
    sameEmailDifferenceMs: Summary;
  };
  /** The deferred job alone, run with the payloads the requests queued. */
  job: {
    registered: KindLatency;
    unknown: KindLatency;
    /** Per round, median(registered) − median(unknown): what sending inline would add to a registered email's answer, in ms. */
    differenceMs: Summary;
  };
}

/** The durations of one round, each list in invocation order. */
export interface ForgotRound {
  registered: number[];
  unknown: number[];
  unknownAgain: number[];
  jobRegistered: number[];
  jobUnknown: number[];
}

const latency = (perRound: number[][]): KindLatency => ({
  p50Ms: summarize(perRound.map(median)),
  p99Ms: percentile(perRound.flat(), 99),
});

/** Per round, the difference of the two medians (both taken in that round), summarized over rounds. */
function differenceOfMedians(a: number[][], b: number[][]): Summary {
  return summarize(a.map((samples, round) => median(samples) - median(b[round] ?? [])));
}

export function summarizeForgotRounds(rounds: readonly ForgotRound[], invocationsPerRound: number): ForgotTimingResult {
  const of = (kind: keyof ForgotRound) => rounds.map((round) => round[kind]);
  return {
    rounds: rounds.length,
    invocationsPerRound,
    request: {
      registered: latency(of('registered')),
      unknown: latency(of('unknown')),
      differenceMs: differenceOfMedians(of('registered'), of('unknown')),
      sameEmailDifferenceMs: differenceOfMedians(of('unknown'), of('unknownAgain')),
    },
    job: {
      registered: latency(of('jobRegistered')),
      unknown: latency(of('jobUnknown')),
      differenceMs: differenceOfMedians(of('jobRegistered'), of('jobUnknown')),
    },
  };
}

/** The largest per-round difference, either way, between two timings of the same work. */
export function noiseFloorMs(sameWork: Summary): number {
  return Math.max(Math.abs(sameWork.min), Math.abs(sameWork.max));
}

/** An unregistered email as long as the registered one, at the same domain, so that only existence differs. */
export function unknownEmailLike(email: string): string {
  const at = email.lastIndexOf('@');
  let local = '';
  while (local.length < at) local += randomUUID().replace(/-/g, '');
  return `${local.slice(0, at)}${email.slice(at)}`;
}

const WARMUP = 50;

type RequestKind = 'registered' | 'unknown' | 'unknownAgain';
type JobKind = 'registered' | 'unknown';

/** The job payloads the stand-in queued, by the email in their body. */
function jobsByEmail(standIn: LambdaStandIn, registered: string, unknown: string): Record<JobKind, unknown[]> {
  const jobs: Record<JobKind, unknown[]> = { registered: [], unknown: [] };
  for (const { functionName, payload } of standIn.takeQueued()) {
    if (functionName !== FORGOT_KEY) throw new Error(`a job was queued for ${functionName}, not ${FORGOT_KEY}`);
    const event = JSON.parse(payload) as { deferredJob?: { body?: { email?: unknown } } };
    const email = event.deferredJob?.body?.email;
    if (email === registered) jobs.registered.push(event);
    else if (email === unknown) jobs.unknown.push(event);
    else throw new Error(`a job was queued for an email the bench did not ask for: ${String(email)}`);
  }
  return jobs;
}

/** Runs one invocation and answers its result, so that a path that answers differently stops the measurement. */
async function answerTo(host: Host, event: unknown): Promise<unknown> {
  return (await host.run({ event, count: 1 })).first.result;
}

export async function measureForgotTiming(
  config: BenchConfig,
  fixture: Fixture,
  rounds: number,
  count: number,
  log: (line: string) => void,
): Promise<ForgotTimingResult> {
  const registered = fixture.email;
  const unknown = unknownEmailLike(registered);
  const forgot = (email: string) => proxyEvent({ method: 'POST', resource: '/password/forgot', body: { email } });
  const events: Record<RequestKind, unknown> = {
    registered: forgot(registered),
    unknown: forgot(unknown),
    unknownAgain: forgot(unknown),
  };

  let emails = 0;
  const outbox: Outbox = await startOutbox({ onEmail: () => (emails += 1) });
  const standIn = await startLambdaStandIn();
  const measured: ForgotRound[] = [];
  try {
    const environment = functionEnvironment(config, FORGOT_KEY, {
      EMAIL_OUTBOX_URL: outbox.url,
      ...lambdaStandInVariables(standIn.url),
    });
    const jobOrders = rotatedOrder(['registered', 'unknown'] as const, rounds);
    for (const [round, order] of rotatedOrder(['registered', 'unknown', 'unknownAgain'] as const, rounds).entries()) {
      const host = await Host.start(`${FORGOT_KEY} (forgot timing)`, bundlePath(FORGOT_KEY), 'handler', environment);
      try {
        const queuedBefore = standIn.queued();
        const emailsBefore = emails;
        const first = {
          registered: await answerTo(host, events.registered),
          unknown: await answerTo(host, events.unknown),
        };
        if (!isDeepStrictEqual(first.registered, first.unknown))
          throw new Error(
            `forgot answered a registered and an unknown email differently: ${JSON.stringify(first.registered)} vs ${JSON.stringify(first.unknown)}`,
          );
        await interleaved(host, order, (kind) => events[kind], WARMUP);
        const timed = await interleaved(host, order, (kind) => events[kind], count);
        const requests = 2 + 3 * (WARMUP + count);
        // A job that was not queued (DeferFailed) still answers 202, and sooner: no figure is made of that.
        if (standIn.queued() - queuedBefore !== requests || standIn.refused() > 0)
          throw new Error(
            `${standIn.queued() - queuedBefore} of ${requests} requests queued their job (${standIn.refused()} refused)`,
          );
        if (emails !== emailsBefore) throw new Error(`the requests sent ${emails - emailsBefore} email(s) themselves`);

        const jobs = jobsByEmail(standIn, registered, unknown);
        const jobOrder = jobOrders[round] as readonly JobKind[];
        const nextJob = (kind: JobKind): unknown => {
          const job = jobs[kind].shift();
          if (job === undefined) throw new Error(`no ${kind} job payload left`);
          return job;
        };
        const jobAnswers = {
          registered: await answerTo(host, nextJob('registered')),
          unknown: await answerTo(host, nextJob('unknown')),
        };
        for (const [kind, answer] of Object.entries(jobAnswers))
          if (!isDeepStrictEqual(answer, { outcome: 'completed' }))
            throw new Error(`the ${kind} email's job did not complete: ${JSON.stringify(answer)}`);
        await interleaved(host, jobOrder, nextJob, WARMUP);
        const emailsBeforeJobs = emails;
        const timedJobs = await interleaved(host, jobOrder, nextJob, count);
        // One email per registered job, none for the unknown one: the jobs did their whole work.
        if (emails - emailsBeforeJobs !== count)
          throw new Error(`${count} registered jobs sent ${emails - emailsBeforeJobs} email(s)`);

        measured.push({
          registered: timed.registered,
          unknown: timed.unknown,
          unknownAgain: timed.unknownAgain,
          jobRegistered: timedJobs.registered,
          jobUnknown: timedJobs.unknown,
        });
      } finally {
        await host.stop();
      }
      log(`  forgot timing round ${round + 1}/${rounds}`);
    }
  } finally {
    await standIn.close();
    await outbox.close();
  }
  return summarizeForgotRounds(measured, count);
}
