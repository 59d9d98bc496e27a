import type { LoggedLine } from '../record';
import type { FunctionConfig, FunctionLogLine } from './instance';
import { LambdaFunction } from './lambda-function';

export interface FunctionPoolOptions {
  /** How to run a function named by the definition; called when the function is first needed and on reload. */
  resolve: (key: string) => FunctionConfig;
  /** Instances per function; more calls at once wait in line, as with reserved concurrency. */
  maxInstances: number;
  /** Lines a function writes outside any request (a timer firing after the response). */
  onStrayLog?: (line: LoggedLine) => void;
}

/** The gateway's functions by key: each is set up on its first call and replaced when its code changes. */
export class FunctionPool {
  private readonly functions = new Map<string, LambdaFunction>();

  constructor(private readonly options: FunctionPoolOptions) {}

  /** The function for this key; throws when the key cannot be resolved to something to run. */
  get(key: string): LambdaFunction {
    let fn = this.functions.get(key);
    if (!fn) {
      fn = new LambdaFunction(this.options.resolve(key), {
        maxInstances: this.options.maxInstances,
        onStrayLog: (k, line) => this.strayLog(k, line),
      });
      this.functions.set(key, fn);
    }
    return fn;
  }

  /** A line no request is waiting for: written after its response, or after the gateway stopped waiting. */
  strayLog(key: string, line: FunctionLogLine): void {
    if (line.text.trim() !== '') this.options.onStrayLog?.({ functionKey: key, ...line });
  }

  /** Replaces the instances of these functions (every one set up so far when omitted): the next call is a cold start. */
  replace(keys?: readonly string[]): void {
    for (const key of keys ?? [...this.functions.keys()]) {
      const fn = this.functions.get(key);
      if (fn) fn.replace(this.options.resolve(key));
    }
  }

  pids(): number[] {
    return [...this.functions.values()].flatMap((fn) => fn.pids());
  }

  /** Ends every instance; calls still waiting for one answer as a function error. */
  async stop(): Promise<void> {
    await Promise.all([...this.functions.values()].map((fn) => fn.stop()));
  }
}
