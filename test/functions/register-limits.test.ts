/**
 * The contract's limits and the functions' limits are one and the same: for bodies at and around
 * every limit, built from ASCII, astral characters (emoji), combining marks and padding, whatever
 * the contract's schema accepts is stored (normalized as documented), and whatever it refuses is a
 * 400. The schema is compiled here from the published spec, as a validating proxy would.
 */
import '../support/lambda-environment';
import { handler } from '../../functions/register/handler';
import { contractSchema } from '../support/contract';
import { proxyEvent } from '../support/events';
import { useFunctionDatabase } from '../support/function-database';
import { invokeHttp } from '../support/invoke';

const database = useFunctionDatabase('register-limits');
const acceptedBySchema = contractSchema('RegisterRequest');

const LIMITS = { name: 100, email: 254, passwordBytes: 72 } as const;

interface Body {
  name: string;
  email: string;
  password: string;
}

/** Exactly n code points of the unit repeated (a unit of several code points may be cut at the end). */
function codePoints(unit: string, n: number): string {
  return [...unit.repeat(n)].slice(0, n).join('');
}

let counter = 0;
function uniqueEmail(): string {
  counter += 1;
  return `limits-${counter}@example.com`;
}

const NAME_UNITS = { ascii: 'n', emoji: '😀', combining: 'e\u0301', family: '👩‍👩‍👧', hangul: '한' } as const;
const nameCases = Object.entries(NAME_UNITS).flatMap(([unit, text]) =>
  [LIMITS.name - 1, LIMITS.name, LIMITS.name + 1].flatMap((n) => [
    { label: `name of ${n} code points of ${unit}`, name: codePoints(text, n) },
    { label: `name of ${n} code points of ${unit}, padded`, name: ` ${codePoints(text, n - 2)} ` },
  ]),
);

/** An email of exactly n characters, upper-case letters included. */
function emailOfLength(n: number, padding = ''): string {
  counter += 1;
  const domain = `@Example.COM`;
  const local = `L${counter}x`;
  return `${padding}${local}${'a'.repeat(n - local.length - domain.length - 2 * padding.length)}${domain}${padding}`;
}
const emailCases = [LIMITS.email - 1, LIMITS.email, LIMITS.email + 1].flatMap((n) => [
  { label: `email of ${n} characters`, email: emailOfLength(n) },
  { label: `email of ${n} characters, padded`, email: emailOfLength(n, '  ') },
]);

const passwordCases = [
  { label: 'password of 7 characters', password: 'p'.repeat(7) },
  { label: 'password of 8 characters', password: 'p'.repeat(8) },
  { label: 'password of 2 emoji (8 bytes, 2 characters)', password: '😀😀' },
  { label: 'password of 8 emoji (32 bytes)', password: '😀'.repeat(8) },
  { label: 'password of 72 bytes of é', password: 'é'.repeat(36) },
  { label: 'password of 74 bytes of é (37 characters)', password: 'é'.repeat(37) },
  { label: 'password of 72 bytes of emoji', password: '😀'.repeat(18) },
  { label: 'password of 73 bytes (emoji and one letter)', password: `${'😀'.repeat(18)}p` },
  { label: 'password of 72 ASCII characters', password: 'p'.repeat(72) },
  { label: 'password of 73 ASCII characters', password: 'p'.repeat(73) },
  { label: 'password of 8 combining sequences', password: 'e\u0301'.repeat(4) },
];

const cases: Array<{ label: string; body: Body }> = [
  ...nameCases.map(({ label, name }) => ({
    label,
    body: { name, email: uniqueEmail(), password: 'long-enough-password' },
  })),
  ...emailCases.map(({ label, email }) => ({
    label,
    body: { name: 'Limits', email, password: 'long-enough-password' },
  })),
  ...passwordCases.map(({ label, password }) => ({ label, body: { name: 'Limits', email: uniqueEmail(), password } })),
];

