/**
 * Turns the measurements into the tables `make bench` prints and writes to bench/RESULTS.md, and
 * checks them against the targets of the performance issue.
 */
import type { AuthLatencyResult } from './auth-latency';
import type { AuthorizerResult } from './authorizer';
import type { BundleResult, OriginalZip } from './bundles';
import type { ColdStartResult } from './cold-start';
import type { DataGrowthResult } from './data-growth';
import type { ForgotTimingResult } from './forgot-timing';
import { noiseFloorMs } from './forgot-timing';
import type { Table } from './format';
import {
  formatBytes,
  formatMs,
  formatPercent,
  formatRate,
  formatRatio,
  formatSummary,
  renderMarkdown,
  renderText,
} from './format';
import type { LoadResult } from './load';
import type { PasswordListResult } from './password-list';
import type { WarmOverheadResult } from './warm-overhead';
import type { SessionsResult } from './sessions';
import type { SigningResult } from './signing';
import type { Summary } from './stats';

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  date: string;
  /** 1-minute load average when the run started and when it ended: a busy machine shows here. */
  loadAverage: { start: number; end: number };
}

export interface BenchResults {
  machine: Machine;
  bcryptCost: number;
  durationSeconds: number;
  bundles?: { functions: BundleResult[]; original: OriginalZip };
  coldStart?: ColdStartResult;
  passwordList?: PasswordListResult;
  authorizer?: AuthorizerResult;
  signing?: SigningResult;
  authLatency?: AuthLatencyResult;
  warmOverhead?: WarmOverheadResult;
  sessions?: SessionsResult;
  forgotTiming?: ForgotTimingResult;
  load?: LoadResult;
  dataGrowth?: DataGrowthResult;
  /** Measurements that failed, with why: their tables are missing and `make bench` exits non-zero. */
  failures: Record<string, string>;
  targets: TargetCheck[];
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

export const AUTHORIZER_KEY = 'authorizer';
/** The issue's "under 60 KB", read strictly as decimal kilobytes. */
export const AUTHORIZER_BUNDLE_LIMIT_BYTES = 60_000;
export const LIBRARY_SHARE_TARGET = 0.8;
export const ORIGINAL_THROUGHPUT_TARGET = 1.5;
export const API_ZIP_SHARE_TARGET = 1 / 3;
export const API_COLD_START_RATIO_TARGET = 0.8;
export const WARM_OVERHEAD_TARGET_MS = 2;
/** Issue targets for sessions: a refresh far cheaper than a login (no bcrypt), the session check under a millisecond. */
export const REFRESH_TARGET_MS = 5;
export const SESSION_CHECK_TARGET_MS = 1;
/** ES256 may add at most this share to the authorizer's cold start. */
export const ES256_COLD_GROWTH_LIMIT = 0.1;
/** The common-password list may make register's cold start at most this much slower (with ÷ without). */
export const PASSWORD_LIST_COLD_RATIO_LIMIT = 1.15;
/**
 * POST /password/forgot may answer a registered email and an unknown one at most this far apart
 * (the difference of their medians, median over rounds). Chosen from the noise floor, the same
 * unknown email timed twice in the same run: on the 2-core machine of bench/RESULTS.md, under load,
 * single rounds differed by up to 0.38 ms and the median over rounds by up to 0.14 ms, while sending
 * the email inline would put about 3 ms between the two.
 */
export const FORGOT_TIMING_LIMIT_MS = 0.5;
/** "Should not grow": a login at 100× the users within 10% of the small database's. */
export const GROWTH_RATIO_LIMIT = 1.1;

function signedMs(ms: number): string {
  return `${ms >= 0 ? '+' : ''}${formatMs(ms)}`;
}

/** Each target the results can answer; a target whose measurement did not run is left out. */
export function checkTargets(
  results: Omit<BenchResults, 'targets' | 'failures' | 'machine' | 'durationSeconds'>,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const {
    bundles,
    coldStart,
    passwordList,
    authorizer,
    signing,
    warmOverhead,
    authLatency,
    sessions,
    forgotTiming,
    load,
    dataGrowth,
  } = results;

  const authorizerBundle = bundles?.functions.find((b) => b.key === AUTHORIZER_KEY);
  if (authorizerBundle) {
    checks.push({
      target: 'authorizer bundle under 60 kB',
      measured: `${formatBytes(authorizerBundle.bytes)} (${authorizerBundle.bytes.toLocaleString('en-US')} B)`,
      met: authorizerBundle.bytes < AUTHORIZER_BUNDLE_LIMIT_BYTES,
    });
  }
  const authorizerCold = coldStart?.functions.find((row) => row.key === AUTHORIZER_KEY);
  if (authorizerCold && coldStart) {
    const ours = authorizerCold.bundled.coldMs.median;
    const original = coldStart.original.authorizer.coldMs.median;
    checks.push({
      target: "authorizer cold start no slower than the tutorial's authorizer",
      measured: `${formatMs(ours)} vs ${formatMs(original)}`,
      met: ours <= original,
    });
  }
  if (passwordList) {
    const { ratio, coldGrowthMs, withList, withoutList } = passwordList;
    checks.push({
      target: "common-password list adds at most 15% to register's cold start",
      measured: `${formatRatio(ratio.coldMs.median)} (${signedMs(coldGrowthMs.median)}): ${formatMs(withList.coldMs.median)} with, ${formatMs(withoutList.coldMs.median)} without`,
      met: ratio.coldMs.median <= PASSWORD_LIST_COLD_RATIO_LIMIT,
    });
  }
  if (authorizer) {
    checks.push({
      target: 'authorizer ≥ 80% of raw jsonwebtoken.verify (key object)',
      measured: formatPercent(authorizer.shareOfLibrary.median),
      met: authorizer.shareOfLibrary.median >= LIBRARY_SHARE_TARGET,
    });
    checks.push({
      target: "authorizer ≥ 1.5× the tutorial's authorizer",
      measured: formatRatio(authorizer.vsOriginal.median),
      met: authorizer.vsOriginal.median >= ORIGINAL_THROUGHPUT_TARGET,
    });
  }
  if (signing) {
    checks.push({
      target: 'ES256 adds at most 10% to the authorizer cold start (vs HS256)',
      measured: `${signing.coldGrowthMs.median >= 0 ? '+' : ''}${formatMs(signing.coldGrowthMs.median)} = ${formatPercent(signing.coldGrowthShare.median)} of ${formatMs(signing.coldMs.ours.median)}`,
      met: signing.coldGrowthShare.median <= ES256_COLD_GROWTH_LIMIT,
    });
  }
  const apiBundles = bundles?.functions.filter((b) => b.key !== AUTHORIZER_KEY) ?? [];
  if (bundles && apiBundles.length > 0) {
    const largest = apiBundles.reduce((a, b) => (b.zipBytes > a.zipBytes ? b : a));
    const share = largest.zipBytes / bundles.original.zipBytes;
    checks.push({
      target: "API zips ≤ 1/3 of the tutorial's deployment zip",
      measured: `largest ${largest.key} ${formatBytes(largest.zipBytes)} = ${formatPercent(share)} of ${formatBytes(bundles.original.zipBytes)}`,
      met: share <= API_ZIP_SHARE_TARGET,
    });
  }
  const apiCold = coldStart?.functions.filter((row) => row.key !== AUTHORIZER_KEY) ?? [];
  if (apiCold.length > 0) {
    const worst = apiCold.reduce((a, b) => (b.ratio.median > a.ratio.median ? b : a));
    checks.push({
      target: 'API cold start ≤ 0.8× unbundled',
      measured: `worst ${worst.key} ${formatRatio(worst.ratio.median)}`,
      met: worst.ratio.median <= API_COLD_START_RATIO_TARGET,
    });
  }
  if (warmOverhead) {
    checks.push({
      target: 'warm overhead of GET /me under 2 ms at p50',
      measured: formatMs(warmOverhead.overheadMs.median),
      met: warmOverhead.overheadMs.median < WARM_OVERHEAD_TARGET_MS,
    });
  }
  if (authLatency) {
    checks.push({
      target: 'warm overhead of login (beyond bcrypt and lookup) under 2 ms at p50',
      measured: formatMs(authLatency.login.overheadMs.median),
      met: authLatency.login.overheadMs.median < WARM_OVERHEAD_TARGET_MS,
    });
  }
  if (sessions) {
    checks.push({
      target: 'warm refresh (rotation included) under 5 ms at p50',
      measured: formatMs(sessions.refreshMs.median),
      met: sessions.refreshMs.median < REFRESH_TARGET_MS,
    });
    checks.push({
      target: 'session check on GET /me under 1 ms at p50',
      measured: formatMs(sessions.sessionCheckMs.median),
      met: sessions.sessionCheckMs.median < SESSION_CHECK_TARGET_MS,
    });
  }
  if (forgotTiming) {
    const { differenceMs, sameEmailDifferenceMs } = forgotTiming.request;
    checks.push({
      target: `forgot answers a registered and an unknown email in the same time: median difference under ${formatMs(FORGOT_TIMING_LIMIT_MS)} either way`,
      measured: `${formatSummary(differenceMs, signedMs)} registered − unknown; the same email twice: within ±${formatMs(noiseFloorMs(sameEmailDifferenceMs))}`,
      met: Math.abs(differenceMs.median) < FORGOT_TIMING_LIMIT_MS,
    });
  }
  if (load) {
    const errors = load.rows.reduce((sum, row) => sum + row.errors, 0);
    checks.push({
      target: 'load: zero errors',
      measured: `${errors} errors in ${load.rows.reduce((sum, row) => sum + row.requests, 0).toLocaleString('en-US')} requests`,
      met: errors === 0,
    });
    const counts = Object.entries(load.functions)
      .map(([key, tally]) => `${key} ${tally.connectionsNew}`)
      .join(', ');
    checks.push({
      target: 'load: one database connection per function instance',
      measured: `new connections: ${counts}; ${load.connectionsDuringLoad} opened under load`,
      met: load.oneConnectionPerInstance,
    });
  }
  if (dataGrowth) {
    checks.push({
      target: 'login does not grow from 1k to 100k users (≤ 1.10×)',
      measured: formatRatio(dataGrowth.loginRatio.median),
      met: dataGrowth.loginRatio.median <= GROWTH_RATIO_LIMIT,
    });
  }
  return checks;
}

const ms = (summary: Parameters<typeof formatSummary>[0]): string => formatSummary(summary, formatMs);

function heaviest(bundle: BundleResult): string {
  return bundle.heaviest
    .slice(0, 3)
    .map((input) => `${input.name} ${formatPercent(input.share)}`)
    .join(', ');
}

/** The tables, in the order they print; a measurement that did not run has no table. */
export function buildTables(results: BenchResults): Table[] {
  const tables: Table[] = [];
  const {
    bundles,
    coldStart,
    passwordList,
    authorizer,
    signing,
    authLatency,
    warmOverhead,
    sessions,
    forgotTiming,
    load,
    dataGrowth,
  } = results;

  if (bundles) {
    tables.push({
      title: 'Bundles',
      columns: ['function', 'bundle', 'zipped', 'heaviest inputs'],
      rows: [
        ...bundles.functions.map((b) => [b.key, formatBytes(b.bytes), formatBytes(b.zipBytes), heaviest(b)]),
        [
          'tutorial (one zip, all functions)',
          '-',
          formatBytes(bundles.original.zipBytes),
          `${bundles.original.files} files: handlers + node_modules`,
        ],
      ],
      notes: [
        'zipped: dist/<key>.zip as `make build` writes it; the tutorial: its folder with production node_modules at zip level 9, as `sls deploy` packs it.',
      ],
    });
  }
  if (coldStart) {
    const o = coldStart.original;
    tables.push({
      title: 'Cold start (fresh node, load + first invocation, minus bare node)',
      columns: ['function', 'bundled', 'unbundled', 'ratio', 'require bundled', 'require unbundled'],
      rows: [
        ...coldStart.functions.map((row) => [
          row.key,
          ms(row.bundled.coldMs),
          ms(row.unbundled.coldMs),
          formatSummary(row.ratio, formatRatio),
          ms(row.bundled.requireMs),
          ms(row.unbundled.requireMs),
        ]),
        ['tutorial VerifyToken.js', '-', ms(o.authorizer.coldMs), '-', '-', ms(o.authorizer.requireMs)],
        ['tutorial AuthHandler.js', '-', '-', '-', '-', ms(o.apiRequireMs)],
      ],
      notes: [
        `${coldStart.rounds} rounds, all variants in each round in rotated order; bare \`node -e 0\`: ${ms(coldStart.bareNodeMs)} (subtracted).`,
        'unbundled: the same TypeScript compiled without bundling packages, which load from node_modules; the tutorial: mongoose 5, jsonwebtoken 8, bcryptjs 2.',
        'register and login include one bcrypt hash or compare; all API functions include connecting to the database.',
      ],
    });
  }
  if (passwordList) {
    const { withList: on, withoutList: off, ratio } = passwordList;
    const sizeRatio = (a: number, b: number): string => formatRatio(a / b);
    tables.push({
      title: "Common-password list: register's cold start with and without it",
      columns: ['measure', 'with the list (as deployed)', 'without (empty list)', 'with ÷ without'],
      rows: [
        [
          'bundle',
          formatBytes(on.bundleBytes),
          formatBytes(off.bundleBytes),
          sizeRatio(on.bundleBytes, off.bundleBytes),
        ],
        ['zipped', formatBytes(on.zipBytes), formatBytes(off.zipBytes), sizeRatio(on.zipBytes, off.zipBytes)],
        [
          'require (inside the process)',
          ms(on.requireMs),
          ms(off.requireMs),
          formatSummary(ratio.requireMs, formatRatio),
        ],
        [
          'first invocation: a new user registered (inside the process)',
          ms(on.invokeMs),
          ms(off.invokeMs),
          formatSummary(ratio.invokeMs, formatRatio),
        ],
        [
          'cold start (fresh node, load + first invocation, minus bare node)',
          ms(on.coldMs),
          ms(off.coldMs),
          formatSummary(ratio.coldMs, formatRatio),
        ],
        [
          'CPU time of the process to its answer (user + system)',
          ms(on.cpuMs),
          ms(off.cpuMs),
          formatSummary(ratio.cpuMs, formatRatio),
        ],
      ],
      notes: [
        `${passwordList.rounds} rounds, both bundles and a bare \`node -e 0\` in each round in rotated order; bare: ${ms(passwordList.bareNodeMs)} (subtracted). Ratios are paired by round, so a busy spell of the shared machine weighs on both sides of each ratio.`,
        `without: register built with the deployed build's options, generated/common-passwords.ts replaced by an empty list of the same shape (an esbuild plugin in the bench only); the deployed list holds ${passwordList.listed.toLocaleString('en-US')} hashes.`,
        `Each first invocation registers a new email with a password the policy accepts, so it decodes the list, looks the password up and goes on to hash it and insert the user. The list adds ${formatSummary(passwordList.coldGrowthMs, formatMs)} to a cold start (with − without, paired by round).`,
        'CPU time is what each process did, which the load of other processes on the machine changes far less than elapsed time; the target is judged on the cold start, as the issue states it.',
      ],
    });
  }
  if (authorizer) {
    tables.push({
      title: 'Authorizer throughput (warm, one instance, valid token)',
      columns: ['handler', 'invocations/s', 'ratio'],
      rows: [
        ['ours (dist/authorizer)', formatSummary(authorizer.ours, formatRate), '-'],
        ['ours, request log line and metrics off', formatSummary(authorizer.oursQuiet, formatRate), 'diagnostic only'],
        [
          'jsonwebtoken.verify, key object',
          formatSummary(authorizer.library, formatRate),
          `ours = ${formatSummary(authorizer.shareOfLibrary, formatPercent)}`,
        ],
        [
          'tutorial VerifyToken.auth',
          formatSummary(authorizer.original, formatRate),
          `ours = ${formatSummary(authorizer.vsOriginal, formatRatio)}`,
        ],
      ],
      notes: [
        `${authorizer.rounds} rounds of ${authorizer.invocationsPerRound.toLocaleString('en-US')} invocations after a warm-up, fresh processes each round; ours per invocation: p50 ${formatMs(authorizer.oursLatencyMs.p50)}, p99 ${formatMs(authorizer.oursLatencyMs.p99)}.`,
      ],
    });
  }
  if (signing) {
    const { warmMs, coldMs, issueMs } = signing;
    const warm = (l: { p50: number; p99: number }) => `${formatMs(l.p50)} / ${formatMs(l.p99)}`;
    tables.push({
      title: 'Signing keys: HS256 before, ES256 now',
      columns: ['measure', 'HS256 (before)', 'ES256 (now)', 'ours (dist/authorizer, ES256)'],
      rows: [
        [
          'authorizer token path, warm, per invocation (p50 / p99)',
          warm(warmMs.hs256),
          warm(warmMs.es256),
          warm(warmMs.ours),
        ],
        [
          'authorizer cold start (require + first token, inside the process)',
          ms(coldMs.hs256),
          ms(coldMs.es256),
          ms(coldMs.ours),
        ],
        [
          'issuing one token (p50 / p99)',
          `${warm(issueMs.hs256)} jsonwebtoken.sign`,
          `${warm(issueMs.es256Local)} local signer`,
          '-',
        ],
      ],
      notes: [
        `${signing.rounds} rounds, the three authorizers in rotated order, each a fresh cold start then ${signing.invocationsPerRound.toLocaleString('en-US')} warm invocations after a warm-up; HS256 and ES256 are bench/targets/token-authorizer.cjs, the same code but for the algorithm and key.`,
        `ES256 adds ${ms(signing.coldGrowthMs)} to a cold start (ES256 − HS256, paired by round), ${formatSummary(signing.coldGrowthShare, formatPercent)} of our authorizer's.`,
        'In AWS the issuing functions sign through KMS (one kms:Sign call per login, registration and refresh) instead of the local signer: its latency is not measurable here, see README.md, "Tokens and sessions".',
      ],
    });
  }
  if (authLatency) {
    const { login, register } = authLatency;
    tables.push({
      title: `Login and register (warm, bcrypt cost ${authLatency.bcryptCost})`,
      columns: ['operation', 'total p50', 'bcrypt p50', 'rest', 'p99'],
      rows: [
        ['login', ms(login.totalMs), ms(login.bcryptMs), ms(login.restMs), formatMs(login.p99Ms)],
        ['register', ms(register.totalMs), ms(register.bcryptMs), ms(register.restMs), formatMs(register.p99Ms)],
      ],
      notes: [
        `${authLatency.rounds} rounds of ${authLatency.invocationsPerRound} invocations each, fresh instance per round; bcrypt alone (bcryptjs compare for login, hash for register) timed in the same process, interleaved with the function; rest = median of (invocation − the bcrypt run next to it).`,
        `login's rest includes its findOne by email, ${ms(login.lookupMs)} alone with the driver, leaving ${ms(login.overheadMs)} of our own work.`,
      ],
    });
  }
  if (warmOverhead) {
    tables.push({
      title: 'Warm request overhead (GET /me)',
      columns: ['measure', 'p50'],
      rows: [
        ['me handler, warm', ms(warmOverhead.meMs)],
        ['bare driver findOne by _id', ms(warmOverhead.roundTripMs)],
        ['overhead (median of paired differences)', ms(warmOverhead.overheadMs)],
      ],
      notes: [
        `${warmOverhead.rounds} rounds of ${warmOverhead.invocationsPerRound} invocations; the handler and a bare driver findOne (same filter and projection) run in one process, interleaved, so the difference is our code: event parsing, mongoose, logging, metrics, response.`,
      ],
    });
  }
  if (sessions) {
    const login = authLatency?.login;
    const coldOf = (key: string) => coldStart?.functions.find((row) => row.key === key)?.bundled;
    const cold = (key: string) => {
      const row = coldOf(key);
      return row === undefined ? '—' : ms(row.coldMs);
    };
    tables.push({
      title: 'Sessions: refresh beside login, and the session check on GET /me',
      columns: ['measure', 'p50', 'p99', 'cold start (bundled)'],
      rows: [
        [
          'POST /token/refresh, warm (rotates)',
          ms(sessions.refreshMs),
          formatMs(sessions.refreshP99Ms),
          cold('refreshToken'),
        ],
        ['POST /login, warm', login ? ms(login.totalMs) : '—', login ? formatMs(login.p99Ms) : '—', cold('login')],
        ['GET /me, warm (user read and session check in parallel)', ms(sessions.meMs), '', cold('me')],
        ['bare session check (one read by _id)', ms(sessions.sessionCheckMs), '', ''],
        ['me overhead beyond the bare user read', ms(sessions.meOverheadMs), '', ''],
      ],
      notes: [
        `${sessions.rounds} rounds of ${sessions.invocationsPerRound} refreshes, each with a fresh refresh token seeded into the database; fresh warm instance per round. The session check is timed as its bare driver query, interleaved with the me handler and the bare user read in one process; me runs the check and the user read in parallel, so the overhead row is what the check adds on top of the user read plus our code.`,
      ],
    });
  }
  if (forgotTiming) {
    const { request, job } = forgotTiming;
    const p99 = (l: { p99Ms: number }) => formatMs(l.p99Ms);
    const signed = (summary: Summary) => formatSummary(summary, signedMs);
    tables.push({
      title: 'Forgot password: a registered and an unknown email (warm)',
      columns: ['measure', 'registered email', 'unknown email', 'registered − unknown'],
      rows: [
        [
          'POST /password/forgot p50, as deployed (the send deferred)',
          ms(request.registered.p50Ms),
          ms(request.unknown.p50Ms),
          signed(request.differenceMs),
        ],
        ['POST /password/forgot p99', p99(request.registered), p99(request.unknown), ''],
        ['noise floor: the same unknown email twice', '', '', signed(request.sameEmailDifferenceMs)],
        [
          'the deferred job alone p50 (find the user, issue the link, send)',
          ms(job.registered.p50Ms),
          ms(job.unknown.p50Ms),
          signed(job.differenceMs),
        ],
        ['the deferred job alone p99', p99(job.registered), p99(job.unknown), ''],
      ],
      notes: [
        `${forgotTiming.rounds} rounds of ${forgotTiming.invocationsPerRound} requests of each kind in one warm instance of dist/forgotPassword, fresh per round: the registered email, an unknown one of the same length, and the same unknown one again, interleaved in rotated order. A difference is the two medians of a round subtracted, summarized over rounds; the same email twice is the noise floor.`,
        'The request path is what Lambda runs: validation, the per-email and per-address counters in the database, and Invoke through the AWS SDK to a local stand-in that queues the job and answers 202 at once (in AWS queuing takes Lambda tens of milliseconds, alike for every email). Both answers are checked to be identical, every job queued and no email sent by a request.',
        `The job alone: the payloads the requests queued, run afterwards in the same instance, interleaved. A registered email's finds the user, issues a link token and posts the email to a local outbox (SES in AWS takes longer); an unknown one's finds nobody. Sent inline, the registered email's answer would come ${formatSummary(job.differenceMs, formatMs)} later than the unknown one's: the difference the deferral removes.`,
      ],
    });
  }
  if (load) {
    tables.push({
      title: 'Load through the local gateway (autocannon, loopback)',
      columns: ['request', 'concurrency', 'req/s', 'p50', 'p99', 'requests', 'errors'],
      rows: load.rows.map((row) => [
        row.name,
        String(row.concurrency),
        formatSummary(row.rps, formatRate),
        ms(row.p50Ms),
        ms(row.p99Ms),
        row.requests.toLocaleString('en-US'),
        String(row.errors),
      ]),
      notes: [
        `${load.runs} runs per row, each at most ${load.durationSeconds} s and ${load.maxRequestsPerRun.toLocaleString('en-US')} requests; ${load.maxInstances} instance per function (as \`make dev\`), authorizer cache on (300 s).`,
        `database connections: ${Object.entries(load.functions)
          .map(
            ([key, t]) =>
              `${key} ${t.connectionsNew} new / ${t.connectionsReused.toLocaleString('en-US')} reused in ${t.invocations.toLocaleString('en-US')} invocations (${t.coldStarts} cold)`,
          )
          .join('; ')}; ${load.connectionsDuringLoad} accepted by the server under load.`,
      ],
    });
  }
  if (dataGrowth) {
    const { small, large } = dataGrowth;
    tables.push({
      title: 'Data growth (login, warm)',
      columns: ['users', 'login p50', 'findOne by email p50', 'seeded in'],
      rows: [
        [small.users.toLocaleString('en-US'), ms(small.loginMs), ms(small.lookupMs), formatMs(small.seedMs)],
        [large.users.toLocaleString('en-US'), ms(large.loginMs), ms(large.lookupMs), formatMs(large.seedMs)],
        [
          'ratio',
          formatSummary(dataGrowth.loginRatio, formatRatio),
          formatSummary(dataGrowth.lookupRatio, formatRatio),
          '-',
        ],
      ],
      notes: [
        `${dataGrowth.rounds} rounds of ${dataGrowth.loginsPerRound} logins as users spread over the collection; one embedded server per size.`,
      ],
    });
  }
  if (results.targets.length > 0) {
    tables.push({
      title: 'Targets',
      columns: ['target', 'measured', 'met'],
      rows: results.targets.map((t) => [t.target, t.measured, t.met ? 'yes' : 'NO']),
    });
  }
  return tables;
}

function machineLine(machine: Machine): string {
  return `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ${machine.platform}, ${machine.date}; load average ${machine.loadAverage.start.toFixed(2)} at start, ${machine.loadAverage.end.toFixed(2)} at end`;
}

function failureLines(results: BenchResults): string[] {
  return Object.entries(results.failures).map(([section, why]) => `FAILED ${section}: ${why}`);
}

export function renderReport(results: BenchResults): string {
  return [
    `make bench: ${machineLine(results.machine)}`,
    ...buildTables(results).map(renderText),
    ...failureLines(results),
  ].join('\n\n');
}

export function renderMarkdownReport(results: BenchResults): string {
  return [
    '## Performance',
    '',
    `Measured by \`make bench\` on ${machineLine(results.machine)}. Every figure is a median over repeated fresh runs, with min–max in brackets; ratios compare figures taken in the same run.`,
    '',
    ...buildTables(results).flatMap((table) => [renderMarkdown(table), '']),
    ...failureLines(results).flatMap((line) => [line, '']),
  ].join('\n');
}
