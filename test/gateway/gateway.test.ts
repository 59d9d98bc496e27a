import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import type { FixtureGateway } from './support';
import { startFixtureGateway } from './support';
import { MAX_DISCARDED_BYTES, MAX_REQUEST_BODY_BYTES, MAX_REQUEST_HEAD_BYTES } from '../../local/gateway';

/**
 * Sends a body of `size` bytes with a plain HTTP client, which reads the answer even while still
 * sending; chunked, the size is not announced and the gateway finds out while reading.
 */
function postLargeBody(url: string, size: number, chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = chunked
      ? { 'Content-Type': 'application/json' }
      : { 'Content-Type': 'application/json', 'Content-Length': size };
    const req = request(`${url}/echo`, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // The gateway answers early and reads the rest, so sending the whole body never fails.
    req.on('error', reject);
    if (chunked) {
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      for (let sent = 0; sent < size; sent += chunk.length)
        req.write(chunk.subarray(0, Math.min(chunk.length, size - sent)));
      req.end();
    } else {
      req.end(Buffer.alloc(size, 'a'));
    }
  });
}

interface FetchPlan {
  /** A body of this many bytes (POST), sent chunked (a stream, no Content-Length) or not. */
  body?: { size: number; chunked: boolean };
  /** A header of this many bytes. */
  headerSize?: number;
}

/**
 * Sends the same request `times` times with Node's fetch from another process, as a real client is,
 * so its reads and the gateway's writes interleave as they would over a network. Resolves with each
 * outcome: the status and the problem's type, or the error fetch gave.
 */
async function fetchFromAnotherProcess(url: string, times: number, plan: FetchPlan): Promise<string[]> {
  const client = `
    const [url, times, plan] = [process.argv[1], Number(process.argv[2]), JSON.parse(process.argv[3])];
    const body = () => {
      if (!plan.body.chunked) return Buffer.alloc(plan.body.size, 'a');
      const chunk = new Uint8Array(64 * 1024).fill(97);
      let sent = 0;
      return new ReadableStream({ pull(controller) {
        if (sent >= plan.body.size) return controller.close();
        const n = Math.min(chunk.length, plan.body.size - sent);
        sent += n;
        controller.enqueue(chunk.subarray(0, n));
      } });
    };
    (async () => {
      const outcomes = [];
      for (let i = 0; i < times; i++) {
        const init = { headers: plan.headerSize ? { 'X-Padding': 'a'.repeat(plan.headerSize) } : {} };
        if (plan.body) Object.assign(init, { method: 'POST', body: body(), duplex: 'half' });
        try {
          const response = await fetch(url, init);
          outcomes.push(response.status + ' ' + (await response.json()).type);
        } catch (error) {
          outcomes.push('failed: ' + (error.cause?.code ?? error.cause?.message ?? error.message));
        }
      }
      process.stdout.write(JSON.stringify(outcomes));
    })();
  `;
  const { stdout } = await promisify(execFile)(process.execPath, [
    '-e',
    client,
    url,
    String(times),
    JSON.stringify(plan),
  ]);
  return JSON.parse(stdout) as string[];
}

/** Sends raw bytes, for requests no well-behaved client would make; resolves with the whole answer. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => (out += chunk));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    socket.write(Buffer.from(text, 'latin1'));
  });
}

/** Sends raw bytes; resolves with the status line. */
async function rawRequest(port: number, text: string): Promise<string> {
  return (await rawExchange(port, text)).split('\r\n')[0] ?? '';
}

/**
 * A GET whose request line and header names and values (what API Gateway's 10,240-byte limit
 * counts) add up to exactly `size` bytes.
 */
function requestOfHeadSize(size: number): string {
  const line = 'GET /echo HTTP/1.1';
  const fixed = line.length + 'Host'.length + 'test'.length + 'Connection'.length + 'close'.length + 'X-Padding'.length;
  return `${line}\r\nHost: test\r\nConnection: close\r\nX-Padding: ${'a'.repeat(size - fixed)}\r\n\r\n`;
}