/** The contract's schema, plus the one limit JSON Schema cannot express (and the contract states in words): 72 bytes. */
function acceptedByContract(body: Body): boolean {
  return acceptedBySchema(body) && Buffer.byteLength(body.password, 'utf8') <= LIMITS.passwordBytes;
}

describe('register limits agree with the contract', () => {
  it('covers both sides of every limit', () => {
    const verdicts = cases.map(({ body }) => acceptedByContract(body));
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(10);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(10);
  });

  it.each(cases)('$label: stored when the schema accepts it, 400 when it refuses it', async ({ body }) => {
    const { response } = await invokeHttp('register', handler, proxyEvent({ path: '/register', body }));

    if (!acceptedByContract(body)) {
      expect(response.statusCode).toBe(400);
      return;
    }
    expect(response.statusCode).toBe(201);
    const stored = await database.users().findOne({ email: body.email.trim().toLowerCase() });
    expect(stored?.name).toBe(body.name.trim().normalize('NFC'));
  });
});

describe('names shown publicly', () => {
  const register = (name: string) =>
    invokeHttp(
      'register',
      handler,
      proxyEvent({ path: '/register', body: { name, email: uniqueEmail(), password: 'long-enough-password' } }),
    );

  it('stores a decomposed name in its composed (NFC) form', async () => {
    const { response, body } = await register('Zoe\u0308 Ame\u0301lie');

    expect(response.statusCode).toBe(201);
    expect((body.user as { name: string }).name).toBe('Zoë Amélie');
  });

  it.each([
    ['a right-to-left override', 'Ada\u202Eecalevol'],
    ['a left-to-right embedding', '\u202AAda'],
    ['a first-strong isolate', 'Ada \u2068evil\u2069'],
    ['a pop directional formatting', 'Ada\u202C'],
    ['a newline', 'Ada\nLovelace'],
    ['a NUL', 'Ada\u0000'],
    ['a C1 control', 'Ada\u0085'],
    ['a line separator', 'Ada\u2028Lovelace'],
  ])('answers 400 naming /name for a name with %s', async (_what, name) => {
    const { response, body } = await register(name);

    expect(response.statusCode).toBe(400);
    expect(body.errors).toEqual([{ path: '/name', message: expect.stringContaining('visible character') }]);
  });

  it.each([
    ['zero-width spaces', '\u200B\u200B'],
    ['a byte order mark', '\uFEFF'],
    ['Hangul fillers', '\u3164\u3164'],
    ['a braille blank', '\u2800'],
    ['word joiners and a soft hyphen', '\u2060\u00AD'],
    ['no-break spaces', '\u00A0\u00A0'],
  ])('answers 400 for a name made only of %s', async (_what, name) => {
    const { response } = await register(name);

    expect(response.statusCode).toBe(400);
  });

  it('keeps emoji joined by zero-width joiners and Persian zero-width non-joiners', async () => {
    const { response, body } = await register('👩‍👩‍👧 می\u200Cخواهم');

    expect(response.statusCode).toBe(201);
    expect((body.user as { name: string }).name).toBe('👩‍👩‍👧 می\u200Cخواهم');
  });

  it('answers 400, not 500, for a name the schema accepts whose NFC form is too long', async () => {
    // U+0958 is excluded from composition: NFC turns it into two code points.
    const { response, body } = await register('\u0958'.repeat(60));

    expect(response.statusCode).toBe(400);
    expect(body.errors).toEqual([
      { path: '/name', message: 'must NOT have more than 100 characters once normalized (trimmed, Unicode NFC)' },
    ]);
  });

  it('answers 400 malformed-json for an unpaired surrogate rather than storing a replacement character', async () => {
    const event = proxyEvent({
      path: '/register',
      rawBody: '{"name":"Ada \\ud83d","email":"surrogate@example.com","password":"long-enough-password"}',
    });

    const { response, body } = await invokeHttp('register', handler, event);

    expect(response.statusCode).toBe(400);
    expect(body.type).toBe('urn:auth-api:problem:malformed-json');
    expect(await database.users().countDocuments({ email: 'surrogate@example.com' })).toBe(0);
  });
});
