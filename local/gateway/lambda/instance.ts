import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../definition';

const RUNTIME = join(__dirname, 'runtime.cjs');

/** Lambda gives the init phase 10 seconds, apart from the function's own timeout. */
const INIT_TIMEOUT_MS = 10_000;

/** How one function runs: the module, its timeout, and the environment Terraform would give it. */
export interface FunctionConfig {
  key: string;
  /** The module exporting the handler: a bundle (dist/<key>/index.js) or a test fixture. */
  entry: string;
  /** The export to call; Lambda's handler setting `index.handler` means `handler`. */
  exportName?: string;
  timeoutMs: number;
  memoryMb?: number;
  environment: Readonly<Record<string, string>>;
}

export interface FunctionLogLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export type InvocationOutcome =
  { kind: 'success'; payload: unknown } | { kind: 'error'; errorType: string; errorMessage: string };

export interface Invocation {
  /** Lambda's request id (`context.awsRequestId`), not the API Gateway one. */
  requestId: string;
  functionKey: string;
  outcome: InvocationOutcome;
  coldStart: boolean;
  initDurationMs?: number;
  durationMs: number;
  /** Lines the function wrote during this invocation (and its init, on a cold start). */
  logs: FunctionLogLine[];
  instanceId: number;
}

type Message =
  | { type: 'log'; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'ready'; initDurationMs: number }
  | { type: 'initError'; errorType: string; errorMessage: string }
  | { type: 'result'; requestId: string; payload: string }
  | { type: 'error'; requestId: string | null; errorType: string; errorMessage: string; fatal?: boolean };

interface Pending {
  requestId: string;
  started: number;
  resolve: (invocation: Invocation) => void;
  timer: NodeJS.Timeout;
  coldStart: boolean;
}

let nextInstanceId = 1;

/** Environment every Lambda function sees, before the function's own variables. */
function runtimeEnvironment(config: FunctionConfig, instanceId: number): Record<string, string> {
  const base: Record<string, string> = {};
  // The host's PATH and locale only; AWS credentials and the developer's shell stay out, as they would in Lambda.
  for (const name of ['PATH', 'LANG', 'TMPDIR']) {
    const value = process.env[name];
    if (value !== undefined) base[name] = value;
  }
  return {
    ...base,
    TZ: ':UTC',
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: config.key,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb ?? 1024),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.key}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${instanceId}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    LAMBDA_TASK_ROOT: dirname(config.entry),
    _HANDLER: `index.${config.exportName ?? 'handler'}`,
    ...config.environment,
  };
}

/** Splits a stream of chunks into lines, keeping a partial line until its newline arrives. */
class LineBuffer {
  private partial = { stdout: '', stderr: '' };

  push(stream: 'stdout' | 'stderr', text: string, into: (line: FunctionLogLine) => void): void {
    const lines = (this.partial[stream] + text).split('\n');
    this.partial[stream] = lines.pop()!;
    for (const line of lines) into({ stream, text: line });
  }

  flush(into: (line: FunctionLogLine) => void): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) into({ stream, text: this.partial[stream] });
      this.partial[stream] = '';
    }
  }
}

/**
 * One execution environment: a child process with its own module state, running one invocation
 * at a time. Its first invocation is the cold start; a timeout or crash ends it.
 */
export class Instance {
  readonly id = nextInstanceId++;
  private readonly child: ChildProcess;
  private readonly lines = new LineBuffer();
  private readonly ready: Promise<
    { ok: true; initDurationMs: number } | { ok: false; errorType: string; errorMessage: string }
  >;
  private pending: Pending | undefined;
  private initLogs: FunctionLogLine[] = [];
  private currentLogs: FunctionLogLine[] = [];
  private invocations = 0;
  /** Until init ends, whatever the module writes belongs to the cold start. */
  private initializing = true;
  private exited = false;
  /** Set on kill, before the process is gone: a dying instance takes no more work. */
  private killed = false;
  readonly exitedPromise: Promise<void>;

