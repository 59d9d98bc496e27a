import type { AuthorizerResult } from '../../bench/authorizer';
import type { BundleResult } from '../../bench/bundles';
import type { ColdStartResult, ColdStartRow, ColdVariant } from '../../bench/cold-start';
import type { ForgotTimingResult } from '../../bench/forgot-timing';
import type { LoadResult } from '../../bench/load';
import type { PasswordListResult } from '../../bench/password-list';
import type { BenchResults } from '../../bench/report';
import { buildTables, checkTargets, renderMarkdownReport, renderReport } from '../../bench/report';
import type { SigningResult } from '../../bench/signing';
import type { Summary } from '../../bench/stats';
import type { WarmOverheadResult } from '../../bench/warm-overhead';

const s = (median: number): Summary => ({ median, min: median * 0.9, max: median * 1.1, n: 5 });
const variant = (cold: number): ColdVariant => ({ coldMs: s(cold), requireMs: s(cold / 2), invokeMs: s(cold / 4) });
const coldRow = (key: string, bundled: number, unbundled: number): ColdStartRow => ({
  key,
  bundled: variant(bundled),
  unbundled: variant(unbundled),
  ratio: s(bundled / unbundled),
  requireRatio: s(bundled / unbundled),
});
const bundle = (key: string, bytes: number, zipBytes: number): BundleResult => ({
  key,
  bytes,
  zipBytes,
  heaviest: [{ name: 'jsonwebtoken', bytes: bytes / 2, share: 0.5 }],
  packages: ['jsonwebtoken'],
});

const machine = {
  cpus: 2,
  cpuModel: 'Test CPU',
  node: '20.0.0',
  platform: 'linux-x64',
  date: '2026-01-01T00:00:00.000Z',
  loadAverage: { start: 0.5, end: 0.7 },
};

function results(overrides: Partial<BenchResults> = {}): BenchResults {
  const coldStart: ColdStartResult = {
    rounds: 5,
    bareNodeMs: s(25),
    functions: [coldRow('me', 150, 250), coldRow('authorizer', 20, 40)],
    original: { authorizer: variant(25), apiRequireMs: s(100) },
  };
  const authorizer: AuthorizerResult = {
    rounds: 5,
    invocationsPerRound: 1000,
    ours: s(160_000),
    library: s(190_000),
    original: s(100_000),
    oursQuiet: s(170_000),
    shareOfLibrary: s(160 / 190),
    vsOriginal: s(1.6),
    oursLatencyMs: { p50: 0.006, p99: 0.02 },
  };
  const warmOverhead: WarmOverheadResult = {
    rounds: 5,
    invocationsPerRound: 100,
    meMs: s(1.2),
    roundTripMs: s(0.8),
    overheadMs: s(0.4),
  };
  const load: LoadResult = {
    runs: 3,
    durationSeconds: 3,
    maxRequestsPerRun: 1000,
    maxInstances: 1,
    rows: [{ name: 'GET /me', concurrency: 1, rps: s(500), p50Ms: s(2), p99Ms: s(5), requests: 1500, errors: 0 }],
    functions: { me: { invocations: 1500, coldStarts: 1, connectionsNew: 1, connectionsReused: 1499 } },
    connectionsDuringLoad: 0,
    oneConnectionPerInstance: true,
  };
  const base = {
    machine,
    bcryptCost: 10,
    durationSeconds: 100,
    failures: {},
    bundles: {
      functions: [bundle('me', 1_400_000, 400_000), bundle('authorizer', 50_000, 18_000)],
      original: { zipBytes: 2_500_000, files: 900 },
    },
    coldStart,
    authorizer,
    warmOverhead,
    load,
    ...overrides,
  };
  return { ...base, targets: checkTargets(base) };
}

const verdicts = (r: BenchResults): Record<string, boolean> =>
  Object.fromEntries(r.targets.map((t) => [t.target, t.met]));

