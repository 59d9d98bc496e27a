/**
 * How the code is put together: the local gateway, `make dev` and deferred jobs are reached only
 * through their index.ts, and no import runs in a circle. Reads every import (type-only and dynamic ones too)
 * with TypeScript's own scanner, so nothing is compiled.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../../scripts/paths';

const SOURCE_DIRS = ['functions', 'local', 'scripts', 'test', 'bench'];
/** Folders with one public entry: files outside them import their index.ts and nothing else. */
const ENCLOSED = ['local/gateway', 'local/dev', 'local/outbox', 'functions/shared/email', 'functions/shared/deferred'];

const repoPath = (file: string) => relative(ROOT, file).split(sep).join('/');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The repository files a file imports by relative path, as repository paths. */
function importsOf(file: string): string[] {
  const specifiers = ts
    .preProcessFile(readFileSync(file, 'utf8'), true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((specifier) => specifier.startsWith('.'));
  const targets = specifiers.flatMap((specifier) => {
    const base = resolve(dirname(file), specifier);
    const found = [`${base}.ts`, join(base, 'index.ts'), base].find(isFile);
    return found ? [repoPath(found)] : [];
  });
  // A type import and a value import of one module are one edge.
  return [...new Set(targets)];
}

const graph = new Map(
  SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir))).map((file) => [repoPath(file), importsOf(file)]),
);

/** Each circle once, as the files along it, found by depth-first search. */
function circles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    const at = path.indexOf(file);
    if (at >= 0) {
      found.push([...path.slice(at), file]);
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    for (const next of edges.get(file) ?? []) visit(next);
    path.pop();
    done.add(file);
  };
  for (const file of [...edges.keys()].sort()) visit(file);
  return found;
}

describe('module boundaries', () => {
  it('reads the imports of every source file', () => {
    expect(graph.get('local/dev/main.ts')).toContain('local/gateway/index.ts');
    expect(graph.get('local/gateway/index.ts')).toContain('local/gateway/server.ts');
  });

  it.each(ENCLOSED)('lets files outside %s import only its index.ts', (folder) => {
    const reachingIn = [...graph].flatMap(([file, imports]) =>
      file.startsWith(`${folder}/`)
        ? []
        : imports
            .filter((target) => target.startsWith(`${folder}/`) && target !== `${folder}/index.ts`)
            .map((target) => `${file} → ${target}`),
    );

    expect(reachingIn).toEqual([]);
  });

  it('has no import circle', () => {
    expect(circles(graph).map((circle) => circle.join(' → '))).toEqual([]);
  });
});
