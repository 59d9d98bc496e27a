import type { RequestRecord } from '../../local/gateway';
import { EmailLog, formatEmail, formatJson, formatPretty } from '../../local/dev';
import type { OutboxEmail } from '../../local/outbox';

const record = (requestId: string): RequestRecord => ({
  requestId,
  startedAt: Date.UTC(2026, 0, 31, 12),
  method: 'POST',
  path: '/password/forgot',
  status: 202,
  durationMs: 12.3,
  sourceIp: '127.0.0.1',
  functionKey: 'forgotPassword',
  coldStart: false,
  logs: [],
});

let nextId = 1;
const email = (requestId: string | undefined, to = 'ada@example.com'): OutboxEmail => ({
  id: nextId++,
  from: 'no-reply@auth-api.localhost',
  to,
  subject: 'Reset your password',
  text: 'the text part',
  html: '<p>the HTML part</p>',
  link: 'http://localhost:3000/reset-password?token=abc%2B1',
  sentAt: '2026-01-31T12:00:00.000Z',
  ...(requestId === undefined ? {} : { requestId }),
});

describe('the email log of make dev', () => {
  it('holds an email until its request is printed, then gives it to that request alone', () => {
    const alone: OutboxEmail[] = [];
    const log = new EmailLog((e) => alone.push(e));
    const sent = email('req-1');

    log.received(sent);

    expect(log.takeFor('req-2')).toEqual([]);
    expect(log.takeFor('req-1')).toEqual([sent]);
    expect(log.takeFor('req-1')).toEqual([]);
    expect(alone).toEqual([]);
  });

  it('prints on its own an email that comes after its request was printed, or outside any request', () => {
    const alone: OutboxEmail[] = [];
    const log = new EmailLog((e) => alone.push(e));
    log.takeFor('req-1');
    const late = email('req-1');
    const outside = email(undefined);

    log.received(late);
    log.received(outside);

    expect(alone).toEqual([late, outside]);
  });

  it('does not hold emails forever for requests the gateway never reports', () => {
    const alone: OutboxEmail[] = [];
    const log = new EmailLog((e) => alone.push(e));

    for (let i = 0; i <= 1000; i += 1) log.received(email(`never-${i}`));

    expect(alone.map((e) => e.requestId)).toEqual(['never-0']);
  });
});

describe('the request log lines of an email', () => {
  it('puts recipient, subject and link under the request line, never the body', () => {
    const text = formatPretty(record('req-1'), false, [email('req-1')]);

    expect(text.split('\n')).toEqual([
      'POST /password/forgot  202  12 ms  forgotPassword warm',
      '  ✉ email to ada@example.com  "Reset your password"',
      '    http://localhost:3000/reset-password?token=abc%2B1',
    ]);
    expect(text).not.toContain('the text part');
  });

  it('quotes a value that would put a control character on the terminal', () => {
    const text = formatPretty(record('req-1'), false, [
      { ...email('req-1', 'ada@example.com\u001b[2J'), link: 'http://x/\r\nfake line' },
    ]);

    expect([...text].filter((char) => char === '\u001b' || char === '\r')).toEqual([]);
    expect(text).toContain('"ada@example.com\\u001b[2J"');
    expect(text).toContain('"http://x/\\r\\nfake line"');
  });

  it('writes one JSON line per email before the access line with LOG_FORMAT=json', () => {
    const lines = formatJson(record('req-1'), [email('req-1')])
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

    expect(lines).toEqual([
      {
        type: 'email',
        timestamp: '2026-01-31T12:00:00.000Z',
        requestId: 'req-1',
        to: 'ada@example.com',
        subject: 'Reset your password',
        link: 'http://localhost:3000/reset-password?token=abc%2B1',
      },
      expect.objectContaining({ type: 'access', requestId: 'req-1' }),
    ]);
  });

  it('says which request an email printed on its own came from', () => {
    expect(formatEmail(email('req-9'), 'pretty', false).split('\n')[0]).toBe('email sent by request req-9:');
    expect(formatEmail(email(undefined), 'pretty', false).split('\n')[0]).toBe('email sent outside a request:');
    expect(JSON.parse(formatEmail(email('req-9'), 'json', false))).toMatchObject({ type: 'email', requestId: 'req-9' });
  });
});