  constructor(
    readonly config: FunctionConfig,
    /** Lines written while no invocation runs (after a response, between requests). */
    private readonly onStrayLog: (key: string, line: FunctionLogLine) => void,
  ) {
    const spawned = performance.now();
    this.child = fork(RUNTIME, [config.entry, config.exportName ?? 'handler'], {
      env: runtimeEnvironment(config, this.id),
      execArgv: ['--enable-source-maps'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    // 'exit' ends a running process; 'error' without a pid means it never started, and no 'exit' follows.
    this.exitedPromise = new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.once('error', () => {
        if (this.child.pid === undefined) resolve();
      });
    });
    this.child.stdout!.setEncoding('utf8').on('data', (text: string) => this.log('stdout', text));
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => this.log('stderr', text));

    this.ready = new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve({
          ok: false,
          errorType: 'Runtime.InitTimeout',
          errorMessage: `Init phase timed out after ${INIT_TIMEOUT_MS / 1000} seconds`,
        });
        this.kill();
      }, INIT_TIMEOUT_MS);
      const settle = (value: Awaited<typeof this.ready>) => {
        clearTimeout(timer);
        this.initializing = false;
        resolve(value);
      };
      this.child.on('message', (message: Message) => {
        if (message.type === 'ready') settle({ ok: true, initDurationMs: message.initDurationMs });
        else if (message.type === 'initError')
          settle({ ok: false, errorType: message.errorType, errorMessage: message.errorMessage });
        else this.onMessage(message);
      });
      const ended = (how: string) => {
        this.exited = true;
        settle({
          ok: false,
          errorType: 'Runtime.ExitError',
          errorMessage: `Runtime exited ${how} during init, ${Math.round(performance.now() - spawned)} ms after start`,
        });
        this.settle({ kind: 'error', errorType: 'Runtime.ExitError', errorMessage: `Runtime exited ${how}` });
      };
      this.child.once('exit', (code, signal) =>
        ended(signal ? `with signal: ${signal}` : `with error: exit status ${code}`),
      );
      this.child.on('error', (error) => {
        // A dead IPC channel ends in 'exit' as well; only a process that never started needs handling here.
        if (this.child.pid === undefined && !this.exited) ended(`before starting: ${error.message}`);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited && !this.killed;
  }

  private log(stream: 'stdout' | 'stderr', text: string): void {
    this.lines.push(stream, text, (line) => this.collect(line));
  }

  private collect(line: FunctionLogLine): void {
    if (this.pending) this.currentLogs.push(line);
    else if (this.initializing) this.initLogs.push(line);
    else this.onStrayLog(this.config.key, line);
  }

  private onMessage(message: Message): void {
    if (message.type === 'log') this.log(message.stream, message.text);
    // The runtime is going down (an error escaped the handler): it takes no more work.
    if (message.type === 'error' && message.fatal) this.killed = true;
    if ((message.type === 'result' || message.type === 'error') && message.requestId === this.pending?.requestId) {
      if (message.type === 'result') {
        let payload: unknown;
        try {
          payload = JSON.parse(message.payload);
        } catch {
          payload = undefined;
        }
        this.settle({ kind: 'success', payload });
      } else {
        this.settle({ kind: 'error', errorType: message.errorType, errorMessage: message.errorMessage });
      }
    }
  }

  private settle(outcome: InvocationOutcome): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.lines.flush((line) => this.currentLogs.push(line));
    const logs = this.currentLogs;
    this.pending = undefined;
    this.currentLogs = [];
    pending.resolve({
      requestId: pending.requestId,
      functionKey: this.config.key,
      outcome,
      coldStart: pending.coldStart,
      durationMs: performance.now() - pending.started,
      logs,
      instanceId: this.id,
    });
  }

  /**
   * Runs one invocation; the caller makes sure the instance is not busy. `requestId` is the
   * context's awsRequestId: the one Lambda's Invoke API already answered with, or a new one.
   */
  async invoke(event: unknown, requestId: string = randomUUID()): Promise<Invocation> {
    if (this.pending) throw new Error(`instance ${this.id} of ${this.config.key} is busy`);
    const coldStart = this.invocations === 0;
    this.invocations++;
    const init = await this.ready;
    const initLogs = this.initLogs;
    this.initLogs = [];
    if (!init.ok) {
      this.kill();
      return {
        requestId,
        functionKey: this.config.key,
        outcome: { kind: 'error', errorType: init.errorType, errorMessage: init.errorMessage },
        coldStart,
        durationMs: 0,
        logs: initLogs,
        instanceId: this.id,
      };
    }
    const invocation = await new Promise<Invocation>((resolve) => {
      const started = performance.now();
      const timeoutSeconds = (this.config.timeoutMs / 1000).toFixed(2);
      const timer = setTimeout(() => {
        // Lambda stops the environment at the timeout; the next invocation starts a new one.
        this.currentLogs.push({
          stream: 'stderr',
          text: `${new Date().toISOString()} ${requestId} Task timed out after ${timeoutSeconds} seconds`,
        });
        this.settle({
          kind: 'error',
          errorType: 'Sandbox.Timedout',
          errorMessage: `Task timed out after ${timeoutSeconds} seconds`,
        });
        this.kill();
      }, this.config.timeoutMs);
      this.pending = { requestId, started, resolve, timer, coldStart };
      this.child.send(
        {
          type: 'invoke',
          requestId,
          event,
          deadlineMs: Date.now() + this.config.timeoutMs,
          functionName: this.config.key,
          invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${this.config.key}`,
          memoryLimitInMB: this.config.memoryMb ?? 1024,
        },
        (error) => {
          if (error)
            this.settle({
              kind: 'error',
              errorType: 'Runtime.ExitError',
              errorMessage: 'The runtime could not be reached',
            });
        },
      );
    });
    return coldStart
      ? { ...invocation, initDurationMs: init.initDurationMs, logs: [...initLogs, ...invocation.logs] }
      : invocation;
  }

  kill(): void {
    this.killed = true;
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** Ends the environment and waits until its process is gone. */
  async stop(): Promise<void> {
    this.kill();
    if (!this.exited) await this.exitedPromise;
  }
}
