/**
 * A stand-in for Have I Been Pwned's range API (`GET /range/<5 hex>`) on 127.0.0.1, so the
 * breached-password check is tested without the internet: up, slow, or answering with an error.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The one password the stand-in lists as breached. */
export const BREACHED_PASSWORD = 'breached-by-the-stand-in';
/** A password whose suffix the stand-in answers only as padding, with a count of 0. */
export const PADDED_PASSWORD = 'padded-by-the-stand-in';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex').toUpperCase();

/** Starts nothing until `listen`; answers as `setMode` says. */
export function pwnedStandIn() {
  let mode: 'up' | 'slow' | 'error' = 'up';
  const requests: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const pending = new Set<NodeJS.Timeout>();
  const server: Server = createServer((request, response) => {
    requests.push({ url: request.url ?? '', headers: request.headers });
    if (mode === 'error') {
      response.writeHead(503).end();
      return;
    }
    const prefix = (request.url ?? '').slice('/range/'.length);
    // The suffix of the one breached password this stand-in knows, padded with zero-count decoys as the real API pads.
    const lines = ['0018A45C4D1DEF81644B54AB7F969B88D65:0', '00D4F6E8FA6EECAD2A3AA415EEC418D38EC:2'];
    if (sha1(BREACHED_PASSWORD).startsWith(prefix)) lines.push(`${sha1(BREACHED_PASSWORD).slice(5)}:42`);
    if (sha1(PADDED_PASSWORD).startsWith(prefix)) lines.push(`${sha1(PADDED_PASSWORD).slice(5)}:0`);
    const answer = () => response.writeHead(200, { 'Content-Type': 'text/plain' }).end(lines.join('\r\n'));
    if (mode === 'slow') pending.add(setTimeout(answer, 5_000));
    else answer();
  });
  return {
    requests,
    setMode: (next: typeof mode) => (mode = next),
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    close: () => {
      for (const timer of pending) clearTimeout(timer);
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