describe('the local API Gateway', () => {
  let f: FixtureGateway;
  beforeAll(async () => {
    f = await startFixtureGateway();
  });
  afterAll(() => f.gateway.close());

  it('answers an unknown path with the MISSING_AUTHENTICATION_TOKEN gateway response of the definition', async () => {
    const response = await f.call('/no/such/route');

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      type: 'urn:auth-api:problem:not-found',
      title: 'Not found',
      status: 404,
      detail: 'No such route',
      requestId: response.headers.get('x-amzn-requestid'),
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });

  it.each([
    ['an unknown route', '/no/such/route', {}, 404],
    ['a missing token', '/private', {}, 401],
    ['a denied token', '/private', { Authorization: 'Bearer deny.x.sig' }, 403],
    ['a failing authorizer', '/private', { Authorization: 'Bearer throws.x.sig' }, 500],
    ['a failing function', '/throws', {}, 502],
  ])(
    'sends the headers of the definition with its answer to %s: no caching, no sniffing, the Bearer challenge on 401',
    async (_what, path, headers, status) => {
      const response = await f.call(path, { headers });

      expect(response.status).toBe(status);
      expect({
        type: response.headers.get('content-type'),
        cache: response.headers.get('cache-control'),
        sniff: response.headers.get('x-content-type-options'),
        challenge: response.headers.get('www-authenticate'),
        requestId: response.headers.get('x-amzn-requestid'),
      }).toEqual({
        type: 'application/problem+json',
        cache: 'no-store',
        sniff: 'nosniff',
        challenge: status === 401 ? 'Bearer' : null,
        requestId: ((await response.json()) as { requestId: string }).requestId,
      });
    },
  );

  it('answers a known path with an unknown method the same way, as API Gateway does', async () => {
    const response = await f.call('/echo', { method: 'DELETE' });

    expect(response.status).toBe(404);
    expect(f.lastRecord('/echo').gatewayError).toEqual({
      type: 'MISSING_AUTHENTICATION_TOKEN',
      reason: '/echo has no DELETE method',
    });
  });

  it('answers the CORS preflight from the mock integration without invoking a function', async () => {
    const response = await f.call('/echo', {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' },
    });

    expect(response.status).toBe(204);
    const cors: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (name.startsWith('access-control') || name === 'vary') cors[name] = value;
    });
    expect(cors).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET,POST,OPTIONS',
      'access-control-allow-headers': 'Authorization,Content-Type',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(f.lastRecord('/echo').functionKey).toBeUndefined();
  });

  it.each([
    ['announced in Content-Length', false],
    ['sent in chunks', true],
  ])('answers 413 to a body over 10 MB %s, without invoking the function', async (_how, chunked) => {
    const response = await postLargeBody(f.gateway.url, MAX_REQUEST_BODY_BYTES + 1, chunked);

    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({
      type: 'urn:auth-api:problem:payload-too-large',
      status: 413,
      detail: 'Request Too Long',
    });
    expect(f.lastRecord('/echo')).toMatchObject({ status: 413, gatewayError: { type: 'REQUEST_TOO_LARGE' } });
    expect(f.lastRecord('/echo').functionKey).toBeUndefined();
  });

  it.each([
    ['announced in Content-Length', false],
    ['sent in chunks', true],
  ])(
    'delivers the 413 to fetch every time for an 11 MB body %s, reading the rest of the body instead of resetting the connection',
    async (_how, chunked) => {
      const outcomes = await fetchFromAnotherProcess(`${f.gateway.url}/echo`, 20, {
        body: { size: 11 * 1024 * 1024, chunked },
      });

      expect(outcomes).toEqual(Array.from({ length: 20 }, () => '413 urn:auth-api:problem:payload-too-large'));
    },
  );

  it('answers an endless upload with 413 and closes the connection once it has thrown away MAX_DISCARDED_BYTES', async () => {
    const { answer, sent } = await new Promise<{ answer: string; sent: number }>((resolve) => {
      const socket = connect(f.gateway.port, '127.0.0.1');
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      const framed = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
      let answer = '';
      let sent = 0;
      let closed = false;
      const send = () => {
        let more = true;
        while (!closed && more) {
          more = socket.write(framed);
          sent += chunk.length;
        }
      };
      socket.setEncoding('latin1').on('data', (text: string) => (answer += text));
      socket.on('end', () => {
        closed = true;
        socket.end();
      });
      socket.on('drain', send);
      socket.on('error', () => (closed = true));
      socket.on('close', () => resolve({ answer, sent }));
      socket.write('POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n');
      send();
    });

    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    expect(sent).toBeGreaterThan(MAX_REQUEST_BODY_BYTES + MAX_DISCARDED_BYTES);
    expect((await f.call('/echo')).status).toBe(200);
  });

  it('lets a request line and headers of exactly 10,240 bytes through, as API Gateway does', async () => {
    const answer = await rawExchange(f.gateway.port, requestOfHeadSize(MAX_REQUEST_HEAD_BYTES));

    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
  });

  it('answers 431 to a request line and headers of 10,241 bytes, without invoking the function', async () => {
    const answer = await rawExchange(f.gateway.port, requestOfHeadSize(MAX_REQUEST_HEAD_BYTES + 1));

    const [head, body] = answer.split('\r\n\r\n');
    expect(head!.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(head).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/i);
    const requestId = /\r\nx-amzn-RequestId: ([0-9a-f-]+)\r\n/i.exec(head!)?.[1];
    expect(JSON.parse(body!)).toEqual({
      type: 'about:blank',
      title: 'Request Header Fields Too Large',
      status: 431,
      detail: 'The request line and headers must be at most 10240 bytes',
      requestId,
    });
    expect(f.lastRecord('/echo')).toMatchObject({ status: 431, gatewayError: { type: 'REQUEST_HEADERS_TOO_LARGE' } });
    expect(f.lastRecord('/echo').functionKey).toBeUndefined();
  });

  it.each([
    ['12 KB, which Node parses', 12 * 1024],
    ["20 KB, past Node's own 16 KB limit", 20 * 1024],
    ['4 MB', 4 * 1024 * 1024],
  ])(
    'delivers the same 431 problem to fetch every time for headers of %s, never a reset connection',
    async (_what, headerSize) => {
      const outcomes = await fetchFromAnotherProcess(`${f.gateway.url}/echo`, 10, { headerSize });

      expect(outcomes).toEqual(Array.from({ length: 10 }, () => '431 about:blank'));
    },
  );

  it('answers oversized headers with the headers of every gateway answer', async () => {
    for (const size of [12 * 1024, 20 * 1024]) {
      const response = await f.call('/echo', { headers: { 'X-Padding': 'a'.repeat(size) } });

      expect(response.status).toBe(431);
      expect({
        type: response.headers.get('content-type'),
        origin: response.headers.get('access-control-allow-origin'),
        cache: response.headers.get('cache-control'),
        sniff: response.headers.get('x-content-type-options'),
        requestId: response.headers.get('x-amzn-requestid'),
      }).toEqual({
        type: 'application/problem+json',
        origin: '*',
        cache: 'no-store',
        sniff: 'nosniff',
        requestId: ((await response.json()) as { requestId: string }).requestId,
      });
    }
    expect((await f.call('/echo')).status).toBe(200);
  });

  it.each([
    [
      'a path parameter with a broken escape',
      'GET /items/%ZZ HTTP/1.1\r\nAuthorization: Bearer allow.raw.sig\r\n',
      'HTTP/1.1 200 OK',
    ],
    ['an absolute-form target', 'GET http://elsewhere.example/echo?x=%ZZ HTTP/1.1\r\n', 'HTTP/1.1 200 OK'],
    ['a Latin-1 header value', 'GET /echo HTTP/1.1\r\nX-Name: caf\xe9\r\n', 'HTTP/1.1 200 OK'],
    ['a body that is not UTF-8', 'POST /echo HTTP/1.1\r\nContent-Length: 4\r\n\r\n\xff\xfe\x00a', 'HTTP/1.1 200 OK'],
    ['the asterisk target', 'OPTIONS * HTTP/1.1\r\n', 'HTTP/1.1 404 Not Found'],
    ['a request line that is not HTTP', 'HELLO\r\n', 'HTTP/1.1 400 Bad Request'],
  ])('answers %s without failing', async (_what, head, statusLine) => {
    const text = head.includes('\r\n\r\n')
      ? head.replace('\r\n\r\n', '\r\nHost: test\r\nConnection: close\r\n\r\n')
      : `${head}Host: test\r\nConnection: close\r\n\r\n`;

    expect(await rawRequest(f.gateway.port, text)).toBe(statusLine);
    expect((await f.call('/echo')).status).toBe(200);
  });

  it('keeps serving after a client gives up mid-request', async () => {
    await new Promise<void>((resolve) => {
      const req = request(`${f.gateway.url}/echo`, { method: 'POST', headers: { 'Content-Length': 1000 } });
      req.on('error', () => resolve());
      req.write('partial', () => {
        req.destroy();
        resolve();
      });
    });

    const response = await f.call('/echo');

    expect(response.status).toBe(200);
  });

  it('serves the API reference at /docs with its assets, without calling out to the internet', async () => {
    const page = await f.call('/docs');
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    const responses = await Promise.all(assets.map((asset) => f.call(asset)));

    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(assets).toEqual(
      expect.arrayContaining(['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/docs.js']),
    );
    expect(assets.every((asset) => asset.startsWith('/docs/'))).toBe(true);
    expect(responses.map((r) => r.status)).toEqual(assets.map(() => 200));
    expect(await (await f.call('/docs/docs.js')).text()).toContain('validatorUrl: null');
  });

  it('serves the consumer spec at /openapi.json with the local gateway as its server and no API Gateway extensions', async () => {
    const response = await f.call('/openapi.json');
    const text = await response.text();
    const spec = JSON.parse(text) as { servers: Array<{ url: string }>; paths: Record<string, unknown> };

    expect(spec.servers).toEqual([{ url: f.gateway.url, description: 'Local gateway (make dev)' }]);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/register', '/login', '/me', '/users']));
    expect(text).not.toContain('x-amazon-apigateway');
  });
});

