import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexDecode, hexEncode } from './bytes';
import {
  bigintToBytes,
  bytesToBigint,
  contextTag,
  encodeBitString,
  encodeInteger,
  encodeOid,
  encodeSequence,
  encodeTlv,
  expectTag,
  readBitString,
  readChildren,
  readInteger,
  readOid,
  readSequence,
  readTlv,
  readWhole,
  requireBytes,
  TAG,
  type DerFail,
} from './der';
import { HarnessError, isHarnessError } from './errors';

// The reader throws whatever the caller's factory builds: this one tags the reason so tests can see it.
const fail: DerFail = (reason) => new HarnessError('SIGNATURE_MALFORMED', `test: ${reason}`);
const malformed = (reason: RegExp) =>
  expect.objectContaining({ code: 'SIGNATURE_MALFORMED', message: expect.stringMatching(reason) });

describe('readTlv', () => {
  it('reads short and long definite lengths and reports where the element ends', () => {
    expect(readTlv(hexDecode('0403aabbcc'), 0, fail)).toEqual({ tag: 4, value: hexDecode('aabbcc'), end: 5 });
    const long = encodeTlv(TAG.OCTET_STRING, new Uint8Array(200));
    expect(hexEncode(long.subarray(0, 3))).toBe('0481c8');
    expect(readTlv(long, 0, fail).value.length).toBe(200);
    const longer = encodeTlv(TAG.OCTET_STRING, new Uint8Array(300));
    expect(hexEncode(longer.subarray(0, 4))).toBe('0482012c');
    expect(readTlv(longer, 0, fail).end).toBe(304);
  });

  it('reads at an offset', () => {
    expect(readTlv(hexDecode('ff0201070500'), 1, fail)).toEqual({ tag: 2, value: hexDecode('07'), end: 4 });
  });

  it.each([
    ['', /ends in the middle/],
    ['04', /ends in the middle/],
    ['0405aabb', /truncated/],
    ['3080020100', /indefinite/],
    ['048105aabbccddee', /not minimally encoded/],
    ['04820005aabbccddee', /not minimally encoded/],
    ['0484ffffffff', /impossible length/],
    ['0482', /middle of a length/],
    ['1f0100', /multi-byte tag/],
  ])('refuses %s', (hex, reason) => {
    expect(() => readTlv(hexDecode(hex), 0, fail)).toThrow(malformed(reason));
  });

  it('never reads outside the buffer: on any bytes it returns a slice within bounds or throws the caller error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(40), (bytes, offset) => {
        try {
          const tlv = readTlv(bytes, offset, fail);
          expect(tlv.end).toBeLessThanOrEqual(bytes.length);
          expect(tlv.end - tlv.value.length).toBeGreaterThan(offset);
        } catch (err) {
          expect(isHarnessError(err) && err.code === 'SIGNATURE_MALFORMED').toBe(true);
        }
      }),
    );
  });
});

describe('readWhole, readChildren, readSequence, expectTag', () => {
  it('refuses trailing bytes after the one element', () => {
    expect(() => readWhole(hexDecode('05000000'), fail)).toThrow(malformed(/trailing bytes/));
  });

  it('splits a SEQUENCE into its children', () => {
    const seq = encodeSequence(
      encodeInteger(5n),
      encodeTlv(TAG.NULL, new Uint8Array()),
      encodeTlv(contextTag(1), encodeBitString(hexDecode('01'))),
    );
    expect(readSequence(seq, fail).map((t) => t.tag)).toEqual([TAG.INTEGER, TAG.NULL, 0xa1]);
    expect(readChildren(new Uint8Array(), fail)).toEqual([]);
  });

  it('refuses a child that runs past its parent, and a non-SEQUENCE where one is required', () => {
    expect(() => readSequence(hexDecode('3003020301'), fail)).toThrow(malformed(/truncated/));
    expect(() => readSequence(hexDecode('3103020101'), fail)).toThrow(malformed(/expected a SEQUENCE/));
  });

  it('names what it expected when a tag is wrong or missing', () => {
    const [child] = readChildren(hexDecode('0500'), fail);
    expect(() => expectTag(child, TAG.INTEGER, 'the version', fail)).toThrow(malformed(/expected the version/));
    expect(() => expectTag(undefined, TAG.INTEGER, 'the version', fail)).toThrow(malformed(/expected the version/));
    expect(expectTag(child, TAG.NULL, 'a NULL', fail)).toEqual(new Uint8Array());
  });
});

