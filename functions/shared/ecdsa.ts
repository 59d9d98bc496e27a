/**
 * ES256 signatures in the two forms they come in. KMS (and node:crypto by default) return an
 * ECDSA signature as DER, `SEQUENCE { INTEGER r, INTEGER s }`; a JWS carries it as the JOSE form,
 * r and s as 32-byte big-endian numbers, one after the other (RFC 7518 §3.4). A DER INTEGER is
 * minimal and signed, so it has a leading zero byte when the top bit of the number is set and is
 * shorter than 32 bytes when the number is small: both must come out as exactly 32 bytes.
 */

/** P-256: r and s are each 32 bytes in the JOSE form. */
export const ES256_COMPONENT_BYTES = 32;

const SEQUENCE = 0x30;
const INTEGER = 0x02;

export class InvalidSignatureEncoding extends Error {
  override name = 'InvalidSignatureEncoding';
}

/** Reads one DER INTEGER at `offset`: its value without sign padding, and where the next element starts. */
function readInteger(der: Uint8Array, offset: number): { value: Uint8Array; next: number } {
  if (der[offset] !== INTEGER) throw new InvalidSignatureEncoding('expected an INTEGER');
  const length = der[offset + 1];
  // Each component of a P-256 signature fits in 33 bytes, so the length is always in short form.
  if (length === undefined || length === 0 || length > ES256_COMPONENT_BYTES + 1)
    throw new InvalidSignatureEncoding('INTEGER length out of range');
  const start = offset + 2;
  const end = start + length;
  if (end > der.length) throw new InvalidSignatureEncoding('INTEGER runs past the end');
  let value = der.subarray(start, end);
  if (value[0]! >= 0x80) throw new InvalidSignatureEncoding('negative INTEGER');
  // A leading zero is there only to keep the number positive; DER allows it only when the next byte needs it.
  if (value[0] === 0x00 && value.length > 1) {
    if (value[1]! < 0x80) throw new InvalidSignatureEncoding('INTEGER is not minimally encoded');
    value = value.subarray(1);
  }
  if (value.length > ES256_COMPONENT_BYTES) throw new InvalidSignatureEncoding('INTEGER longer than 32 bytes');
  return { value, next: end };
}

/**
 * The JOSE `r‖s` form (64 bytes) of a DER-encoded P-256 ECDSA signature.
 * Throws InvalidSignatureEncoding for anything that is not exactly one strict DER signature.
 */
export function derToJose(der: Uint8Array): Buffer {
  if (der[0] !== SEQUENCE) throw new InvalidSignatureEncoding('expected a SEQUENCE');
  const length = der[1];
  if (length === undefined || length >= 0x80 || length + 2 !== der.length)
    throw new InvalidSignatureEncoding('SEQUENCE length does not match the signature');
  const r = readInteger(der, 2);
  const s = readInteger(der, r.next);
  if (s.next !== der.length) throw new InvalidSignatureEncoding('trailing bytes after s');
  const jose = Buffer.alloc(ES256_COMPONENT_BYTES * 2);
  jose.set(r.value, ES256_COMPONENT_BYTES - r.value.length);
  jose.set(s.value, ES256_COMPONENT_BYTES * 2 - s.value.length);
  return jose;
}
