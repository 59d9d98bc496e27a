import { request } from 'node:http';

/**
 * A request sent from a chosen local address, answered as a fetch Response (so the contract checks
 * read it as they read fetch's). fetch cannot choose the address it connects from; node:http can.
 * Takes a string body or none, as the tests send.
 */
export function requestFrom(localAddress: string, url: string, init: RequestInit = {}): Promise<Response> {
  if (init.body !== undefined && init.body !== null && typeof init.body !== 'string')
    throw new TypeError('requestFrom sends string bodies only');
  const body = init.body ?? undefined;
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: init.method ?? 'GET',
        headers,
        localAddress,
        // A connection of its own, closed after the answer: nothing kept alive outlives the test.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const received = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
            received.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          const content = Buffer.concat(chunks);
          resolve(
            new Response(content.length > 0 ? content : null, {
              status: res.statusCode,
              statusText: res.statusMessage,
              headers: received,
            }),
          );
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
