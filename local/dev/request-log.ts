/**
 * What `make dev` prints for each request the gateway reports: one readable line (method, path,
 * status, duration, function, cold or warm, authorizer cached or not) with the functions' log lines
 * and metrics under it, or, with LOG_FORMAT=json, the functions' raw lines followed by one JSON
 * access-log line. An invocation through the local Lambda API (a deferred job) gets a line of its
 * own, `λ`, when it has run.
 */
import type { InvocationRecord, LoggedLine, RequestRecord } from '../gateway';
import type { OutboxEmail } from '../outbox';
import type { MetricValue } from './metrics';
import { parseEmfLine, summarizeMetrics } from './metrics';

export const LOG_FORMATS = { pretty: 'pretty', json: 'json' } as const;
export type LogFormat = (typeof LOG_FORMATS)[keyof typeof LOG_FORMATS];

/** What the request log shows of an email: who, what, the link; never its body. */
export type LoggedEmail = Pick<OutboxEmail, 'to' | 'subject' | 'link' | 'sentAt' | 'requestId'>;

/** The metrics the functions of this request emitted, read from their EMF lines. */
export function metricsOf(record: RequestRecord): MetricValue[] {
  return record.logs.flatMap((line) => parseEmfLine(line.text) ?? []);
}

const ANSI = {
  reset: '\x1b[0m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
  magenta: '\x1b[35m',
} as const;

type Paint = (style: keyof typeof ANSI, text: string) => string;

const painter =
  (color: boolean): Paint =>
  (style, text) =>
    color ? `${ANSI[style]}${text}${ANSI.reset}` : text;

function ms(value: number): string {
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

/** Fields Powertools adds to every line; repeating them under each request would bury the message. */
const ROUTINE_FIELDS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'cold_start',
  'requestId',
  // The API Gateway request id, the same on every line of a request.
  'correlation_id',
]);

