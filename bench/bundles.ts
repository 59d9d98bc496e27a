/**
 * Bundle sizes: each function's bundle and zip as `make build` wrote them, what weighs most in each
 * (from esbuild's metafile), and the tutorial's deployment zip for comparison.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Metafile } from 'esbuild';
import { zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import { DIST } from '../scripts/paths';
import { ORIGINAL_DIR } from './environment';

export interface InputWeight {
  /** A package name (`mongoose`, `@aws-lambda-powertools/logger`) or `(own code)`. */
  name: string;
  bytes: number;
  /** Share of the bundle, 0–1. */
  share: number;
}

export interface BundleResult {
  key: string;
  bytes: number;
  zipBytes: number;
  /** Heaviest packages in the bundle, heaviest first. */
  heaviest: InputWeight[];
  /** Every package in the bundle, to check what must stay out (e.g. mongoose in the authorizer). */
  packages: string[];
}

export interface OriginalZip {
  zipBytes: number;
  files: number;
}

export const OWN_CODE = '(own code)';

/** The package an input path belongs to, from its last `node_modules/` segment; our own files otherwise. */
export function packageOf(inputPath: string): string {
  const marker = 'node_modules/';
  const at = inputPath.lastIndexOf(marker);
  if (at === -1) return OWN_CODE;
  const [first, second] = inputPath.slice(at + marker.length).split('/');
  if (!first) return OWN_CODE;
  return first.startsWith('@') && second ? `${first}/${second}` : first;
}

/** Bytes each package contributes to one output of a metafile, heaviest first. */
export function weighInputs(metafile: Metafile, outputPath: string): InputWeight[] {
  const output = metafile.outputs[outputPath];
  if (!output)
    throw new Error(`the metafile has no output ${outputPath}; it has ${Object.keys(metafile.outputs).join(', ')}`);
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const name = packageOf(path);
    byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput);
  }
  const total = [...byPackage.values()].reduce((sum, bytes) => sum + bytes, 0);
  return [...byPackage.entries()]
    .map(([name, bytes]) => ({ name, bytes, share: total > 0 ? bytes / total : 0 }))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

function readMetafile(key: string): Metafile {
  const path = join(DIST, key, 'meta.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Metafile;
  } catch (error) {
    throw new Error(`cannot read ${path} (run make build first): ${(error as Error).message}`);
  }
}

export function measureBundle(key: string): BundleResult {
  const metafile = readMetafile(key);
  const outputPath = Object.keys(metafile.outputs).find((path) => path.endsWith(`${key}/index.js`));
  if (!outputPath) throw new Error(`dist/${key}/meta.json describes no ${key}/index.js`);
  const weights = weighInputs(metafile, outputPath);
  return {
    key,
    bytes: statSync(join(DIST, key, 'index.js')).size,
    zipBytes: statSync(join(DIST, `${key}.zip`)).size,
    heaviest: weights.slice(0, 5),
    packages: weights.map((weight) => weight.name).filter((name) => name !== OWN_CODE),
  };
}

/** Every file under `dir`, as `sls deploy` would pack the service folder (its metadata excluded). */
function collectFiles(dir: string, root: string, into: Zippable): number {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === '.serverless' || entry.name === '.git') continue;
      count += collectFiles(path, root, into);
    } else if (entry.isFile()) {
      into[relative(root, path)] = [readFileSync(path), { level: 9 }];
      count += 1;
    }
  }
  return count;
}

/**
 * The tutorial's deployment zip: its handlers with their production node_modules, zipped at the
 * Serverless Framework's level 9. One zip serves all five functions, as in the tutorial.
 */
export function measureOriginalZip(): OriginalZip {
  const files: Zippable = {};
  try {
    statSync(join(ORIGINAL_DIR, 'node_modules'));
  } catch {
    throw new Error(`${ORIGINAL_DIR}/node_modules is missing: make bench installs it (npm ci in that folder)`);
  }
  const count = collectFiles(ORIGINAL_DIR, ORIGINAL_DIR, files);
  return { zipBytes: zipSync(files).length, files: count };
}
