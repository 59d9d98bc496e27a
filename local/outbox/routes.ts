/**
 * The outbox on the local gateway's port: `GET /_local/emails` (JSON, newest first) and
 * `GET /_local/outbox` (the page). Not in the contract and never deployed: the gateway asks here
 * only for paths the API does not have.
 */
import { outboxPage, OUTBOX_PAGE_CSP } from './page';
import type { LocalReply } from './problem';
import { problem } from './problem';
import type { EmailStore } from './store';

export const EMAILS_PATH = '/_local/emails';
export const OUTBOX_PATH = '/_local/outbox';

/** The routes' answer to a request, or undefined for a path that is not theirs. */
export type OutboxRoutes = (method: string, path: string) => LocalReply | undefined;

export function outboxRoutes(store: EmailStore): OutboxRoutes {
  return (method, path) => {
    const normalized = path.replace(/\/+$/, '');
    if (normalized !== EMAILS_PATH && normalized !== OUTBOX_PATH) return undefined;
    if (method !== 'GET' && method !== 'HEAD')
      return problem(405, 'Method not allowed', `${normalized} answers GET only`, { Allow: 'GET, HEAD' });
    const common = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
    if (normalized === EMAILS_PATH) {
      const emails = store.list().map(({ to, subject, text, html, link, sentAt, from, requestId, id }) => ({
        id,
        to,
        subject,
        text,
        html,
        link,
        sentAt,
        from,
        ...(requestId === undefined ? {} : { requestId }),
      }));
      return {
        statusCode: 200,
        headers: { ...common, 'Content-Type': 'application/json; charset=utf-8' },
        body: JSON.stringify(emails, null, 2),
      };
    }
    return {
      statusCode: 200,
      headers: { ...common, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': OUTBOX_PAGE_CSP },
      body: outboxPage(store.list()),
    };
  };
}
