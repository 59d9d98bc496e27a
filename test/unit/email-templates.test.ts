import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeDuration,
  EMAIL_KIND,
  EmailSendError,
  escapeHtml,
  isMailbox,
  renderEmail,
} from '../../functions/shared/email';
import type { EmailKind } from '../../functions/shared/email';
import { ROOT } from '../../scripts/paths';

const APP_URL = 'https://app.example.com';
const ADA = { name: 'Ada Lovelace', email: 'ada@example.com' };
const LINK = { token: 'abc123', expiresInSeconds: 1800 };
const KINDS = Object.values(EMAIL_KIND);

describe.each(KINDS)('the %s email', (kind: EmailKind) => {
  it('escapes HTML in the name in the HTML part and keeps it as written in the text part', () => {
    const name = '<script>alert("x")</script> & <a href=\'https://evil.example\'>click</a>';

    const message = renderEmail(kind, { ...ADA, name }, LINK, APP_URL);

    expect(message.html).not.toContain('<script>');
    expect(message.html).not.toContain("<a href='https://evil.example'>");
    expect(message.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;a href=&#39;https://evil.example&#39;&gt;click&lt;/a&gt;',
    );
    expect(message.text).toContain(`Hello ${name},`);
  });

  it('carries the token URL-encoded in a link under APP_URL, in both parts', () => {
    const token = 'a+b/c=d&e f?g#h';

    const message = renderEmail(kind, ADA, { ...LINK, token }, APP_URL);

    expect(message.link).toBe(`${APP_URL}/${kind}?token=a%2Bb%2Fc%3Dd%26e%20f%3Fg%23h`);
    expect(new URL(message.link).searchParams.get('token')).toBe(token);
    expect(message.text).toContain(message.link);
    expect(message.html).toContain(`href="${escapeHtml(message.link)}"`);
  });

  it('has a fixed subject, whatever the name holds', () => {
    const subjects = ['Ada', 'Subject: hacked\r\nBcc: all@example.com'].map(
      (name) => renderEmail(kind, { ...ADA, name }, LINK, APP_URL).subject,
    );

    expect(new Set(subjects).size).toBe(1);
    expect(subjects[0]).toMatch(/^[A-Za-z ]+$/);
  });

  it('is addressed to the account and says how long the link works', () => {
    const message = renderEmail(kind, ADA, { ...LINK, expiresInSeconds: 86_400 }, APP_URL);

    expect(message.to).toBe('ada@example.com');
    expect(message.text).toContain('expires in 24 hours');
    expect(message.html).toContain('expires in 24 hours');
    expect(`${message.text}${message.html}`).not.toMatch(/\{\{|\}\}/);
  });

  it.each([
    'ada@example.com\r\nBcc: everyone@example.com',
    'ada@example.com\nBcc: everyone@example.com',
    'ada@example.com, eve@example.com',
    'Ada <ada@example.com>',
    '"ada"@example.com',
    'ada @example.com',
  ])('refuses to address %j, which is not one plain mailbox', (email) => {
    const render = () => renderEmail(kind, { ...ADA, email }, LINK, APP_URL);

    expect(render).toThrow(EmailSendError);
    expect(render).toThrow(expect.objectContaining({ failure: 'rejected' }) as Error);
  });
});

describe('the template files', () => {
  const dir = join(ROOT, 'functions', 'shared', 'email', 'templates');

  it('are a plain-text and an HTML part for each kind of email, and nothing else', () => {
    expect(readdirSync(dir).sort()).toEqual(KINDS.flatMap((kind) => [`${kind}.html`, `${kind}.txt`]).sort());
  });

  it.each(KINDS)('of %s use the name and the link, and no placeholder the renderer does not fill', (kind) => {
    for (const part of ['txt', 'html']) {
      const placeholders = [...readFileSync(join(dir, `${kind}.${part}`), 'utf8').matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map(
        (match) => match[1],
      );
      expect({ part, used: [...new Set(placeholders)].sort() }).toEqual({
        part,
        used: ['expiresIn', 'link', 'name'],
      });
    }
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that end text or an attribute value', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
    expect(escapeHtml('Zoë 🙂')).toBe('Zoë 🙂');
  });
});

describe('describeDuration', () => {
  it('says whole hours when it can, minutes otherwise', () => {
    expect(describeDuration(1800)).toBe('30 minutes');
    expect(describeDuration(3600)).toBe('1 hour');
    expect(describeDuration(86_400)).toBe('24 hours');
    expect(describeDuration(5400)).toBe('90 minutes');
    expect(describeDuration(60)).toBe('1 minute');
  });
});

describe('isMailbox', () => {
  it('takes one ASCII address with a dotted domain', () => {
    expect(isMailbox('a.b+tag@sub.example.co.uk')).toBe(true);
    expect(isMailbox('no-reply@auth-api.localhost')).toBe(true);
    expect(isMailbox(`${'a'.repeat(64)}@example.com`)).toBe(true);
  });

  it('refuses line breaks, lists, display names, non-ASCII and overlong values', () => {
    for (const value of [
      'a@b.c\r\n',
      'a@x.com,b@y.com',
      'A <a@x.com>',
      'é@x.com',
      'a@localhost',
      `${'a'.repeat(65)}@x.com`,
    ])
      expect({ value, ok: isMailbox(value) }).toEqual({ value, ok: false });
  });
});
