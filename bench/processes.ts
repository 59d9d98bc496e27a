/**
 * Child processes the benchmark measures: a fresh `node` per cold start, and long-lived hosts that
 * run batches of warm invocations. Timings of warm work are taken inside the child, so the IPC hop
 * back to this process is never part of a figure.
 */
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { HOST } from './environment';

export interface ColdRun {
  /** From spawning the process to its exit, seen from here. */
  wallMs: number;
  /** `require()` of the module, inside the child. */
  requireMs: number;
  /** The first invocation, inside the child; absent when the run only loads the module. */
  invokeMs?: number;
  /** CPU time (user + system) the child used from its start to its answer; absent for a bare node. */
  cpuMs?: number;
}

interface ColdReport {
  requireMs?: number;
  invokeMs?: number;
  cpuMs?: number;
  failure?: string;
  crashed?: string;
}

export interface ColdRunOptions {
  entry: string;
  exportName: string;
  env: Record<string, string>;
  /** The first invocation's event; none: the run loads the module only. */
  event?: unknown;
}

/** Resolves when the process has exited and its output streams are drained, with how it ended. */
function closed(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
}

/** One fresh `node` that loads a module and, given an event, answers one invocation. */
export async function coldRun(options: ColdRunOptions): Promise<ColdRun> {
  const env = {
    ...options.env,
    ...(options.event === undefined ? {} : { BENCH_EVENT: JSON.stringify(options.event) }),
  };
  const started = performance.now();
  const child = spawn(process.execPath, [HOST, 'cold', options.entry, options.exportName], {
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let report = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8');
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: string) => (report += chunk));
  const { code, signal } = await closed(child);
  const wallMs = performance.now() - started;

  const parsed = JSON.parse(report || '{}') as ColdReport;
  if (parsed.crashed) throw new Error(`cold start of ${options.entry} crashed: ${parsed.crashed}`);
  if (code !== 0)
    throw new Error(
      `cold start of ${options.entry} exited with ${signal ?? `code ${code}`}${stderr ? `: ${stderr.trim().slice(-600)}` : ''}`,
    );
  if (parsed.failure) throw new Error(`cold start of ${options.entry} answered with a failure: ${parsed.failure}`);
  if (parsed.requireMs === undefined)
    throw new Error(`cold start of ${options.entry} reported nothing${stderr ? `: ${stderr.trim()}` : ''}`);
  return {
    wallMs,
    requireMs: parsed.requireMs,
    ...(parsed.invokeMs === undefined ? {} : { invokeMs: parsed.invokeMs }),
    ...(parsed.cpuMs === undefined ? {} : { cpuMs: parsed.cpuMs }),
  };
}

/** The floor every cold start pays: a `node` that does nothing. */
export async function bareNodeRun(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { env: { PATH: process.env['PATH'] ?? '' }, stdio: 'ignore' });
  const { code } = await closed(child);
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`node -e 0 exited with code ${code}`);
  return wallMs;
}

export interface Batch {
  /** One event for `count` invocations, or `events` in order. */
  event?: unknown;
  count?: number;
  events?: unknown[];
  /** Also return each invocation's duration. */
  durations?: boolean;
}

export interface BatchResult {
  totalMs: number;
  durations?: number[];
  /** The first invocation's outcome: `{ result }` or `{ error }`. */
  first: { result?: unknown; error?: string };
}

interface BatchReply extends BatchResult {
  type: 'batch';
  id: number;
  failures: number;
  failureSamples: string[];
  crashed?: string;
}

type HostMessage = { type: 'ready' } | { type: 'initError'; error: string } | BatchReply;

/** A warm instance of one handler, in its own process, like one Lambda execution environment. */
export class Host {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (reply: BatchReply) => void; reject: (error: Error) => void }
  >();
  private stderr = '';
  private exitError: Error | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    child.on('message', (message: HostMessage) => {
      if (message.type !== 'batch') return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      waiter?.resolve(message);
    });
    child.once('exit', (code, signal) => {
      this.exitError = new Error(
        `${name} exited with ${signal ?? `code ${code}`}${this.stderr ? `: ${this.stderr.trim().slice(-600)}` : ''}`,
      );
      for (const waiter of this.pending.values()) waiter.reject(this.exitError);
      this.pending.clear();
    });
  }

  /**
   * Starts a host and waits until the module is loaded. Its stdout (the function's logs) goes to
   * `onOutput` when given, else nowhere: a Lambda's logs leave through a pipe too, not a terminal.
   */
  static async start(
    name: string,
    entry: string,
    exportName: string,
    env: Record<string, string>,
    onOutput?: (text: string) => void,
  ): Promise<Host> {
    const child = fork(HOST, ['serve', entry, exportName], {
      env,
      execArgv: [],
      stdio: ['ignore', onOutput ? 'pipe' : 'ignore', 'pipe', 'ipc'],
    });
    if (onOutput) child.stdout?.setEncoding('utf8').on('data', onOutput);
    const host = new Host(name, child);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: HostMessage): void => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'initError') reject(new Error(`${name} failed to load: ${message.error}`));
        else return;
        child.off('message', onMessage);
      };
      child.on('message', onMessage);
      child.once('exit', () => reject(host.exitError ?? new Error(`${name} exited while loading`)));
    });
    return host;
  }

  /** Runs a batch; any failed invocation fails the batch, so no figure is ever made of failures. */
  async run(batch: Batch): Promise<BatchResult> {
    if (this.exitError) throw this.exitError;
    const id = this.nextId++;
    const reply = await new Promise<BatchReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, ...batch });
    });
    if (reply.crashed) throw new Error(`${this.name} crashed: ${reply.crashed}`);
    if (reply.failures > 0) {
      throw new Error(`${this.name}: ${reply.failures} invocation(s) failed, e.g. ${reply.failureSamples.join(' | ')}`);
    }
    return { totalMs: reply.totalMs, first: reply.first, ...(reply.durations ? { durations: reply.durations } : {}) };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await gone;
  }
}

/** Starts the named hosts, runs `body` with them, and stops them whatever happens. */
export async function withHosts<N extends string, T>(
  starts: Record<N, () => Promise<Host>>,
  body: (hosts: Record<N, Host>) => Promise<T>,
): Promise<T> {
  const started: Host[] = [];
  try {
    const hosts = {} as Record<N, Host>;
    for (const name of Object.keys(starts) as N[]) {
      const host = await starts[name]();
      started.push(host);
      hosts[name] = host;
    }
    return await body(hosts);
  } finally {
    await Promise.all(started.map((host) => host.stop()));
  }
}