describe('checkTargets', () => {
  it('meets every target the results answer when the figures are within them', () => {
    const checked = results();
    expect(checked.targets.length).toBeGreaterThanOrEqual(8);
    expect(checked.targets.filter((t) => !t.met)).toEqual([]);
  });

  it('misses the bundle target at 60,000 bytes, read strictly', () => {
    const checked = results({
      bundles: { functions: [bundle('authorizer', 60_000, 20_000)], original: { zipBytes: 2_500_000, files: 1 } },
    });
    expect(verdicts(checked)['authorizer bundle under 60 kB']).toBe(false);
  });

  it("misses the authorizer targets below 80% of the library and 1.5× the tutorial's", () => {
    const base = results();
    const slow = results({
      authorizer: { ...(base.authorizer as AuthorizerResult), shareOfLibrary: s(0.2), vsOriginal: s(0.25) },
    });
    expect(verdicts(slow)['authorizer ≥ 80% of raw jsonwebtoken.verify (key object)']).toBe(false);
    expect(verdicts(slow)["authorizer ≥ 1.5× the tutorial's authorizer"]).toBe(false);
  });

  it('judges API cold start by the worst function and the authorizer against the tutorial', () => {
    const base = results();
    const cold = base.coldStart as ColdStartResult;
    const checked = results({
      coldStart: {
        ...cold,
        functions: [coldRow('me', 150, 250), coldRow('login', 90, 100), coldRow('authorizer', 30, 40)],
      },
    });
    expect(verdicts(checked)['API cold start ≤ 0.8× unbundled']).toBe(false);
    expect(checked.targets.find((t) => t.target === 'API cold start ≤ 0.8× unbundled')?.measured).toBe(
      'worst login 0.90×',
    );
    expect(verdicts(checked)["authorizer cold start no slower than the tutorial's authorizer"]).toBe(false);
  });

  it('fails the load checks on any error or an extra connection', () => {
    const base = results();
    const load = base.load as LoadResult;
    const checked = results({
      load: {
        ...load,
        rows: [{ ...(load.rows[0] as LoadResult['rows'][number]), errors: 1 }],
        oneConnectionPerInstance: false,
      },
    });
    expect(verdicts(checked)['load: zero errors']).toBe(false);
    expect(verdicts(checked)['load: one database connection per function instance']).toBe(false);
  });

  it('leaves out targets whose measurement did not run', () => {
    const checked = results({ authorizer: undefined, load: undefined });
    expect(
      checked.targets.map((t) => t.target).filter((t) => t.includes('load') || t.includes('jsonwebtoken')),
    ).toEqual([]);
  });
});

describe('reports', () => {
  it('prints one table per measurement that ran, then the targets', () => {
    expect(buildTables(results()).map((t) => t.title)).toEqual([
      'Bundles',
      'Cold start (fresh node, load + first invocation, minus bare node)',
      'Authorizer throughput (warm, one instance, valid token)',
      'Warm request overhead (GET /me)',
      'Load through the local gateway (autocannon, loopback)',
      'Targets',
    ]);
  });

  it('names the machine and lists failed measurements in both forms', () => {
    const failed = { ...results(), failures: { load: 'GET /me at concurrency 50: non-2xx answers: 3 × 503' } };
    const text = renderReport(failed);
    expect(text).toContain('2 × Test CPU, Node 20.0.0');
    expect(text).toContain('FAILED load: GET /me at concurrency 50');
    const markdown = renderMarkdownReport(failed);
    expect(markdown).toContain('### Targets');
    expect(markdown).toContain('FAILED load');
  });
});

describe('the signing keys measurement', () => {
  const signing = (growth: number, ours: number): SigningResult => ({
    rounds: 5,
    invocationsPerRound: 1000,
    warmMs: { hs256: { p50: 0.01, p99: 0.05 }, es256: { p50: 0.07, p99: 0.2 }, ours: { p50: 0.12, p99: 0.4 } },
    coldMs: { hs256: s(10), es256: s(10 + growth), ours: s(ours) },
    coldGrowthMs: s(growth),
    coldGrowthShare: s(growth / ours),
    issueMs: { es256Local: { p50: 0.03, p99: 0.1 }, hs256: { p50: 0.01, p99: 0.05 } },
  });
  const TARGET = 'ES256 adds at most 10% to the authorizer cold start (vs HS256)';

  it('holds ES256 to at most 10% more authorizer cold start than HS256', () => {
    expect(verdicts(results({ signing: signing(1.5, 20) }))[TARGET]).toBe(true);
    expect(verdicts(results({ signing: signing(2.5, 20) }))[TARGET]).toBe(false);
    expect(results({ signing: signing(1.5, 20) }).targets.find((t) => t.target === TARGET)?.measured).toBe(
      '+1.50 ms = 8% of 20.0 ms',
    );
  });

  it('prints HS256, ES256 and our authorizer side by side, with issuing', () => {
    const table = buildTables(results({ signing: signing(1.5, 20) })).find(
      (t) => t.title === 'Signing keys: HS256 before, ES256 now',
    )!;

    expect(table.columns).toEqual(['measure', 'HS256 (before)', 'ES256 (now)', 'ours (dist/authorizer, ES256)']);
    expect(table.rows.map((row) => row[0])).toEqual([
      'authorizer token path, warm, per invocation (p50 / p99)',
      'authorizer cold start (require + first token, inside the process)',
      'issuing one token (p50 / p99)',
    ]);
  });
});

