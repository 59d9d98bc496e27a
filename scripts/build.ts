/**
 * Bundles each function with esbuild and packs it into a deterministic zip:
 *   dist/<key>/index.js       the bundle (CommonJS, exports `handler`; Lambda handler `index.handler`)
 *   dist/<key>/index.js.map   its source map (kept out of the zip: it would triple the upload)
 *   dist/<key>/meta.json      esbuild's metafile, read by tests and `make bench`
 *   dist/<key>.zip            what Terraform uploads; same sources give a byte-identical zip
 *
 * `tsx scripts/build.ts [key ...]` builds the named functions, or all of them.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { zipSync } from 'fflate';
import { AUTHORIZER_FUNCTION } from './contract/api-gateway';
import { listOperations, loadContract } from './contract/load';
import { DIST, FUNCTIONS_DIR, ROOT } from './paths';

/**
 * Optional peers of the MongoDB driver, loaded only when a deployment turns them on
 * (Kerberos, compression, client-side encryption, AWS IAM auth, SOCKS). None is used here,
 * and the driver guards each require, so they stay out of the bundle.
 */
const DRIVER_OPTIONAL_PEERS = [
  'kerberos',
  'snappy',
  '@mongodb-js/zstd',
  'mongodb-client-encryption',
  'aws4',
  'socks',
  'gcp-metadata',
  '@aws-sdk/credential-providers',
];

/** Lambda's nodejs22.x runtime ships the AWS SDK v3, so bundling it would only add weight. */
const RUNTIME_PROVIDED = ['@aws-sdk/*'];

/** Files bundled as strings: the email templates (functions/shared/email/templates/). */
export const TEXT_LOADERS = { '.txt': 'text', '.html': 'text' } as const;

/** Lambda's nodejs22.x; the shims below rely on it (each says why). */
const NODE_TARGET = 'node22';
const ALIASES = {
  semver: join(ROOT, 'scripts', 'shims', 'semver.cjs'),
  'whatwg-url': join(ROOT, 'scripts', 'shims', 'whatwg-url.cjs'),
};

/** A zip's timestamps are part of its bytes; pin them so only content changes the hash. */
const ZIP_EPOCH = new Date('1980-01-01T00:00:00Z');

export interface BuiltFunction {
  key: string;
  bundleBytes: number;
  zipBytes: number;
  zipPath: string;
  metafile: Metafile;
}

/** Every function to build: one per operation in openapi.yaml, plus the authorizer. */
export function listFunctionKeys(): string[] {
  return [...listOperations(loadContract()).map((op) => op.operationId), AUTHORIZER_FUNCTION];
}

export function zipPathFor(key: string): string {
  return join(DIST, `${key}.zip`);
}

/**
 * Where a build is written and what it adds to esbuild's options. The deployed build is the
 * default; `make bench` builds variants of a function elsewhere with the same options otherwise.
 */
export interface BuildVariant {
  /** Holds <key>/ and <key>.zip, as dist/ does. */
  dir: string;
  plugins?: Plugin[];
}

export async function buildFunction(key: string, variant: BuildVariant = { dir: DIST }): Promise<BuiltFunction> {
  const outdir = join(variant.dir, key);
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: { index: join(FUNCTIONS_DIR, key, 'handler.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    target: NODE_TARGET,
    alias: ALIASES,
    loader: TEXT_LOADERS,
    format: 'cjs',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    external: [...RUNTIME_PROVIDED, ...DRIVER_OPTIONAL_PEERS],
    plugins: variant.plugins ?? [],
    logLevel: 'warning',
  });
  writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));

  const bundle = readFileSync(join(outdir, 'index.js'));
  // Unix mode 0644 so the Lambda runtime user can read the file whatever unpacks it.
  const entry = { mtime: ZIP_EPOCH, level: 9, os: 3, attrs: (0o100644 << 16) >>> 0 } as const;
  const zip = zipSync({ 'index.js': [bundle, entry] });
  const zipPath = join(variant.dir, `${key}.zip`);
  writeFileSync(zipPath, zip);
  return { key, bundleBytes: bundle.length, zipBytes: zip.length, zipPath, metafile: result.metafile };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const known = listFunctionKeys();
  const unknown = requested.filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new Error(`unknown function ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const keys = requested.length > 0 ? requested : known;

  console.log('function       bundle       zipped');
  for (const key of keys) {
    const built = await buildFunction(key);
    console.log(`${key.padEnd(14)} ${kib(built.bundleBytes).padStart(11)}  ${kib(built.zipBytes).padStart(11)}`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
