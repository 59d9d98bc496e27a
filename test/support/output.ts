/**
 * Captures what the functions write to stdout and stderr (Powertools log lines, warnings and
 * errors go to stderr, and EMF metrics) during a test, keeps it off the test output, and parses
 * it for assertions. In Lambda both streams end up in the function's log group.
 */
export type LogLine = Record<string, unknown>;

export interface EmittedMetric {
  name: string;
  dimensions: Record<string, string>;
  value: unknown;
}

export interface CapturedOutput {
  /** Everything written since the last clear, as text. */
  text(): string;
  /** Every JSON line written since the last clear. */
  lines(): LogLine[];
  /** Log lines only (EMF metric records left out). */
  logs(): LogLine[];
  metrics(): EmittedMetric[];
  clear(): void;
}

interface EmfDirective {
  Dimensions: string[][];
  Metrics: Array<{ Name: string }>;
}

function metricsOf(line: LogLine): EmittedMetric[] {
  const aws = line._aws as { CloudWatchMetrics?: EmfDirective[] } | undefined;
  const directive = aws?.CloudWatchMetrics?.[0];
  if (directive === undefined) return [];
  const dimensions = Object.fromEntries((directive.Dimensions[0] ?? []).map((name) => [name, String(line[name])]));
  return directive.Metrics.map((metric) => ({ name: metric.Name, dimensions, value: line[metric.Name] }));
}

/** Registers jest hooks that capture stdout and stderr around every test of the file. */
export function captureOutput(): CapturedOutput {
  let chunks: string[] = [];
  let spies: jest.SpyInstance[] = [];

  beforeEach(() => {
    chunks = [];
    spies = [process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      }),
    );
  });
  afterEach(() => {
    for (const spy of spies) spy.mockRestore();
  });

  const lines = (): LogLine[] =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);

  return {
    text: () => chunks.join(''),
    lines,
    logs: () => lines().filter((line) => line._aws === undefined),
    metrics: () => lines().flatMap(metricsOf),
    clear: () => {
      chunks = [];
    },
  };
}

/** The names of the metrics emitted, in order. */
export function metricNames(output: CapturedOutput): string[] {
  return output.metrics().map((metric) => metric.name);
}

/** The request line of each invocation. */
export function requestLines(output: CapturedOutput): LogLine[] {
  return output.logs().filter((line) => line.message === 'request completed');
}
