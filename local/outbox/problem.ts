/** The outbox's own errors, as RFC 9457 problems: it answers every bad request in one shape, never with a stack trace. */
export interface LocalReply {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function problem(
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): LocalReply {
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify({ type: 'about:blank', title, status, detail }),
  };
}
