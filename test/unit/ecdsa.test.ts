import { sign, verify } from 'node:crypto';
import { derToJose, InvalidSignatureEncoding } from '../../functions/shared/ecdsa';
import { CURRENT_KEY } from '../support/keys';

const MESSAGE = Buffer.from('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0');

/** Real DER signatures of MESSAGE by CURRENT_KEY from node:crypto (`dsaEncoding: 'der'`), picked for the shape of r and s. */
const DER_SIGNATURES = {
  'r with a leading zero byte (33-byte INTEGER)':
    '3045022100bb704c1e32e5e0a122b939ca2fb3d4acb4be83c6c924d821aaebe16aea88ec080220556b15f59c78eb1da2e94c407a1a50ad0861e614ec051a7dddece9a38c9c2037',
  'r and s both with a leading zero byte':
    '3046022100cd24059ae5d89687598dde2842d6d80add8188e1364fdb2966c6f76335194bff022100b11d494f84df75902500388a18409bf579a6942f22515783f46e991d7bc361e3',
  'r of 31 bytes':
    '3044021f63b0acf15b0feed5d0b6305c4b0277bcfa1554ec13eca0e841952b16fba400022100cb07cf10f8f75251e2422e0873c84ff420261d72ff19807341ddf3cbfa3728f3',
  'r of 30 bytes':
    '3043021e47248ef976ad6518acab4a6d6d605802332400bd391b614b9d81aa7cd531022100e5abcfeb56f73eeb63c8c22f9060663ec618e398d61a3f917255d6500ed9c378',
  's of 31 bytes':
    '304302207193187b25262ec1a4e89aecb830671d567890b786ee77f4c8a233214dd9c937021f5ee1417ee5e78c79bbd598bf568bcf1cbe3295abfaa4762ec56a8f20614f09',
  'r and s both of 31 bytes':
    '3042021f1a7a5c55516ed751fb03c4724e07e22fc4f587684105f1004ffa18940781d1021f6d46517253ca9a66e570153c1fa9909c3596222af7dd731c3ebe57213ca2b1',
};

const verifiesAsJose = (jose: Buffer) =>
  verify('sha256', MESSAGE, { key: CURRENT_KEY.publicKey, dsaEncoding: 'ieee-p1363' }, jose);

describe('derToJose', () => {
  it.each(Object.entries(DER_SIGNATURES))(
    'turns a DER signature with %s into a 64-byte r‖s that verifies',
    (_shape, hex) => {
      const der = Buffer.from(hex, 'hex');
      expect(verify('sha256', MESSAGE, { key: CURRENT_KEY.publicKey, dsaEncoding: 'der' }, der)).toBe(true);

      const jose = derToJose(der);

      expect(jose).toHaveLength(64);
      expect(verifiesAsJose(jose)).toBe(true);
    },
  );

  it('left-pads a short r with zeros and drops the sign byte of a long one', () => {
    const short = derToJose(Buffer.from(DER_SIGNATURES['r of 30 bytes'], 'hex'));
    const long = derToJose(Buffer.from(DER_SIGNATURES['r with a leading zero byte (33-byte INTEGER)'], 'hex'));

    expect(short.subarray(0, 3).toString('hex')).toBe('000047');
    expect(long.subarray(0, 2).toString('hex')).toBe('bb70');
  });

  it('converts every fresh node:crypto DER signature into one that verifies (500 signatures)', () => {
    for (let i = 0; i < 500; i += 1) {
      const der = sign('sha256', MESSAGE, { key: CURRENT_KEY.privateKey, dsaEncoding: 'der' });
      const jose = derToJose(der);
      if (jose.length !== 64 || !verifiesAsJose(jose))
        throw new Error(`signature ${der.toString('hex')} did not convert`);
    }
  });

  const valid = Buffer.from(DER_SIGNATURES['r of 31 bytes'], 'hex');
  it.each([
    ['an empty buffer', Buffer.alloc(0)],
    ['the JOSE form itself', derToJose(valid)],
    ['a SEQUENCE length that does not match', Buffer.concat([valid, Buffer.from([0])])],
    ['a long-form SEQUENCE length', Buffer.concat([Buffer.from([0x30, 0x81, valid.length - 2]), valid.subarray(2)])],
    ['a truncated s', Buffer.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x05, 0x01, 0x02])],
    ['something other than an INTEGER', Buffer.from([0x30, 0x06, 0x04, 0x01, 0x01, 0x02, 0x01, 0x01])],
    ['an empty INTEGER', Buffer.from([0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x01])],
    ['a negative INTEGER', Buffer.from([0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01])],
    ['a needless leading zero', Buffer.from([0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01])],
    [
      'an r longer than 32 bytes',
      Buffer.from([0x30, 0x26, 0x02, 0x21, ...Array<number>(33).fill(0x01), 0x02, 0x01, 0x01]),
    ],
    ['bytes after s', Buffer.from([0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00])],
  ])('refuses %s', (_what, bytes) => {
    expect(() => derToJose(bytes)).toThrow(InvalidSignatureEncoding);
  });
});
