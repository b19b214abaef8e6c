import { generateKeyPairSync, randomBytes, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, hexDecode, hexEncode } from './bytes';
import { derToP1363, looksLikeDer, p1363ToDer } from './ecdsa-signature';
import { isHarnessError } from './errors';

const malformed = (message?: RegExp) =>
  expect.objectContaining({
    code: 'SIGNATURE_MALFORMED',
    ...(message ? { message: expect.stringMatching(message) } : {}),
  });

/** 32-byte integers biased to the encodings that need care: leading zero bytes and the high bit set. */
const scalar32 = fc
  .tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 0, max: 32 }), fc.boolean())
  .map(([bytes, zeros, highBit]) => {
    const out = bytes.slice();
    out.fill(0, 0, zeros);
    if (highBit && zeros < 32) out[zeros]! |= 0x80;
    return out;
  });

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
const messages = Array.from({ length: 200 }, (_, i) => randomBytes(1 + (i % 97)));
const sign = (msg: Uint8Array, dsaEncoding: 'der' | 'ieee-p1363') =>
  new Uint8Array(nodeSign('sha256', msg, { key: privateKey, dsaEncoding }));
const verify = (msg: Uint8Array, sig: Uint8Array, dsaEncoding: 'der' | 'ieee-p1363') =>
  nodeVerify('sha256', msg, { key: publicKey, dsaEncoding }, sig);

describe('p1363ToDer and derToP1363', () => {
  it('are inverse for any r and s, leading zeros and high bits included', () => {
    fc.assert(
      fc.property(scalar32, scalar32, (r, s) => {
        const p1363 = concatBytes(r, s);
        expect(derToP1363(p1363ToDer(p1363))).toEqual(p1363);
      }),
    );
  });

  it('encode known vectors minimally', () => {
    const p1363 = concatBytes(new Uint8Array(31), Uint8Array.of(1), Uint8Array.of(0x80), new Uint8Array(31));
    expect(hexEncode(p1363ToDer(p1363))).toBe(`3026020101022100${'80'.padEnd(64, '0')}`);
    expect(hexEncode(p1363ToDer(new Uint8Array(64)))).toBe('3006020100020100');
  });

  it('agree with Node on 200 real signatures both ways', () => {
    for (const msg of messages) {
      const der = sign(msg, 'der');
      expect(verify(msg, derToP1363(der), 'ieee-p1363')).toBe(true);
      // OpenSSL's DER is minimal, so the round trip is byte-exact.
      expect(p1363ToDer(derToP1363(der))).toEqual(der);
      const p1363 = sign(msg, 'ieee-p1363');
      expect(verify(msg, p1363ToDer(p1363), 'der')).toBe(true);
    }
  });

  it('honour a wider size, as P-521 would need', () => {
    const wide = concatBytes(Uint8Array.of(0xff), new Uint8Array(32), Uint8Array.of(1), new Uint8Array(32));
    expect(derToP1363(p1363ToDer(wide), 33)).toEqual(wide);
    expect(() => derToP1363(p1363ToDer(wide))).toThrow(malformed(/r is wider than 32 bytes/));
  });
});

describe('derToP1363 is strict', () => {
  const ok = '3006020101020102';
  it.each([
    ['a SET instead of a SEQUENCE', '3106020101020102', /expected a SEQUENCE/],
    ['trailing bytes', `${ok}00`, /trailing/],
    ['an indefinite length', '3080020101020102', /indefinite/],
    ['a long-form length a short one could hold', '308106020101020102', /minimally/],
    ['a truncated signature', ok.slice(0, -2), /truncated|ends in the middle/],
    ['one INTEGER', '3003020101', /INTEGER s/],
    ['three INTEGERs', '3009020101020102020103', /more than two/],
    ['an OCTET STRING for s', '3006020101040102', /INTEGER s/],
    ['a negative r', '3006020181020102', /r is negative/],
    ['a non-minimal r', '300702020001020102', /minimally/],
    ['an empty s', '30050201010200', /empty/],
    ['an r of 33 significant bytes', `30260221${'01'.repeat(33)}020101`, /r is wider than 32 bytes/],
    ['nothing at all', '', /ends in the middle/],
  ])('refuses %s', (_name, hex, message) => {
    expect(() => derToP1363(hexDecode(hex))).toThrow(malformed(message));
  });

  it('accepts r and s of 33 bytes whose first is the sign padding', () => {
    const der = hexDecode(`3046022100${'ff'.repeat(32)}022100${'80'.repeat(32)}`);
    expect(hexEncode(derToP1363(der))).toBe('ff'.repeat(32) + '80'.repeat(32));
  });

  it('on random or mutated bytes returns 64 bytes or throws SIGNATURE_MALFORMED, nothing else', () => {
    const validDer = fc.constantFrom(...messages.slice(0, 20).map((m) => sign(m, 'der')));
    const mutated = fc.tuple(validDer, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([der, at, xor]) => {
      const out = der.slice();
      out[at % out.length]! ^= xor;
      return out;
    });
    const shaped = fc
      .tuple(fc.nat(80), fc.uint8Array({ maxLength: 80 }))
      .map(([n, rest]) => concatBytes(Uint8Array.of(0x30, n), rest));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), mutated, shaped), (bytes) => {
        try {
          expect(derToP1363(bytes)).toHaveLength(64);
        } catch (err) {
          if (!(isHarnessError(err) && err.code === 'SIGNATURE_MALFORMED')) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a non-byte argument with INVALID_ARGUMENT', () => {
    expect(() => derToP1363('MEUCIQ==' as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('p1363ToDer', () => {
  it.each([0, 1, 63, 65])('refuses %i bytes: r||s must be two equal halves', (length) => {
    expect(() => p1363ToDer(new Uint8Array(length))).toThrow(malformed(new RegExp(`got ${length} bytes`)));
  });
});

describe('looksLikeDer', () => {
  it('is true for every DER signature Node makes and false for its IEEE-P1363 ones', () => {
    for (const msg of messages) {
      expect(looksLikeDer(sign(msg, 'der'))).toBe(true);
      expect(looksLikeDer(sign(msg, 'ieee-p1363'))).toBe(false);
    }
  });

  it('is false for garbage and for base64 text mistaken for bytes', () => {
    expect(looksLikeDer(new Uint8Array())).toBe(false);
    expect(looksLikeDer(hexDecode('3006020181020102'))).toBe(false);
    expect(looksLikeDer(new TextEncoder().encode('MEUCIQDx'))).toBe(false);
  });
});
