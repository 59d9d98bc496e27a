import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionsAffectedBy, watchFiles } from '../../local/dev';
import type { Watcher } from '../../local/dev';
import { startFixtureGateway, token } from './support';
import type { FixtureGateway } from './support';

describe('functionsAffectedBy', () => {
  let root: string;
  const options = () => ({
    root,
    distDir: join(root, 'dist'),
    functionsDir: join(root, 'functions'),
    functionKeys: ['register', 'login', 'me'],
  });
  const metafile = (key: string, inputs: string[]) => {
    mkdirSync(join(root, 'dist', key), { recursive: true });
    writeFileSync(
      join(root, 'dist', key, 'meta.json'),
      JSON.stringify({ inputs: Object.fromEntries(inputs.map((i) => [i, { bytes: 1 }])), outputs: {} }),
    );
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'reload-'));
    metafile('register', [
      'functions/register/handler.ts',
      'functions/shared/db.ts',
      'generated/validators/register-body.js',
    ]);
    metafile('login', ['functions/login/handler.ts', 'functions/shared/db.ts']);
    metafile('me', ['functions/me/handler.ts', 'functions/shared/jwt.ts']);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('rebuilds exactly the bundles that include a changed shared module', () => {
    expect(functionsAffectedBy([join(root, 'functions/shared/db.ts')], options())).toEqual(['register', 'login']);
  });

  it('rebuilds the function whose generated validator changed', () => {
    expect(functionsAffectedBy([join(root, 'generated/validators/register-body.js')], options())).toEqual(['register']);
  });

  it('rebuilds a function when a new file appears in its folder', () => {
    expect(functionsAffectedBy([join(root, 'functions/me/helpers.ts')], options())).toEqual(['me']);
  });

  it('rebuilds nothing for a file no bundle includes', () => {
    expect(
      functionsAffectedBy([join(root, 'functions/shared/unused.ts'), join(root, 'generated/openapi.json')], options()),
    ).toEqual([]);
  });

  it('rebuilds a function that has no metafile yet', () => {
    rmSync(join(root, 'dist', 'me'), { recursive: true });

    expect(functionsAffectedBy([join(root, 'functions/shared/unused.ts')], options())).toEqual(['me']);
  });
});

describe('hot reload', () => {
  let dir: string;
  let f: FixtureGateway;
  let watcher: Watcher;
  const reloads: string[][] = [];

  const versioned = (version: number) => `'use strict';
let invocations = 0;
module.exports.handler = async () => {
  invocations += 1;
  return { statusCode: 200, body: JSON.stringify({ version: ${version}, invocations, pid: process.pid }) };
};
`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hot-reload-'));
    writeFileSync(join(dir, 'echo.js'), versioned(1));
    f = await startFixtureGateway({ entries: { echo: join(dir, 'echo.js') } });
    watcher = watchFiles({
      dirs: [dir],
      debounceMs: 20,
      onChange: (files) => {
        reloads.push(files);
        f.gateway.reloadFunctions(['echo']);
      },
    });
  });
  afterAll(async () => {
    watcher.close();
    await f.gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replaces a changed function with a fresh instance, leaving the gateway and the other functions running', async () => {
    const read = async (path: string, init?: RequestInit) =>
      (await (await f.call(path, init)).json()) as { version?: number; invocations: number; pid: number };
    const header = token('allow', 'hot');
    const before = await read('/echo');
    const otherBefore = await read('/private', { headers: { Authorization: header } });

    writeFileSync(join(dir, 'echo.js'), versioned(2));
    let after = await read('/echo');
    while (after.version !== 2) after = await read('/echo');
    const otherAfter = await read('/private', { headers: { Authorization: header } });

    expect(before).toMatchObject({ version: 1, invocations: 1 });
    expect(after).toMatchObject({ version: 2, invocations: 1 });
    expect(after.pid).not.toBe(before.pid);
    expect(f.lastRecord('/echo').coldStart).toBe(true);
    expect(reloads.flat()).toContain(join(dir, 'echo.js'));
    // Another function keeps its warm instance and the authorizer keeps its cache.
    expect(otherAfter.pid).toBe(otherBefore.pid);
    expect(f.lastRecord('/private')).toMatchObject({ coldStart: false, authorizer: { cached: true } });
  });
});
