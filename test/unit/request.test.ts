import { MalformedJson, PayloadTooLarge, UnsupportedMediaType, ValidationFailed } from '../../functions/shared/errors';
import { header, isJsonMediaType, MAX_BODY_BYTES, readJsonBody, readQuery } from '../../functions/shared/request';

function body(text: string | null, contentType: string | undefined = 'application/json', isBase64Encoded = false) {
  return { headers: contentType === undefined ? {} : { 'Content-Type': contentType }, body: text, isBase64Encoded };
}

describe('header', () => {
  it('finds a header whatever the case of its name', () => {
    expect(header({ headers: { 'CONTENT-type': 'x' } }, 'content-type')).toBe('x');
    expect(header({ headers: {} }, 'content-type')).toBeUndefined();
    expect(header({ headers: null as unknown as Record<string, string> }, 'content-type')).toBeUndefined();
  });
});

describe('isJsonMediaType', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON;CHARSET=UTF-8',
    ' application/json ',
    'application/json; charset="utf-8"',
  ])('accepts %j', (value) => {
    expect(isJsonMediaType(value)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'text/json',
    'application/json-patch+json',
    'application/json; charset=utf-16',
    'application/json; boundary=x',
    'application/jsonx',
  ])('refuses %j', (value) => {
    expect(isJsonMediaType(value)).toBe(false);
  });
});

describe('readJsonBody', () => {
  it('parses a JSON body', () => {
    expect(readJsonBody(body('{"a":[1,"é"]}'))).toEqual({ a: [1, 'é'] });
  });

  it('decodes a base64 body first', () => {
    expect(readJsonBody(body(Buffer.from('{"a":"é"}').toString('base64'), 'application/json', true))).toEqual({
      a: 'é',
    });
  });

  it('refuses another media type before looking at the body', () => {
    expect(() => readJsonBody(body('x'.repeat(MAX_BODY_BYTES + 1), 'text/plain'))).toThrow(UnsupportedMediaType);
  });

  it('accepts exactly 64 KB and refuses one byte more', () => {
    const exact = `"${'x'.repeat(MAX_BODY_BYTES - 2)}"`;

    expect(readJsonBody(body(exact))).toHaveLength(MAX_BODY_BYTES - 2);
    expect(() => readJsonBody(body(`${exact} `))).toThrow(PayloadTooLarge);
  });

  it('counts bytes, not characters', () => {
    expect(() => readJsonBody(body(`"${'é'.repeat(MAX_BODY_BYTES / 2)}"`))).toThrow(PayloadTooLarge);
  });

  it('refuses a base64 body too large once decoded', () => {
    expect(() =>
      readJsonBody(body(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20).toString('base64'), 'application/json', true)),
    ).toThrow(PayloadTooLarge);
    expect(() => readJsonBody(body('A'.repeat(MAX_BODY_BYTES * 2), 'application/json', true))).toThrow(PayloadTooLarge);
  });

  it.each([
    [null, 'The request body is empty; send a JSON object'],
    ['   ', 'The request body is empty; send a JSON object'],
    ['{"a":', 'The request body is not valid JSON'],
    ["{'a':1}", 'The request body is not valid JSON'],
  ])('refuses the body %j', (text, detail) => {
    expect(() => readJsonBody(body(text))).toThrow(new MalformedJson(detail));
  });
});

describe('readQuery', () => {
  it('returns one value per parameter', () => {
    expect(
      readQuery({ queryStringParameters: { limit: '5' }, multiValueQueryStringParameters: { limit: ['5'] } }),
    ).toEqual({ limit: '5' });
  });

  it('returns an empty object without a query string', () => {
    expect(readQuery({ queryStringParameters: null, multiValueQueryStringParameters: null })).toEqual({});
  });

  it('refuses a parameter given twice', () => {
    expect(() =>
      readQuery({ queryStringParameters: { limit: '50' }, multiValueQueryStringParameters: { limit: ['5', '50'] } }),
    ).toThrow(ValidationFailed);
  });

  it('keeps __proto__ as an ordinary parameter for the validator to refuse', () => {
    const query = readQuery({
      queryStringParameters: JSON.parse('{"__proto__":"x"}') as Record<string, string>,
      multiValueQueryStringParameters: null,
    });

    expect(Object.keys(query)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(query)).toBe(Object.prototype);
  });
});
