/**
 * What asymmetric signing costs. Verifying: the authorizer's token path in its HS256 form (before)
 * and its ES256 form (now), as two small targets that differ only in the algorithm and key
 * (bench/targets/token-authorizer.cjs, bundled as functions are), beside our deployed authorizer,
 * warm and cold, in one run.
 * Signing: one token issued by our issuer with the local signer (ES256, DER converted to JOSE, as
 * KMS signatures are) beside jsonwebtoken's HS256 sign as issuing was before. KMS itself cannot be
 * reached here: what it adds is documented with the tables (README, "Tokens and sessions").
 */
import { createPrivateKey, createSecretKey } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import jwt from 'jsonwebtoken';
import { createTokenIssuer } from '../functions/shared/token-issuer';
import { createLocalSigner } from '../functions/shared/token-signer';
import { ROOT } from '../scripts/paths';
import type { BenchConfig } from './environment';
import { functionEnvironment, OUT_DIR, TARGETS_DIR } from './environment';
import { tokenAuthorizerEvent } from './events';
import { coldRun, Host } from './processes';
import type { Fixture } from './scenario';
import { bundlePath } from './scenario';
import { pairedDifferences, pairedRatio, percentile, rotatedOrder, summarize } from './stats';
import type { Summary } from './stats';

type Verifier = 'hs256' | 'es256' | 'ours';

export interface Latency {
  p50: number;
  p99: number;
}

export interface SigningResult {
  rounds: number;
  invocationsPerRound: number;
  /** Warm time of one invocation, timed inside the process, in ms, over every round. */
  warmMs: Record<Verifier, Latency>;
  /**
   * Fresh node: loading the module and its first invocation, timed inside the process, in ms. The
   * process start-up around them is the same for all three, and on a busy machine its noise would
   * drown the difference the algorithm makes.
   */
  coldMs: Record<Verifier, Summary>;
  /** ES256 target − HS256 target cold start, paired by round: what the algorithm adds at a cold start. */
  coldGrowthMs: Summary;
  /** coldGrowthMs ÷ our authorizer's cold start, paired by round. */
  coldGrowthShare: Summary;
  /** Issuing one token in this process, in ms: ours with the local signer, and HS256 as before. */
  issueMs: { es256Local: Latency; hs256: Latency };
}

const WARMUP = 2_000;
const ISSUES = 2_000;

function latency(samples: number[]): Latency {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** The same claims our issuer puts in a token, signed HS256 with a secret as tokens were before. */
function hs256Token(config: BenchConfig, fixture: Fixture): string {
  const claims = jwt.decode(fixture.token) as jwt.JwtPayload;
  return jwt.sign({ ...claims }, config.jwtSecret, { algorithm: 'HS256' });
}

async function timeIssuing(config: BenchConfig, fixture: Fixture): Promise<SigningResult['issueMs']> {
  const settings = { issuer: config.jwtIssuer, audience: config.jwtAudience, ttlSeconds: 3600 };
  const issuer = createTokenIssuer(
    settings,
    createLocalSigner(config.signingKey.kid, createPrivateKey(config.signingKey.privatePem)),
  );
  // As the HS256 issuer did: the key object built once.
  const secret = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  const ours: number[] = [];
  const before: number[] = [];
  for (let i = 0; i < ISSUES + 200; i += 1) {
    let started = performance.now();
    await issuer.issue(fixture.userId, fixture.sessionId);
    const es256 = performance.now() - started;
    started = performance.now();
    jwt.sign({ sid: fixture.sessionId }, secret, {
      algorithm: 'HS256',
      expiresIn: 3600,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      subject: fixture.userId,
      jwtid: 'x',
    });
    const hs256 = performance.now() - started;
    // The first 200 of each warm up the code paths and OpenSSL's tables.
    if (i >= 200) {
      ours.push(es256);
      before.push(hs256);
    }
  }
  return { es256Local: latency(ours), hs256: latency(before) };
}

/**
 * The target bundled as `make build` bundles a function, so that its cold start compares with the
 * deployed authorizer's rather than with loading jsonwebtoken from node_modules.
 */
async function bundledTarget(): Promise<string> {
  const outfile = join(OUT_DIR, 'token-authorizer', 'index.js');
  // With the semver shim, as scripts/build.ts bundles jsonwebtoken for the functions.
  const alias = { semver: join(ROOT, 'scripts', 'shims', 'semver.cjs') };
  await build({
    entryPoints: [join(TARGETS_DIR, 'token-authorizer.cjs')],
    outfile,
    bundle: true,
    alias,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    logLevel: 'warning',
  });
  return outfile;
}

export async function measureSigning(
  config: BenchConfig,
  fixture: Fixture,
  rounds: number,
  count: number,
  log: (line: string) => void,
): Promise<SigningResult> {
  const events: Record<Verifier, unknown> = {
    hs256: tokenAuthorizerEvent(`Bearer ${hs256Token(config, fixture)}`),
    es256: tokenAuthorizerEvent(`Bearer ${fixture.token}`),
    ours: tokenAuthorizerEvent(`Bearer ${fixture.token}`),
  };
  const target = await bundledTarget();
  const entries: Record<Verifier, { entry: string; env: Record<string, string> }> = {
    hs256: { entry: target, env: functionEnvironment(config, 'token-authorizer', { TOKEN_ALGORITHM: 'HS256' }) },
    es256: { entry: target, env: functionEnvironment(config, 'token-authorizer', { TOKEN_ALGORITHM: 'ES256' }) },
    ours: { entry: bundlePath('authorizer'), env: functionEnvironment(config, 'authorizer') },
  };
  const verifiers: Verifier[] = ['hs256', 'es256', 'ours'];

  const warm: Record<Verifier, number[]> = { hs256: [], es256: [], ours: [] };
  const cold: Record<Verifier, number[]> = { hs256: [], es256: [], ours: [] };
  for (const [round, order] of rotatedOrder(verifiers, rounds).entries()) {
    for (const name of order) {
      const { entry, env } = entries[name];
      const run = await coldRun({ entry, exportName: 'handler', env, event: events[name] });
      cold[name].push(run.requireMs + (run.invokeMs ?? 0));
      const host = await Host.start(`${name} authorizer`, entry, 'handler', env);
      try {
        await host.run({ event: events[name], count: WARMUP });
        warm[name].push(...((await host.run({ event: events[name], count, durations: true })).durations ?? []));
      } finally {
        await host.stop();
      }
    }
    log(`  signing round ${round + 1}/${rounds}`);
  }

  const growth = pairedDifferences(cold.es256, cold.hs256);
  return {
    rounds,
    invocationsPerRound: count,
    warmMs: { hs256: latency(warm.hs256), es256: latency(warm.es256), ours: latency(warm.ours) },
    coldMs: { hs256: summarize(cold.hs256), es256: summarize(cold.es256), ours: summarize(cold.ours) },
    coldGrowthMs: summarize(growth),
    coldGrowthShare: pairedRatio(
      growth.map((ms) => Math.max(ms, 0)),
      cold.ours,
    ),
    issueMs: await timeIssuing(config, fixture),
  };
}