describe('INTEGER', () => {
  it.each([
    [0n, '020100'],
    [127n, '02017f'],
    [128n, '02020080'],
    [255n, '020200ff'],
    [256n, '02020100'],
    [2n ** 255n, `022100${'80'.padEnd(64, '0')}`],
  ])('encodes %s minimally', (n, hex) => {
    expect(hexEncode(encodeInteger(n))).toBe(hex);
  });

  it('reads two’s complement, negatives included', () => {
    expect(readInteger(hexDecode('80'), fail)).toBe(-128n);
    expect(readInteger(hexDecode('ff7f'), fail)).toBe(-129n);
    expect(readInteger(hexDecode('00ff'), fail)).toBe(255n);
  });

  it('refuses empty and non-minimal integers', () => {
    expect(() => readInteger(new Uint8Array(), fail)).toThrow(malformed(/empty/));
    expect(() => readInteger(hexDecode('0001'), fail)).toThrow(malformed(/minimally/));
    expect(() => readInteger(hexDecode('ff80'), fail)).toThrow(malformed(/minimally/));
  });

  it('refuses to encode a negative integer', () => {
    expect(() => encodeInteger(-1n)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('round-trips any non-negative integer', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 600n }), (n) => {
        const tlv = readWhole(encodeInteger(n), fail);
        expect(tlv.tag).toBe(TAG.INTEGER);
        expect(readInteger(tlv.value, fail)).toBe(n);
      }),
    );
  });

  it('converts between bigints and fixed-width big-endian bytes', () => {
    expect(hexEncode(bigintToBytes(0x0102n, 4))).toBe('00000102');
    expect(bigintToBytes(0n)).toEqual(new Uint8Array());
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        expect(bigintToBytes(bytesToBigint(bytes), 32)).toEqual(bytes);
      }),
    );
  });
});

describe('OBJECT IDENTIFIER', () => {
  it.each([
    ['1.2.840.10045.2.1', '06072a8648ce3d0201'], // id-ecPublicKey
    ['1.3.132.0.10', '06052b8104000a'], // secp256k1
    ['1.3.101.112', '06032b6570'], // Ed25519
    ['2.999.3', '0603883703'], // X.690 §8.19.5 example
  ])('%s', (dotted, hex) => {
    expect(hexEncode(encodeOid(dotted))).toBe(hex);
    expect(readOid(readWhole(hexDecode(hex), fail).value, fail)).toBe(dotted);
  });

  it('round-trips any OID, arcs beyond 2^53 included', () => {
    const oid = fc
      .tuple(
        fc.integer({ min: 0, max: 2 }),
        fc.bigInt({ min: 0n, max: 39n }),
        fc.array(fc.bigInt({ min: 0n, max: 2n ** 128n }), { maxLength: 8 }),
      )
      .map(([top, second, rest]) => [top, top === 2 ? second * 1000n : second, ...rest].join('.'));
    fc.assert(
      fc.property(oid, (dotted) => {
        expect(readOid(readWhole(encodeOid(dotted), fail).value, fail)).toBe(dotted);
      }),
    );
  });

  it('refuses empty, unterminated and non-minimal encodings, and bad dotted input', () => {
    expect(() => readOid(new Uint8Array(), fail)).toThrow(malformed(/malformed/));
    expect(() => readOid(hexDecode('2b81'), fail)).toThrow(malformed(/malformed/));
    expect(() => readOid(hexDecode('2b8001'), fail)).toThrow(malformed(/minimally/));
    expect(() => encodeOid('secp256k1')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('BIT STRING', () => {
  it('round-trips whole bytes and refuses unused bits', () => {
    const bits = readWhole(encodeBitString(hexDecode('04abcd')), fail);
    expect(bits.tag).toBe(TAG.BIT_STRING);
    expect(readBitString(bits.value, fail)).toEqual(hexDecode('04abcd'));
    expect(() => readBitString(hexDecode('0480'), fail)).toThrow(malformed(/whole bytes/));
    expect(() => readBitString(new Uint8Array(), fail)).toThrow(malformed(/whole bytes/));
  });
});

describe('context tags', () => {
  it('are constructed for EXPLICIT and primitive for IMPLICIT fields', () => {
    expect([contextTag(0), contextTag(1), contextTag(1, false)]).toEqual([0xa0, 0xa1, 0x81]);
  });
});

describe('requireBytes', () => {
  it('accepts a Uint8Array from this realm or another (a vm context, as the k6 bundle test uses)', () => {
    const foreign: unknown = runInNewContext('new Uint8Array([1, 2])');
    expect(foreign instanceof Uint8Array).toBe(false);
    expect(requireBytes(foreign, 'x')).toBe(foreign);
    expect(requireBytes(Uint8Array.of(1), 'x')).toEqual(Uint8Array.of(1));
  });

  it('refuses anything else, naming the field', () => {
    for (const value of ['00', [1, 2], new Uint16Array(2), null]) {
      expect(() => requireBytes(value, 'sig')).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('"sig"') }),
      );
    }
  });
});
