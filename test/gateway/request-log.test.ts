import {
  formatInvocationJson,
  formatInvocationPretty,
  formatJson,
  formatPretty,
  formatStrayLine,
  metricsOf,
  parseEmfLine,
  summarizeMetrics,
} from '../../local/dev';
import type { InvocationRecord, RequestRecord } from '../../local/gateway';
import { startFixtureGateway, token } from './support';

const emf = (
  metrics: Record<string, number | number[]>,
  dimensions: Record<string, string>,
  units: Record<string, string> = {},
) =>
  JSON.stringify({
    _aws: {
      Timestamp: 0,
      CloudWatchMetrics: [
        {
          Namespace: 'AuthApi',
          Dimensions: [Object.keys(dimensions)],
          Metrics: Object.keys(metrics).map((Name) => ({ Name, Unit: units[Name] ?? 'Count' })),
        },
      ],
    },
    ...dimensions,
    ...metrics,
  });

const record = (overrides: Partial<RequestRecord> = {}): RequestRecord => ({
  requestId: 'req-1',
  startedAt: Date.UTC(2026, 0, 31, 12),
  method: 'GET',
  path: '/me',
  status: 200,
  durationMs: 42.4,
  sourceIp: '127.0.0.1',
  resourcePath: '/me',
  functionKey: 'me',
  coldStart: true,
  initDurationMs: 180,
  authorizer: { functionKey: 'authorizer', invoked: false, cached: true, result: 'allowed' },
  logs: [
    {
      functionKey: 'me',
      stream: 'stdout',
      text: JSON.stringify({
        level: 'INFO',
        message: 'user read',
        service: 'auth-api-local',
        timestamp: 'x',
        cold_start: true,
        operation: 'me',
        outcome: 'found',
      }),
    },
    {
      functionKey: 'me',
      stream: 'stdout',
      text: emf({ ColdStart: 1 }, { service: 'auth-api-local', function_name: 'me' }),
    },
    {
      functionKey: 'me',
      stream: 'stdout',
      text: emf(
        { DbConnections: 1, DbLatency: [2, 3] },
        { service: 'auth-api-local', state: 'new' },
        { DbLatency: 'Milliseconds' },
      ),
    },
    { functionKey: 'me', stream: 'stderr', text: 'plain text warning' },
  ],
  ...overrides,
});

describe('the pretty request log', () => {
  it('shows method, path, status, duration, function, cold start and authorizer cache on one line', () => {
    const [first] = formatPretty(record(), false).split('\n');

    expect(first).toBe('GET /me  200  42 ms  me cold, init 180 ms  authorizer cached');
  });

  it('says warm, and how the authorizer ran when it was invoked', () => {
    const [first] = formatPretty(
      record({
        coldStart: false,
        authorizer: {
          functionKey: 'authorizer',
          invoked: true,
          cached: false,
          coldStart: true,
          durationMs: 3.2,
          result: 'allowed',
        },
      }),
      false,
    ).split('\n');

    expect(first).toBe('GET /me  200  42 ms  me warm  authorizer invoked cold 3.2 ms');
  });

  it('lists the function’s log lines readably under the request, leaving out the fields every line has', () => {
    const lines = formatPretty(record(), false).split('\n');

    expect(lines).toContain('  INFO  user read  operation=me outcome=found');
    expect(lines).toContain('  plain text warning');
    expect(lines.join('\n')).not.toContain('_aws');
  });

  it('ends with a compact line of the metrics from the EMF output', () => {
    const lines = formatPretty(record(), false).split('\n');

    expect(lines.at(-1)).toBe('  metrics ColdStart=1 DbConnections{state=new}=1 DbLatency{state=new}=5ms');
  });

  it('says why the gateway answered by itself', () => {
    const lines = formatPretty(
      record({
        status: 502,
        gatewayError: { type: 'LAMBDA_ERROR', reason: 'Sandbox.Timedout: Task timed out after 6.00 seconds' },
      }),
      false,
    ).split('\n');

    expect(lines[1]).toBe('  ! LAMBDA_ERROR: Sandbox.Timedout: Task timed out after 6.00 seconds');
  });

  it('colors only when asked to', () => {
    expect(formatPretty(record(), true)).toContain('\x1b[');
    expect(formatPretty(record(), false)).not.toContain('\x1b[');
  });

  it('groups the metrics by function when the authorizer ran too', () => {
    const logs = [
      ...record().logs,
      {
        functionKey: 'authorizer',
        stream: 'stdout' as const,
        text: emf({ AuthorizerAllowed: 1 }, { service: 'auth-api-local' }),
      },
    ];

    expect(formatPretty(record({ logs }), false).split('\n').at(-1)).toBe(
      '  metrics [me] ColdStart=1 DbConnections{state=new}=1 DbLatency{state=new}=5ms  [authorizer] AuthorizerAllowed=1',
    );
  });

  it('prefixes lines with their function when the authorizer logged too', () => {
    const logs = [
      ...record().logs,
      {
        functionKey: 'authorizer',
        stream: 'stdout' as const,
        text: JSON.stringify({ level: 'INFO', message: 'token accepted' }),
      },
    ];

    expect(formatPretty(record({ logs }), false)).toContain('  [authorizer] INFO  token accepted');
  });

  it('prints a line written outside any request with its function', () => {
    expect(
      formatStrayLine(
        { functionKey: 'login', stream: 'stdout', text: '{"level":"WARN","message":"late"}' },
        'pretty',
        false,
      ),
    ).toBe('[login] WARN  late');
  });
});