describe('the common-password list measurement', () => {
  const passwordList = (withMs: number, withoutMs: number): PasswordListResult => ({
    rounds: 15,
    listed: 17_950,
    bareNodeMs: s(40),
    withList: { ...variant(withMs), bundleBytes: 1_390_000, zipBytes: 500_000, cpuMs: s(withMs / 2) },
    withoutList: { ...variant(withoutMs), bundleBytes: 1_200_000, zipBytes: 350_000, cpuMs: s(withoutMs / 2) },
    ratio: {
      coldMs: s(withMs / withoutMs),
      requireMs: s(1.02),
      invokeMs: s(1.01),
      cpuMs: s(withMs / withoutMs),
    },
    coldGrowthMs: s(withMs - withoutMs),
  });
  const TARGET = "common-password list adds at most 15% to register's cold start";
  const TITLE = "Common-password list: register's cold start with and without it";

  it('holds the list to at most 15% more cold start than register without it, by the paired ratio', () => {
    expect(verdicts(results({ passwordList: passwordList(440, 400) }))[TARGET]).toBe(true);
    expect(verdicts(results({ passwordList: passwordList(460, 400) }))[TARGET]).toBe(true);
    expect(verdicts(results({ passwordList: passwordList(470, 400) }))[TARGET]).toBe(false);
  });

  it('states the paired ratio, what the list adds, and both cold starts', () => {
    const target = results({ passwordList: passwordList(440, 400) }).targets.find((t) => t.target === TARGET);

    expect(target?.measured).toBe('1.10× (+40.0 ms): 440 ms with, 400 ms without');
    expect(results({ passwordList: passwordList(390, 400) }).targets.find((t) => t.target === TARGET)?.measured).toBe(
      '0.97× (-10.0 ms): 390 ms with, 400 ms without',
    );
  });

  it('leaves the target out when the measurement did not run', () => {
    expect(results().targets.map((t) => t.target)).not.toContain(TARGET);
  });

  it('prints both bundles side by side after the cold starts, sizes, times and the paired ratios', () => {
    const tables = buildTables(results({ passwordList: passwordList(440, 400) }));
    const table = tables.find((t) => t.title === TITLE)!;

    expect(tables.map((t) => t.title).slice(1, 4)).toEqual([
      'Cold start (fresh node, load + first invocation, minus bare node)',
      TITLE,
      'Authorizer throughput (warm, one instance, valid token)',
    ]);
    expect(table.columns).toEqual(['measure', 'with the list (as deployed)', 'without (empty list)', 'with ÷ without']);
    expect(table.rows).toEqual([
      ['bundle', '1.33 MiB', '1.14 MiB', '1.16×'],
      ['zipped', '488.3 KiB', '341.8 KiB', '1.43×'],
      ['require (inside the process)', '220 ms (198–242)', '200 ms (180–220)', '1.02× (0.92–1.12)'],
      [
        'first invocation: a new user registered (inside the process)',
        '110 ms (99.0–121)',
        '100 ms (90.0–110)',
        '1.01× (0.91–1.11)',
      ],
      [
        'cold start (fresh node, load + first invocation, minus bare node)',
        '440 ms (396–484)',
        '400 ms (360–440)',
        '1.10× (0.99–1.21)',
      ],
      [
        'CPU time of the process to its answer (user + system)',
        '220 ms (198–242)',
        '200 ms (180–220)',
        '1.10× (0.99–1.21)',
      ],
    ]);
    expect(table.notes?.join(' ')).toContain(
      '15 rounds, both bundles and a bare `node -e 0` in each round in rotated order',
    );
    expect(table.notes?.join(' ')).toContain('the deployed list holds 17,950 hashes');
    expect(table.notes?.join(' ')).toContain('The list adds 40.0 ms (36.0–44.0) to a cold start');
  });

  it('writes the table and its target into RESULTS.md', () => {
    const markdown = renderMarkdownReport(results({ passwordList: passwordList(440, 400) }));

    expect(markdown).toContain(`### ${TITLE}`);
    expect(markdown).toContain('| zipped | 488.3 KiB | 341.8 KiB | 1.43× |');
    expect(markdown).toContain(`| ${TARGET} | 1.10× (+40.0 ms): 440 ms with, 400 ms without | yes |`);
  });
});