describe('CORS settings', () => {
  it('answers the preflight and gateway responses with the configured origin', async () => {
    const f = await startFixtureGateway({ corsAllowOrigin: 'https://app.example.com' });
    try {
      const preflight = await f.call('/private', { method: 'OPTIONS' });
      const refused = await f.call('/private');

      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,OPTIONS');
      expect(refused.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    } finally {
      await f.gateway.close();
    }
  });
});

describe('shutting down', () => {
  it('closes the server and ends every function instance', async () => {
    const f = await startFixtureGateway({ maxInstances: 2 });
    await Promise.all([f.call('/slow?ms=100'), f.call('/slow?ms=100'), f.call('/echo')]);
    const pids = f.gateway.pids();
    expect(pids).toHaveLength(3);

    await f.gateway.close();

    expect(f.gateway.pids()).toEqual([]);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    await expect(f.call('/echo')).rejects.toThrow();
  });

  it('answers a request still running at shutdown instead of leaving it hanging', async () => {
    const f = await startFixtureGateway();
    await f.call('/slow');
    const inFlight = f.call('/slow?ms=20000');
    while (f.gateway.activeRequests() === 0) await new Promise((resolve) => setTimeout(resolve, 10));

    await f.gateway.close();

    expect((await inFlight).status).toBe(502);
    // Ended mid-invocation, or refused if shutdown came before the invocation reached its instance.
    expect(f.lastRecord('/slow').gatewayError?.reason).toMatch(/^Runtime\.(ExitError|Shutdown): /);
  });
});
