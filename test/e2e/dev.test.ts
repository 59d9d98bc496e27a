/**
 * `make dev` as a developer runs it (local/dev/main.ts, after `make build`): it starts, answers, shuts
 * down cleanly on SIGTERM, and fails in one line on a busy port.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../../scripts/paths';
import { CURRENT_KEY } from '../support/keys';
import { buildAll, lockBundles } from './support';

interface Dev {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `detached` makes it the leader of a process group of its own, so a test can send Ctrl-C's SIGINT to the whole group. */
function startDev(env: Record<string, string>, { detached = false } = {}): Dev {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'local', 'dev', 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    detached,
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until `pattern` appears in the output, or the process ends without printing it. */
async function waitFor(dev: Dev, pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout'): Promise<RegExpMatchArray> {
  let done = false;
  void dev.exited.then(() => (done = true));
  for (;;) {
    const match = dev[stream]().match(pattern);
    if (match) return match;
    if (done) throw new Error(`local/dev/main.ts exited before printing ${pattern}:\n${dev.stdout()}\n${dev.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Process ids of the children of a process whose command line contains `marker`. */
function childPids(pid: number, marker: string): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(marker))
      .map((line) => Number(line.trim().split(/\s+/)[0]));
  } catch {
    return [];
  }
}

/** The function instances (the Lambda runtime processes) a process started. */
const functionPids = (pid: number): number[] => childPids(pid, 'runtime.cjs');
/** The embedded MongoDB's process a process started. */
const databasePids = (pid: number): number[] => childPids(pid, 'server-process.ts');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('make dev', () => {
  // local/dev/main.ts runs the bundles in dist/, as `make dev` does: keep other suites from rebuilding them meanwhile.
  let release: () => void = () => undefined;
  beforeAll(async () => {
    release = await lockBundles();
    await buildAll();
  }, 120_000);
  afterAll(() => release());

  it('serves the API and the docs on the embedded MongoDB, then shuts everything down on SIGTERM', async () => {
    const dev = startDev({ PORT: '0' });
    try {
      const [, url] = await waitFor(dev, /Auth API on (http:\/\/localhost:\d+)/);
      await waitFor(dev, /Docs: /);

      const register = await fetch(`${url}/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Grace Hopper', email: 'grace@example.com', password: 'a-long-enough-password' }),
      });
      const docs = await fetch(`${url}/docs`);
      const emails = await fetch(`${url}/_local/emails`);
      const outboxPage = await fetch(`${url}/_local/outbox`);
      const functions = functionPids(dev.child.pid!);
      const database = databasePids(dev.child.pid!);

      expect(register.status).toBe(201);
      expect(docs.status).toBe(200);
      // The local outbox keeps the verification email registration sent, and make dev printed it under its request.
      expect(emails.status).toBe(200);
      const kept = (await emails.json()) as Array<{ to: string; subject: string; link: string }>;
      expect(kept).toEqual([
        expect.objectContaining({
          to: 'grace@example.com',
          link: expect.stringMatching(/\/verify-email\?token=/) as unknown,
        }),
      ]);
      expect(outboxPage.status).toBe(200);
      expect(await outboxPage.text()).toContain('<title>Local outbox (1 email)</title>');
      expect(dev.stdout()).toContain(kept[0]?.link);
      expect(dev.stdout()).toContain(`Emails: ${url}/_local/outbox (JSON at /_local/emails)`);
      expect(dev.stdout()).toContain('embedded MongoDB at mongodb://');
      expect(dev.stdout()).toMatch(
        /Tokens are ES256, signed with a P-256 key made for this run \(kid local-[0-9a-f]{8}\): they stop working when make dev restarts/,
      );
      expect(dev.stdout()).toMatch(/POST\s+\/register\s+register\s+-/);
      expect(dev.stdout()).toMatch(/GET\s+\/me\s+me\s+authorizer \(TTL 300 s\)/);
      expect(dev.stdout()).toMatch(/POST \/register {2}201 {2}\d+(\.\d)? ms {2}register cold/);
      expect(functions.length).toBeGreaterThan(0);

      // A job a function defers to itself: an asynchronous invocation through the local Lambda API, on a line of its own.
      const [, lambdaUrl] = dev.stdout().match(/through the Lambda API at (http:\/\/127\.0\.0\.1:\d+)/)!;
      const queued = await fetch(`${lambdaUrl}/2015-03-31/functions/getJwks/invocations`, {
        method: 'POST',
        headers: { 'X-Amz-Invocation-Type': 'Event' },
        body: '{}',
      });
      expect(queued.status).toBe(202);
      await waitFor(dev, /λ async getJwks {2}ok {2}\d+(\.\d)? ms {2}cold/);
      expect(database).toHaveLength(1);

      dev.child.kill('SIGTERM');

      expect(await dev.exited).toBe(0);
      expect(functions.filter(alive)).toEqual([]);
      expect(database.filter(alive)).toEqual([]);
      await expect(fetch(`${url}/users`)).rejects.toThrow();
    } finally {
      dev.child.kill('SIGKILL');
    }
  });

  it('stops the embedded MongoDB too on Ctrl-C, which reaches the whole process group', async () => {
    const dev = startDev({ PORT: '0' }, { detached: true });
    try {
      const [, url] = await waitFor(dev, /Auth API on (http:\/\/localhost:\d+)/);
      await waitFor(dev, /Ctrl-C stops/);
      const database = databasePids(dev.child.pid!);
      expect(database).toHaveLength(1);

      process.kill(-dev.child.pid!, 'SIGINT');

      expect(await dev.exited).toBe(0);
      expect(dev.stdout()).toContain('SIGINT: stopping');
      expect(database.filter(alive)).toEqual([]);
      await expect(fetch(`${url}/users`)).rejects.toThrow();
    } finally {
      dev.child.kill('SIGKILL');
    }
  });

  it('prints only JSON lines on stdout with LOG_FORMAT=json', async () => {
    const dev = startDev({
      PORT: '0',
      LOG_FORMAT: 'json',
      MONGODB_URI: process.env.MONGODB_URI!,
      JWT_SIGNING_PRIVATE_KEY: CURRENT_KEY.privatePem,
    });
    try {
      const [, url] = await waitFor(dev, /Auth API on (http:\/\/localhost:\d+)/, 'stderr');
      await waitFor(dev, /Ctrl-C stops/, 'stderr');

      await fetch(`${url}/users?limit=1`);
      await waitFor(dev, /"type":"access"/);
      dev.child.kill('SIGTERM');
      await dev.exited;

      const lines = dev.stdout().trim().split('\n');
      expect(lines.every((line) => typeof JSON.parse(line) === 'object')).toBe(true);
      expect(lines.map((line) => JSON.parse(line) as { type?: string }).filter((l) => l.type === 'access')).toEqual([
        expect.objectContaining({
          method: 'GET',
          path: '/users',
          status: 200,
          functionKey: 'listUsers',
          coldStart: true,
        }),
      ]);
      expect(dev.stderr()).toContain('Tokens are ES256, signed with JWT_SIGNING_PRIVATE_KEY (kid local).');
    } finally {
      dev.child.kill('SIGKILL');
    }
  });

  it('fails in one line naming the port when it is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const dev = startDev({ PORT: String(port), MONGODB_URI: process.env.MONGODB_URI! });

      expect(await dev.exited).toBe(1);
      expect(dev.stderr().trim().split('\n')).toEqual([
        `make dev: port ${port} is already in use; stop what is using it or set PORT to another port`,
      ]);
    } finally {
      blocker.close();
    }
  });

  it('fails in one line naming LAMBDA_PORT when the Lambda API port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const dev = startDev({ PORT: '0', LAMBDA_PORT: String(port), MONGODB_URI: process.env.MONGODB_URI! });

      expect(await dev.exited).toBe(1);
      expect(dev.stderr().trim().split('\n')).toEqual([
        `make dev: port ${port} is already in use; stop what is using it or set LAMBDA_PORT to another port (0: any free one)`,
      ]);
    } finally {
      blocker.close();
    }
  });

  it('fails in one line naming the variable when a setting is invalid', async () => {
    const dev = startDev({ PORT: 'eighty' });

    expect(await dev.exited).toBe(1);
    expect(dev.stderr().trim()).toBe('make dev: PORT must be a whole number from 0 to 65535, not "eighty"');
  });
});