describe('the forgot password timing measurement', () => {
  const latency = (p50: number, p99: number) => ({ p50Ms: s(p50), p99Ms: p99 });
  const forgotTiming = (difference: Summary, sameEmail: Summary, jobDifference = s(3.5)): ForgotTimingResult => ({
    rounds: 6,
    invocationsPerRound: 200,
    request: {
      registered: latency(3.3 + difference.median, 15),
      unknown: latency(3.3, 16),
      differenceMs: difference,
      sameEmailDifferenceMs: sameEmail,
    },
    job: {
      registered: latency(4.6, 24),
      unknown: latency(1.1, 7.8),
      differenceMs: jobDifference,
    },
  });
  const range = (median: number, min: number, max: number): Summary => ({ median, min, max, n: 6 });
  const TARGET =
    'forgot answers a registered and an unknown email in the same time: median difference under 500 µs either way';
  const TITLE = 'Forgot password: a registered and an unknown email (warm)';

  it('holds the median difference between a registered and an unknown email below 0.5 ms, either way', () => {
    const noise = range(0.05, -0.2, 0.3);
    expect(verdicts(results({ forgotTiming: forgotTiming(range(-0.1, -0.35, 0.34), noise) }))[TARGET]).toBe(true);
    expect(verdicts(results({ forgotTiming: forgotTiming(range(0.49, 0.1, 0.9), noise) }))[TARGET]).toBe(true);
    expect(verdicts(results({ forgotTiming: forgotTiming(range(0.5, 0.2, 0.9), noise) }))[TARGET]).toBe(false);
    expect(verdicts(results({ forgotTiming: forgotTiming(range(-3.5, -4, -3), noise) }))[TARGET]).toBe(false);
  });

  it('states the difference with its spread over rounds beside the noise floor of the same email twice', () => {
    const checked = results({ forgotTiming: forgotTiming(range(-0.099, -0.347, 0.339), range(0.139, -0.062, 0.211)) });

    expect(checked.targets.find((t) => t.target === TARGET)?.measured).toBe(
      '-99 µs (-347–+339 µs) registered − unknown; the same email twice: within ±211 µs',
    );
  });

  it('leaves the target out when the measurement did not run', () => {
    expect(results().targets.map((t) => t.target)).not.toContain(TARGET);
  });

  it('prints p50 and p99 of each email, both differences and the job alone, after the sessions', () => {
    const tables = buildTables(
      results({ forgotTiming: forgotTiming(range(-0.1, -0.35, 0.34), range(0.14, -0.06, 0.21), range(3.5, 3.1, 4.6)) }),
    );
    const table = tables.find((t) => t.title === TITLE)!;

    expect(tables.map((t) => t.title).slice(-3)).toEqual([
      TITLE,
      'Load through the local gateway (autocannon, loopback)',
      'Targets',
    ]);
    expect(table.columns).toEqual(['measure', 'registered email', 'unknown email', 'registered − unknown']);
    expect(table.rows).toEqual([
      [
        'POST /password/forgot p50, as deployed (the send deferred)',
        '3.20 ms (2.88–3.52)',
        '3.30 ms (2.97–3.63)',
        '-100 µs (-350–+340 µs)',
      ],
      ['POST /password/forgot p99', '15.0 ms', '16.0 ms', ''],
      ['noise floor: the same unknown email twice', '', '', '+140 µs (-60 µs–+210 µs)'],
      [
        'the deferred job alone p50 (find the user, issue the link, send)',
        '4.60 ms (4.14–5.06)',
        '1.10 ms (990 µs–1.21)',
        '+3.50 ms (+3.10 ms–+4.60 ms)',
      ],
      ['the deferred job alone p99', '24.0 ms', '7.80 ms', ''],
    ]);
    expect(table.notes?.join(' ')).toContain('6 rounds of 200 requests of each kind');
    expect(table.notes?.join(' ')).toContain(
      "Sent inline, the registered email's answer would come 3.50 ms (3.10–4.60) later than the unknown one's",
    );
  });

  it('writes the table and its target into RESULTS.md', () => {
    const markdown = renderMarkdownReport(results({ forgotTiming: forgotTiming(range(0.9, 0.5, 1.2), s(0.1)) }));

    expect(markdown).toContain(`### ${TITLE}`);
    expect(markdown).toContain(`| ${TARGET} | +900 µs (+500 µs–+1.20 ms) registered − unknown;`);
    expect(markdown).toMatch(/the same email twice: within ±110 µs \| NO \|/);
  });
});
