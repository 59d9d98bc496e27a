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

/**
 * What Lambda's runtime gives every function besides its own variables: credentials (its role's,
 * in AWS; here dummy ones, which only the local Lambda API is asked to accept) and, locally only,
 * where that API is, under the variable the AWS SDK reads for the Lambda client's endpoint.
 */
export function runtimeVariables(lambdaEndpoint: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    AWS_ENDPOINT_URL_LAMBDA: lambdaEndpoint,
  };
}

/** The gateway's functions by key: each is set up on its first call and replaced when its code changes. */
export class FunctionPool {
  private readonly functions = new Map<string, LambdaFunction>();
  /** Set once the local Lambda API listens, before any function starts; a function's own variables win. */
  runtimeVariables: Readonly<Record<string, string>> = {};

  constructor(private readonly options: FunctionPoolOptions) {}

  /** How to run a function: its own configuration, over what the runtime gives every function. */
  private resolve(key: string): FunctionConfig {
    const config = this.options.resolve(key);
    return { ...config, environment: { ...this.runtimeVariables, ...config.environment } };
  }

  /** The function for this key; throws when the key cannot be resolved to something to run. */
  get(key: string): LambdaFunction {
    let fn = this.functions.get(key);
    if (!fn) {
      fn = new LambdaFunction(this.resolve(key), {
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
      if (fn) fn.replace(this.resolve(key));
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
