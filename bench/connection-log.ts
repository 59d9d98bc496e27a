/**
 * Reads the functions' request lines for what the load test checks: each request line (Powertools
 * JSON) says whether the invocation opened the instance's database connection or reused it.
 */
export type ConnectionUse = 'new' | 'reused';

/** `new` or `reused` from a function's JSON log line, or undefined for any other line. */
export function connectionUse(line: string): ConnectionUse | undefined {
  const text = line.trim();
  if (!text.startsWith('{') || !text.includes('db_connection')) return undefined;
  try {
    const value = (JSON.parse(text) as { db_connection?: unknown }).db_connection;
    return value === 'new' || value === 'reused' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** What the load test counts per function over a run. */
export interface FunctionTally {
  invocations: number;
  coldStarts: number;
  connectionsNew: number;
  connectionsReused: number;
}

export function emptyTally(): FunctionTally {
  return { invocations: 0, coldStarts: 0, connectionsNew: 0, connectionsReused: 0 };
}

/** Adds one invocation and the lines it logged to a function's tally. */
export function tallyInvocation(tally: FunctionTally, coldStart: boolean, lines: readonly string[]): void {
  tally.invocations += 1;
  if (coldStart) tally.coldStarts += 1;
  for (const line of lines) {
    for (const part of line.split('\n')) {
      const use = connectionUse(part);
      if (use === 'new') tally.connectionsNew += 1;
      else if (use === 'reused') tally.connectionsReused += 1;
    }
  }
}
