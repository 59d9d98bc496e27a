/**
 * /_local/outbox: the outbox as a page, like a mail catcher. Every value is escaped; each email's
 * HTML part is shown in a sandboxed frame (no scripts, no forms, no navigation of this page),
 * and the page's Content-Security-Policy lets nothing load from elsewhere.
 */
import type { OutboxEmail } from './store';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escape = (value: string) => value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

/** A link is clickable only when it is one the browser would open as a web page. */
function linkHtml(link: string): string {
  const safe = /^https?:\/\//i.test(link);
  return safe ? `<a href="${escape(link)}" rel="noreferrer">${escape(link)}</a>` : `<code>${escape(link)}</code>`;
}

function emailHtml(email: OutboxEmail): string {
  return `<article id="email-${email.id}">
  <h2>${escape(email.subject)}</h2>
  <dl>
    <dt>To</dt><dd>${escape(email.to)}</dd>
    <dt>From</dt><dd>${escape(email.from)}</dd>
    <dt>Sent</dt><dd><time datetime="${escape(email.sentAt)}">${escape(email.sentAt)}</time></dd>
    ${email.requestId ? `<dt>Request</dt><dd><code>${escape(email.requestId)}</code></dd>` : ''}
    <dt>Link</dt><dd>${linkHtml(email.link)}</dd>
  </dl>
  <details open><summary>HTML part</summary><iframe sandbox="" title="HTML part of email ${email.id}" srcdoc="${escape(email.html)}"></iframe></details>
  <details><summary>Plain-text part</summary><pre>${escape(email.text)}</pre></details>
</article>`;
}

/** The policy the page is served with: its own inline style, nothing else, in it and in its frames. */
export const OUTBOX_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

export function outboxPage(emails: readonly OutboxEmail[]): string {
  const count = emails.length === 1 ? '1 email' : `${emails.length} emails`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Local outbox (${count})</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1f2328; }
  article { border: 1px solid #d1d9e0; border-radius: 8px; padding: 0 1rem 1rem; margin: 1rem 0; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
  dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
  iframe { width: 100%; height: 22rem; border: 1px solid #d1d9e0; background: #fff; }
  pre { white-space: pre-wrap; background: #f6f8fa; padding: 0.75rem; }
</style>
</head>
<body>
<h1>Local outbox</h1>
<p>${count}, newest first. Nothing here was sent: <code>make dev</code> keeps what the functions would have emailed, until it stops. As JSON: <a href="/_local/emails">/_local/emails</a>.</p>
${emails.map(emailHtml).join('\n')}
</body>
</html>
`;
}
