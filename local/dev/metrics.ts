/**
 * Reads CloudWatch embedded metric format (EMF) lines, as Powertools Metrics prints them, so the
 * request log of `make dev` can show what each invocation would publish to CloudWatch.
 */

/** A dimension or namespace as EMF writes it: a string or a number; anything else is not one. */
function scalarText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

export interface MetricValue {
  namespace: string;
  name: string;
  unit?: string;
  /** Sum of the values this line carries (EMF allows a list of values per metric). */
  value: number;
  /** The dimensions of this metric, by name. */
  dimensions: Record<string, string>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The metrics an EMF log line carries, or undefined when the line is not EMF. */
export function parseEmfLine(line: string): MetricValue[] | undefined {
  if (!line.includes('"_aws"')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || !isObject(parsed._aws) || !Array.isArray(parsed._aws.CloudWatchMetrics)) return undefined;
  const record = parsed;
  const values: MetricValue[] = [];
  for (const directive of parsed._aws.CloudWatchMetrics) {
    if (!isObject(directive) || !Array.isArray(directive.Metrics)) continue;
    const dimensionNames = Array.isArray(directive.Dimensions)
      ? [...new Set(directive.Dimensions.flat().filter((d): d is string => typeof d === 'string'))]
      : [];
    const dimensions = Object.fromEntries(dimensionNames.map((name) => [name, scalarText(record[name])]));
    for (const metric of directive.Metrics) {
      if (!isObject(metric) || typeof metric.Name !== 'string') continue;
      const raw = record[metric.Name];
      const numbers = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number');
      if (numbers.length === 0) continue;
      values.push({
        namespace: scalarText(directive.Namespace),
        name: metric.Name,
        ...(typeof metric.Unit === 'string' ? { unit: metric.Unit } : {}),
        value: numbers.reduce((a, b) => a + b, 0),
        dimensions,
      });
    }
  }
  return values;
}

/** Dimensions every metric of a function carries; they say nothing per request, so the summary leaves them out. */
const CONSTANT_DIMENSIONS = new Set(['service', 'function_name', 'FunctionName']);

/** `ColdStart=1 LoginFailed{reason=wrong_password}=1 DbConnections{state=new}=1` */
export function summarizeMetrics(metrics: readonly MetricValue[]): string {
  return metrics
    .map((m) => {
      const dims = Object.entries(m.dimensions).filter(([name]) => !CONSTANT_DIMENSIONS.has(name));
      const label = dims.length > 0 ? `${m.name}{${dims.map(([k, v]) => `${k}=${v}`).join(',')}}` : m.name;
      const unit = m.unit === 'Milliseconds' ? 'ms' : m.unit === 'Bytes' ? 'B' : '';
      return `${label}=${Number.isInteger(m.value) ? m.value : m.value.toFixed(2)}${unit}`;
    })
    .join(' ');
}
