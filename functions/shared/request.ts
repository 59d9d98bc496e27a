/**
 * Reads what a request carries: headers, the JSON body, the query string. Anything that is not
 * what the contract accepts becomes a 4xx error here, before any logic runs.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { MalformedJson, PayloadTooLarge, UnsupportedMediaType, ValidationFailed } from './errors';
import { queryFieldError } from './validation';

/** Request bodies are small JSON objects; anything larger is refused before it is parsed. */
export const MAX_BODY_BYTES = 65_536;

/** The header's value, whatever the case of its name (HTTP names are case-insensitive). */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** `application/json`, optionally with `charset=utf-8` (JSON is UTF-8 by definition: RFC 8259). */
const JSON_MEDIA_TYPE = /^application\/json\s*(;\s*charset\s*=\s*("utf-8"|utf-8)\s*)?$/i;

export function isJsonMediaType(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_MEDIA_TYPE.test(contentType.trim());
}

/**
 * A `\uD83D` escape without its pair parses into a string no UTF-8 store can hold: it would be
 * saved as U+FFFD, so what was stored would differ from what was accepted.
 */
const LONE_SURROGATE = /\p{Surrogate}/u;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function bodyText(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): string {
  const raw = event.body ?? '';
  if (!event.isBase64Encoded) {
    if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) throw new PayloadTooLarge(MAX_BODY_BYTES);
    return raw;
  }
  // Decoded size is at most 3/4 of the encoded length: refuse early without decoding a huge body.
  if (Math.floor((raw.length * 3) / 4) > MAX_BODY_BYTES + 2) throw new PayloadTooLarge(MAX_BODY_BYTES);
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length > MAX_BODY_BYTES) throw new PayloadTooLarge(MAX_BODY_BYTES);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new MalformedJson('The request body is not valid UTF-8');
  }
}

/** The parsed JSON body; its shape is the validator's business. */
export function readJsonBody(event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>): unknown {
  if (!isJsonMediaType(header(event, 'content-type'))) throw new UnsupportedMediaType();
  const text = bodyText(event);
  if (text.trim() === '') throw new MalformedJson('The request body is empty; send a JSON object');
  let unpaired = false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value: unknown) => {
      if (LONE_SURROGATE.test(key) || (typeof value === 'string' && LONE_SURROGATE.test(value))) unpaired = true;
      return value;
    });
  } catch {
    // The parser's message quotes the body back; the client already has it.
    throw new MalformedJson('The request body is not valid JSON');
  }
  if (unpaired)
    throw new MalformedJson(
      'The request body holds an unpaired surrogate escape (\\uD800 to \\uDFFF alone), which is not Unicode text',
    );
  return parsed;
}

/**
 * The query string as one value per name. A repeated name is refused rather than resolved:
 * API Gateway keeps the last value, a cache or a proxy in front may keep the first.
 */
export function readQuery(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>,
): Record<string, string> {
  const repeated = Object.entries(event.multiValueQueryStringParameters ?? {})
    .filter(([, values]) => (values?.length ?? 0) > 1)
    .map(([name]) => queryFieldError(name, 'must be given at most once'));
  if (repeated.length > 0) throw new ValidationFailed(repeated);
  // fromEntries defines own properties, so a `__proto__` parameter is an unknown field, not a prototype.
  return Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
}