describe('the JSON request log', () => {
  it('prints the function lines untouched, then one access-log line', () => {
    const lines = formatJson(record()).split('\n');

    expect(lines.slice(0, 4)).toEqual(record().logs.map((l) => l.text));
    expect(JSON.parse(lines[4]!)).toEqual({
      type: 'access',
      timestamp: '2026-01-31T12:00:00.000Z',
      requestId: 'req-1',
      sourceIp: '127.0.0.1',
      method: 'GET',
      path: '/me',
      resourcePath: '/me',
      status: 200,
      durationMs: 42.4,
      functionKey: 'me',
      coldStart: true,
      initDurationMs: 180,
      authorizer: { functionKey: 'authorizer', invoked: false, cached: true, result: 'allowed' },
    });
  });
});

const invocation = (overrides: Partial<InvocationRecord> = {}): InvocationRecord => ({
  requestId: 'lambda-req-1',
  functionKey: 'forgotPassword',
  invocationType: 'Event',
  startedAt: Date.UTC(2026, 0, 31, 12),
  queuedMs: 0.2,
  coldStart: false,
  durationMs: 12.3,
  outcome: 'success',
  logs: [
    {
      functionKey: 'forgotPassword',
      stream: 'stdout',
      text: JSON.stringify({ level: 'INFO', message: 'job completed', job_kind: 'sendNote', outcome: 'completed' }),
    },
    {
      functionKey: 'forgotPassword',
      stream: 'stdout',
      text: emf({ JobFailed: 1 }, { service: 's', reason: 'failed' }),
    },
  ],
  ...overrides,
});

describe('the log of an invocation through the local Lambda API', () => {
  it('gives an asynchronous invocation a line of its own: function, outcome, duration, then its logs and metrics', () => {
    expect(formatInvocationPretty(invocation(), false).split('\n')).toEqual([
      'λ async forgotPassword  ok  12 ms  warm',
      '  INFO  job completed  job_kind=sendNote outcome=completed',
      '  metrics JobFailed{reason=failed}=1',
    ]);
  });

  it('says when it failed and why, when it started cold and how long it waited for an instance', () => {
    const lines = formatInvocationPretty(
      invocation({
        invocationType: 'RequestResponse',
        outcome: 'error',
        error: { type: 'Sandbox.Timedout', message: 'Task timed out after 6.00 seconds' },
        coldStart: true,
        initDurationMs: 210,
        queuedMs: 35,
        logs: [],
      }),
      false,
    ).split('\n');

    expect(lines).toEqual([
      'λ sync forgotPassword  error  12 ms  cold, init 210 ms  waited 35 ms for an instance',
      '  ! Sandbox.Timedout: Task timed out after 6.00 seconds',
    ]);
  });

  it('prints the function lines untouched then one JSON line, with LOG_FORMAT=json', () => {
    const lines = formatInvocationJson(invocation()).split('\n');

    expect(lines.slice(0, 2)).toEqual(invocation().logs.map((l) => l.text));
    expect(JSON.parse(lines[2]!)).toEqual({
      type: 'invocation',
      timestamp: '2026-01-31T12:00:00.000Z',
      requestId: 'lambda-req-1',
      functionKey: 'forgotPassword',
      invocationType: 'Event',
      outcome: 'success',
      durationMs: 12.3,
      queuedMs: 0.2,
      coldStart: false,
    });
  });
});

describe('EMF parsing', () => {
  it('reads every metric of every directive with its dimensions, summing value lists', () => {
    expect(parseEmfLine(emf({ A: [1, 2], B: 3 }, { service: 's', outcome: 'ok' }))).toEqual([
      { namespace: 'AuthApi', name: 'A', unit: 'Count', value: 3, dimensions: { service: 's', outcome: 'ok' } },
      { namespace: 'AuthApi', name: 'B', unit: 'Count', value: 3, dimensions: { service: 's', outcome: 'ok' } },
    ]);
  });

  it('ignores lines that are not EMF', () => {
    expect(parseEmfLine('{"_aws": "not metrics"}')).toBeUndefined();
    expect(parseEmfLine('{"level":"INFO"}')).toBeUndefined();
    expect(parseEmfLine('"_aws" {broken')).toBeUndefined();
  });

  it('summarizes without the dimensions every metric carries', () => {
    expect(summarizeMetrics(metricsOf(record()))).toBe(
      'ColdStart=1 DbConnections{state=new}=1 DbLatency{state=new}=5ms',
    );
  });
});

describe('what the gateway logs', () => {
  it('never prints the Authorization header or the request body', async () => {
    const f = await startFixtureGateway();
    try {
      const secret = token('allow', 'do-not-print');
      await f.call('/private', { headers: { Authorization: secret } });
      await f.call('/echo', { method: 'POST', body: '{"password":"correct-horse-battery-staple"}' });

      const printed = f.records.map((r) => `${formatPretty(r, false)}\n${formatJson(r)}`).join('\n');

      expect(f.records).toHaveLength(2);
      expect(printed).not.toContain('do-not-print');
      expect(printed).not.toContain('correct-horse');
      expect(printed).toContain('metrics Echoed{outcome=ok}=1');
    } finally {
      await f.gateway.close();
    }
  });
});
