import { randomUUID } from 'node:crypto';
import type { FunctionConfig, FunctionLogLine, Invocation } from './instance';
import { Instance } from './instance';

export interface LambdaFunctionOptions {
  /** Instances that may run at once; further invocations wait for one to be free, as in a reserved concurrency. */
  maxInstances: number;
  onStrayLog: (key: string, line: FunctionLogLine) => void;
}

/**
 * A function's execution environments: a warm instance is reused (the most recently used first,
 * as Lambda does), a new one is started only when all are busy, and a code change replaces them.
 */
export class LambdaFunction {
  private readonly idle: Instance[] = [];
  private readonly instances = new Set<Instance>();
  /** Killed instances whose process has not exited yet; shutdown waits for them too. */
  private readonly dying = new Set<Instance>();
  private readonly waiting: Array<(instance: Instance | undefined) => void> = [];
  private stopped = false;

  constructor(
    private config: FunctionConfig,
    private readonly options: LambdaFunctionOptions,
  ) {}

  get key(): string {
    return this.config.key;
  }

  /** Process ids of the running instances, for tests and shutdown checks. */
  pids(): number[] {
    return [...this.instances].flatMap((i) => (i.alive && i.pid !== undefined ? [i.pid] : []));
  }

  /** Runs one invocation on a free instance, waiting for one if all are busy. */
  async invoke(event: unknown, requestId: string = randomUUID()): Promise<Invocation> {
    const instance = await this.acquire();
    if (!instance) {
      return {
        requestId,
        functionKey: this.config.key,
        outcome: { kind: 'error', errorType: 'Runtime.Shutdown', errorMessage: 'The gateway is shutting down' },
        coldStart: false,
        durationMs: 0,
        logs: [],
        instanceId: 0,
      };
    }
    try {
      return await instance.invoke(event, requestId);
    } finally {
      this.release(instance);
    }
  }

  /** New code or settings: idle instances go now, busy ones after their current invocation. */
  replace(config: FunctionConfig): void {
    this.config = config;
    for (const instance of this.idle.splice(0)) this.discard(instance);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const resolve of this.waiting.splice(0)) resolve(undefined);
    this.idle.length = 0;
    await Promise.all([...this.instances, ...this.dying].map((i) => i.stop()));
    this.instances.clear();
    this.dying.clear();
  }

  private usable(instance: Instance): boolean {
    return instance.alive && instance.config === this.config && !this.stopped;
  }

  private take(): Instance | undefined {
    while (this.idle.length > 0) {
      const instance = this.idle.pop()!;
      if (this.usable(instance)) return instance;
      this.discard(instance);
    }
    if (this.instances.size < this.options.maxInstances) {
      const instance = new Instance(this.config, this.options.onStrayLog);
      this.instances.add(instance);
      void instance.exitedPromise.then(() => this.forget(instance));
      return instance;
    }
    return undefined;
  }

  private acquire(): Promise<Instance | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    const instance = this.take();
    if (instance) return Promise.resolve(instance);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(instance: Instance): void {
    if (this.usable(instance)) this.idle.push(instance);
    else this.discard(instance);
    this.serveWaiting();
  }

  private serveWaiting(): void {
    while (this.waiting.length > 0) {
      const instance = this.take();
      if (!instance) return;
      this.waiting.shift()!(instance);
    }
  }

  private discard(instance: Instance): void {
    this.dying.add(instance);
    void instance.exitedPromise.then(() => this.dying.delete(instance));
    instance.kill();
    this.forget(instance);
  }

  private forget(instance: Instance): void {
    if (!this.instances.delete(instance)) return;
    const at = this.idle.indexOf(instance);
    if (at >= 0) this.idle.splice(at, 1);
    // A freed slot may let a waiting invocation start a new instance.
    this.serveWaiting();
  }
}
