/**
 * The local outbox through the real local gateway: a function that sends (bundled from
 * test/email/fixtures/send-email.ts, sending as an endpoint does) hands its email to the outbox,
 * which serves it at /_local/emails and /_local/outbox, and `make dev`'s request log prints it
 * under the request's line. And the outbox never crashes on odd input.
 */
import { connect } from 'node:net';
import { startGateway } from '../../local/gateway';
import type { Gateway, RequestRecord } from '../../local/gateway';
import { EmailLog, formatPretty } from '../../local/dev';
import { MAX_SUBMISSION_BYTES, startOutbox } from '../../local/outbox';
import type { Outbox, OutboxEmail } from '../../local/outbox';
import { fixtureDefinition, ManualClock } from '../gateway/support';
import { bundleSendEmailFixture } from './support';

const clock = new ManualClock();
let outbox: Outbox;
let gateway: Gateway;
let removeBundle: () => void;
const records: RequestRecord[] = [];
const printed: string[] = [];
const alone: OutboxEmail[] = [];
const emailLog = new EmailLog((email) => alone.push(email));

beforeAll(async () => {
  const bundle = await bundleSendEmailFixture();
  removeBundle = bundle.remove;
  outbox = await startOutbox({ onEmail: (email) => emailLog.received(email), now: clock.now });
  gateway = await startGateway({
    definition: fixtureDefinition(),
    // POST /echo is the fixture API's `submit` operation: here it sends an email.
    resolveFunction: (key) => ({
      key,
      entry: bundle.entry,
      timeoutMs: 10_000,
      environment: {
        EMAIL_TRANSPORT: 'local',
        EMAIL_FROM: 'no-reply@auth-api.localhost',
        EMAIL_OUTBOX_URL: outbox.url,
        APP_URL: 'http://localhost:5173',
        POWERTOOLS_SERVICE_NAME: 'auth-api-test',
        POWERTOOLS_METRICS_NAMESPACE: 'AuthApi',
      },
    }),
    docs: true,
    localRoutes: [outbox.routes],
    onRequest: (record) => {
      records.push(record);
      printed.push(formatPretty(record, false, emailLog.takeFor(record.requestId)));
    },
  });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await outbox?.close();
  removeBundle?.();
});

const call = (path: string, init?: RequestInit) => fetch(`${gateway.url}${path}`, init);

async function send(kind: string, name: string, email: string, token: string): Promise<Response> {
  return call('/echo', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind, name, email, token }),
  });
}

describe('an email a function sends locally', () => {
  it('reaches the outbox, which serves it at /_local/emails, newest first, and prints it under its request line', async () => {
    const first = await send('verify-email', 'Ada Lovelace', 'ada@example.com', 'verify/token+1');
    clock.advance(1000);
    const second = await send('reset-password', 'Grace Hopper', 'grace@example.com', 'reset-token-2');

    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ sent: true });
    expect(second.status).toBe(202);
    const response = await call('/_local/emails');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const emails = (await response.json()) as OutboxEmail[];
    expect(emails.map((e) => e.to)).toEqual(['grace@example.com', 'ada@example.com']);
    expect(emails[1]).toEqual({
      id: expect.any(Number),
      from: 'no-reply@auth-api.localhost',
      to: 'ada@example.com',
      subject: 'Verify your email address',
      text: expect.stringContaining('http://localhost:5173/verify-email?token=verify%2Ftoken%2B1'),
      html: expect.stringContaining('href="http://localhost:5173/verify-email?token=verify%2Ftoken%2B1"'),
      link: 'http://localhost:5173/verify-email?token=verify%2Ftoken%2B1',
      sentAt: new Date(clock.now() - 1000).toISOString(),
      requestId: records.find((r) => r.path === '/echo')!.requestId,
    });
    expect(emails[0]!.sentAt).toBe(new Date(clock.now()).toISOString());

    const requestLog = printed.filter((text) => text.startsWith('POST /echo'));
    expect(requestLog).toHaveLength(2);
    expect(requestLog[0]!.split('\n').slice(-3, -1)).toEqual([
      '  ✉ email to ada@example.com  "Verify your email address"',
      '    http://localhost:5173/verify-email?token=verify%2Ftoken%2B1',
    ]);
    expect(requestLog[1]).toContain('✉ email to grace@example.com  "Reset your password"');
    expect(alone).toEqual([]);
  });

  it('is shown on /_local/outbox with every value escaped and its HTML part in a sandboxed frame', async () => {
    await send('reset-password', '<img src=x onerror=alert(1)> "Mallory"', 'mallory@example.com', '<script>');

    const response = await call('/_local/outbox');
    const page = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page).toContain('<h2>Reset your password</h2>');
    expect(page).toContain('<dd>mallory@example.com</dd>');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<script>');
    // The frame's document is the email's HTML, itself escaped once more as an attribute value.
    expect(page).toContain('&amp;lt;img src=x onerror=alert(1)&amp;gt; &amp;quot;Mallory&amp;quot;');
    expect(page).toMatch(/<iframe sandbox="" title="HTML part of email \d+" srcdoc="&lt;!doctype html&gt;/);
    expect(page).toContain(
      '<a href="http://localhost:5173/reset-password?token=%3Cscript%3E" rel="noreferrer">http://localhost:5173/reset-password?token=%3Cscript%3E</a>',
    );
    expect(page).toMatch(/<title>Local outbox \(\d+ emails\)<\/title>/);
  });

  it('reports a send the outbox refuses as not sent, and the request still answers', async () => {
    const response = await send('verify-email', 'Eve', 'eve@example.com\r\nBcc: all@example.com', 'token');

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ sent: false, failure: 'rejected' });
    expect(outbox.emails().some((email) => email.to.startsWith('eve@'))).toBe(false);
  });
});