function compactValue(value: unknown): string {
  if (typeof value === 'string') return /^[\w.:/@+-]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/** One function log line, made readable: `INFO message key=value ...`, or the raw text when not JSON. */
export function prettyLogLine(text: string, paint: Paint): string[] {
  let parsed: unknown;
  try {
    parsed = text.trimStart().startsWith('{') ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [paint('dim', text)];
  const entry = parsed as Record<string, unknown>;
  const level = (typeof entry.level === 'string' ? entry.level : 'LOG').toUpperCase();
  const levelColor = level === 'ERROR' || level === 'CRITICAL' ? 'red' : level === 'WARN' ? 'yellow' : 'dim';
  const { stackTrace, stack, ...rest } = entry;
  const fields = Object.entries(rest)
    .filter(([k]) => !ROUTINE_FIELDS.has(k))
    .map(([k, v]) => `${k}=${compactValue(v)}`)
    .join(' ');
  const lines = [
    `${paint(levelColor, level.padEnd(5))} ${paint('dim', `${typeof entry.message === 'string' ? entry.message : compactValue(entry.message ?? '')}${fields ? `  ${fields}` : ''}`)}`,
  ];
  const trace = Array.isArray(stackTrace) ? stackTrace : typeof stack === 'string' ? stack.split('\n').slice(1) : [];
  for (const frame of trace.slice(0, 8)) lines.push(paint('dim', `      ${String(frame).trim()}`));
  return lines;
}

function statusColor(status: number): keyof typeof ANSI {
  if (status >= 500) return 'red';
  if (status >= 400) return 'yellow';
  if (status >= 300) return 'cyan';
  return 'green';
}

/** Printable ASCII as it is, so a terminal can open the link; anything else quoted, so no control character reaches it. */
const printable = (value: string) => (/^[!-~]+$/.test(value) ? value : JSON.stringify(value));

/** One email, readable: recipient and subject, then the link on a line of its own to click or copy. */
function prettyEmail(email: LoggedEmail, paint: Paint, indent: string): string[] {
  return [
    `${indent}${paint('cyan', '✉')} email to ${printable(email.to)}  ${JSON.stringify(email.subject)}`,
    `${indent}  ${paint('bold', printable(email.link))}`,
  ];
}

/** The functions' log lines, readable and indented, the emails they sent, and a compact line of their metrics, per function when several ran. */
function functionLines(logs: readonly LoggedLine[], paint: Paint, emails: readonly LoggedEmail[] = []): string[] {
  const lines: string[] = [];
  const showOwner = new Set(logs.map((l) => l.functionKey)).size > 1;
  for (const line of logs) {
    if (line.text.trim() === '' || parseEmfLine(line.text)) continue;
    const owner = showOwner ? paint('dim', `[${line.functionKey}] `) : '';
    for (const [i, text] of prettyLogLine(line.text, paint).entries()) lines.push(`  ${i === 0 ? owner : ''}${text}`);
  }
  for (const email of emails) lines.push(...prettyEmail(email, paint, '  '));
  // Per function when the authorizer ran too: two ColdStart=1 side by side would not say whose.
  const byFunction = [...new Set(logs.map((l) => l.functionKey))]
    .map((key) => ({
      key,
      metrics: logs.filter((l) => l.functionKey === key).flatMap((l) => parseEmfLine(l.text) ?? []),
    }))
    .filter((group) => group.metrics.length > 0);
  if (byFunction.length > 0) {
    const summary = byFunction
      .map((g) => `${byFunction.length > 1 ? `[${g.key}] ` : ''}${summarizeMetrics(g.metrics)}`)
      .join('  ');
    lines.push(`  ${paint('dim', `metrics ${summary}`)}`);
  }
  return lines;
}

/** The readable form: a request line, then the functions' logs, the emails they sent and the metrics, indented. */
export function formatPretty(record: RequestRecord, color: boolean, emails: readonly LoggedEmail[] = []): string {
  const paint = painter(color);
  const parts = [
    paint('bold', `${record.method} ${record.path}`),
    paint(statusColor(record.status), String(record.status)),
    ms(record.durationMs),
  ];
  if (record.functionKey) {
    const temperature = record.coldStart
      ? paint('magenta', `cold${record.initDurationMs !== undefined ? `, init ${ms(record.initDurationMs)}` : ''}`)
      : 'warm';
    parts.push(`${paint('cyan', record.functionKey)} ${temperature}`);
  }
  if (record.authorizer) {
    const a = record.authorizer;
    const how = a.cached
      ? 'cached'
      : !a.invoked
        ? 'not invoked'
        : `invoked${a.coldStart ? ' cold' : ''}${a.durationMs !== undefined ? ` ${ms(a.durationMs)}` : ''}`;
    parts.push(`authorizer ${how}${a.result === 'allowed' ? '' : ` → ${a.result}`}`);
  }
  const lines = [parts.join('  ')];
  if (record.gatewayError)
    lines.push(paint('yellow', `  ! ${record.gatewayError.type}: ${record.gatewayError.reason}`));
  else if (record.authorizer?.reason) lines.push(paint('yellow', `  ! ${record.authorizer.reason}`));
  lines.push(...functionLines(record.logs, paint, emails));
  return lines.join('\n');
}

function jsonEmail(email: LoggedEmail): string {
  const { sentAt, requestId, to, subject, link } = email;
  return JSON.stringify({ type: 'email', timestamp: sentAt, requestId, to, subject, link });
}

/** An email printed on its own: sent after its request's line, or outside any request. */
export function formatEmail(email: LoggedEmail, format: LogFormat, color: boolean): string {
  if (format === LOG_FORMATS.json) return jsonEmail(email);
  const paint = painter(color);
  const from = email.requestId === undefined ? 'outside a request' : `by request ${email.requestId}`;
  return [paint('dim', `email sent ${from}:`), ...prettyEmail(email, paint, '  ')].join('\n');
}

/** The machine form: the functions' own lines untouched, one line per email, then the gateway's access-log line. */
export function formatJson(record: RequestRecord, emails: readonly LoggedEmail[] = []): string {
  const access = {
    type: 'access',
    timestamp: new Date(record.startedAt).toISOString(),
    requestId: record.requestId,
    sourceIp: record.sourceIp,
    method: record.method,
    path: record.path,
    resourcePath: record.resourcePath,
    status: record.status,
    durationMs: Math.round(record.durationMs * 10) / 10,
    functionKey: record.functionKey,
    coldStart: record.coldStart,
    initDurationMs: record.initDurationMs === undefined ? undefined : Math.round(record.initDurationMs),
    authorizer: record.authorizer,
    gatewayError: record.gatewayError,
  };
  return [
    ...record.logs.filter((l) => l.text.trim() !== '').map((l) => l.text),
    ...emails.map(jsonEmail),
    JSON.stringify(access),
  ].join('\n');
}

/**
 * An invocation through the local Lambda API, readable: `λ async forgotPassword  ok  12 ms  warm`, its
 * wait for an instance when there was one, then its logs and metrics as under a request line.
 */
export function formatInvocationPretty(record: InvocationRecord, color: boolean): string {
  const paint = painter(color);
  const temperature = record.coldStart
    ? paint('magenta', `cold${record.initDurationMs !== undefined ? `, init ${ms(record.initDurationMs)}` : ''}`)
    : 'warm';
  const parts = [
    `${paint('bold', `λ ${record.invocationType === 'Event' ? 'async' : 'sync'}`)} ${paint('cyan', record.functionKey)}`,
    record.outcome === 'success' ? paint('green', 'ok') : paint('red', 'error'),
    ms(record.durationMs),
    temperature,
  ];
  if (record.queuedMs >= 1) parts.push(paint('dim', `waited ${ms(record.queuedMs)} for an instance`));
  const lines = [parts.join('  ')];
  if (record.error) lines.push(paint('yellow', `  ! ${record.error.type}: ${record.error.message}`));
  lines.push(...functionLines(record.logs, paint));
  return lines.join('\n');
}

/** The machine form of an invocation: the function's own lines, then one JSON line like the access log's. */
export function formatInvocationJson(record: InvocationRecord): string {
  const entry = {
    type: 'invocation',
    timestamp: new Date(record.startedAt).toISOString(),
    requestId: record.requestId,
    functionKey: record.functionKey,
    invocationType: record.invocationType,
    outcome: record.outcome,
    durationMs: Math.round(record.durationMs * 10) / 10,
    queuedMs: Math.round(record.queuedMs * 10) / 10,
    coldStart: record.coldStart,
    initDurationMs: record.initDurationMs === undefined ? undefined : Math.round(record.initDurationMs),
    error: record.error,
  };
  return [...record.logs.filter((l) => l.text.trim() !== '').map((l) => l.text), JSON.stringify(entry)].join('\n');
}

export function formatStrayLine(line: LoggedLine, format: LogFormat, color: boolean): string {
  if (format === LOG_FORMATS.json) return line.text;
  const paint = painter(color);
  return prettyLogLine(line.text, paint)
    .map((text, i) => `${i === 0 ? paint('dim', `[${line.functionKey}] `) : ''}${text}`)
    .join('\n');
}