describe('the /_local routes on the gateway', () => {
  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('answer %s with a 405 problem naming GET', async (method) => {
    for (const path of ['/_local/emails', '/_local/outbox']) {
      const response = await call(path, { method, body: method === 'DELETE' ? undefined : '{}' });

      expect({ path, status: response.status, allow: response.headers.get('allow') }).toEqual({
        path,
        status: 405,
        allow: 'GET, HEAD',
      });
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 405, title: 'Method not allowed' });
    }
  });

  it('answer HEAD and a trailing slash, ignore a query, and leave other /_local paths to the gateway', async () => {
    expect((await call('/_local/emails', { method: 'HEAD' })).status).toBe(200);
    expect((await call('/_local/outbox/')).status).toBe(200);
    expect((await call('/_local/emails?limit=%ZZ&x[]=1')).status).toBe(200);
    for (const path of [
      '/_local',
      '/_local/',
      '/_local/emails/1',
      '/_local/emails%00',
      '/_local/..%2femails',
      '/_LOCAL/emails',
    ]) {
      const response = await call(path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      await response.arrayBuffer();
    }
  });

  it('keep serving after odd requests', async () => {
    await call('/_local/outbox', { method: 'OPTIONS' });
    await call(`/_local/emails?${'q='.repeat(2000)}`);

    expect((await call('/_local/emails')).status).toBe(200);
  });
});

describe('the outbox receiver', () => {
  const post = (body: BodyInit, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    fetch(outbox.url, { method: 'POST', headers, body });
  const valid = {
    from: 'no-reply@auth-api.localhost',
    to: 'ada@example.com',
    subject: 'Verify your email address',
    text: 'text',
    html: '<p>html</p>',
    link: 'http://localhost:5173/verify-email?token=t',
  };

  it('listens on loopback only', () => {
    expect(outbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/emails$/);
  });

  it.each([
    ['malformed JSON', () => post('{"to":'), 400],
    ['an array', () => post('[]'), 400],
    ['a missing field', () => post(JSON.stringify({ ...valid, link: undefined })), 400],
    ['an empty field', () => post(JSON.stringify({ ...valid, subject: '' })), 400],
    ['a field that is not a string', () => post(JSON.stringify({ ...valid, to: ['a@example.com'] })), 400],
    ['an unknown field', () => post(JSON.stringify({ ...valid, bcc: 'all@example.com' })), 400],
    ['a request id that is not one', () => post(JSON.stringify({ ...valid, requestId: 'x\ny' })), 400],
    ['another media type', () => post(JSON.stringify(valid), { 'Content-Type': 'text/plain' }), 415],
    ['no media type', () => post(JSON.stringify(valid), {}), 415],
    ['a body over the limit', () => post(JSON.stringify({ ...valid, text: 'x'.repeat(MAX_SUBMISSION_BYTES) })), 413],
    ['GET', () => fetch(outbox.url), 405],
    ['another path', () => fetch(outbox.url.replace('/emails', '/other'), { method: 'POST', body: '{}' }), 404],
  ])('refuses %s with a problem, keeping nothing', async (_what, request, status) => {
    const before = outbox.emails().length;

    const response = await request();

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ type: 'about:blank', status });
    expect(outbox.emails()).toHaveLength(before);
  });

  it('answers a request line Node cannot parse with a 400 and keeps receiving', async () => {
    const port = Number(new URL(outbox.url).port);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });

    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect((await post(JSON.stringify(valid))).status).toBe(202);
  });

  it('prints an email sent outside any request on its own', async () => {
    alone.length = 0;

    await post(JSON.stringify({ ...valid, to: 'alone@example.com' }));

    expect(alone.map((email) => email.to)).toEqual(['alone@example.com']);
  });
});
