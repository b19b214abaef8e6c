import { createHash, createHmac, createPrivateKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesEqual } from './bytes';
import { baseMultiplyX, invertMod, SECP256K1_N, SECP256K1_P } from './secp256k1-base-table';
import { NOBLE_SHA256, signSecp256k1Rfc6979, useSha256Primitives } from './secp256k1-signer';

const N = SECP256K1_N;
const to32 = (x: bigint) => Uint8Array.from(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'));
const secretKeys = fc.bigInt({ min: 1n, max: N - 1n }).map(to32);
const messages = fc.uint8Array({ maxLength: 300 });

/** The key as node:crypto holds it, from the raw scalar and its public point (JWK). */
function nodeKey(secret: Uint8Array): KeyObject {
  const point = secp256k1.getPublicKey(secret, false);
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
  return createPrivateKey({
    format: 'jwk',
    key: { kty: 'EC', crv: 'secp256k1', d: b64(secret), x: b64(point.subarray(1, 33)), y: b64(point.subarray(33)) },
  });
}

const nobleSignature = (secret: Uint8Array, message: Uint8Array) =>
  secp256k1.sign(message, secret, { prehash: true, lowS: true });

/** node:crypto's SHA-256 and HMAC: a native stand-in for what k6 hands in (load/k6-signing.ts). */
const NODE_SHA256 = {
  sha256: (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest()),
  hmacSha256: (key: Uint8Array, data: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(data).digest()),
};

afterEach(() => useSha256Primitives(NOBLE_SHA256));

describe('signSecp256k1Rfc6979', () => {
  it("gives noble's signature byte for byte (RFC 6979, low-S, r||s), and node:crypto verifies it", () => {
    fc.assert(
      fc.property(secretKeys, messages, (secret, message) => {
        const signature = signSecp256k1Rfc6979(secret, message);
        expect(signature).toEqual(nobleSignature(secret, message));
        expect(BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`) <= N >> 1n).toBe(true);
        const key = nodeKey(secret);
        expect(nodeVerify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('signs the same with native SHA-256 primitives handed in, and uses what it is handed', () => {
    const secret = to32(0xc0ffeen);
    const message = new TextEncoder().encode('{"voucherCode":"1","amount":12.5}');
    const viaNoble = signSecp256k1Rfc6979(secret, message);
    useSha256Primitives(NODE_SHA256);
    fc.assert(
      fc.property(secretKeys, messages, (s, m) => {
        expect(signSecp256k1Rfc6979(s, m)).toEqual(nobleSignature(s, m));
      }),
      { numRuns: 100 },
    );
    expect(signSecp256k1Rfc6979(secret, message)).toEqual(viaNoble);
    // A hash that ignores its input: the signature changes, so the primitives are really the ones used.
    useSha256Primitives({ ...NODE_SHA256, sha256: () => new Uint8Array(32).fill(7) });
    expect(bytesEqual(signSecp256k1Rfc6979(secret, message), viaNoble)).toBe(false);
  });

  it('refuses a secret key that is not a scalar from 1 to n−1', () => {
    for (const bad of [new Uint8Array(32), to32(N), new Uint8Array(31).fill(1), new Uint8Array(33).fill(1)])
      expect(() => signSecp256k1Rfc6979(bad, new Uint8Array(1))).toThrow(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          message: expect.stringMatching(/"secretKey" expected 32 bytes/),
        }),
      );
    expect(signSecp256k1Rfc6979(to32(N - 1n), new Uint8Array(1))).toEqual(
      nobleSignature(to32(N - 1n), new Uint8Array(1)),
    );
  });
});

describe('baseMultiplyX', () => {
  const nobleX = (k: bigint) => secp256k1.Point.BASE.multiply(k).toAffine().x;
  const edges = [
    1n,
    2n,
    15n,
    16n,
    17n,
    255n,
    256n,
    1n << 252n,
    15n << 252n,
    (1n << 252n) - 1n,
    N >> 1n,
    N - 2n,
    N - 1n,
  ];

  it("is the x of k·G as noble computes it, at the windows' edges and for any k", () => {
    for (const k of edges) expect(baseMultiplyX(k), `k = ${k}`).toBe(nobleX(k));
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: N - 1n }), (k) => {
        expect(baseMultiplyX(k)).toBe(nobleX(k));
      }),
    );
  });

  it('gives the point at infinity for k = n (the last window meets its negation), and k·G again past it', () => {
    expect(baseMultiplyX(N)).toBeUndefined();
    expect(baseMultiplyX(N + 5n)).toBe(nobleX(5n));
  });
});

describe('invertMod', () => {
  it('inverts mod p and mod n, and refuses what has no inverse', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: N - 1n }), (a) => {
        expect((invertMod(a, N) * a) % N).toBe(1n);
        expect((invertMod(a, SECP256K1_P) * a) % SECP256K1_P).toBe(1n);
      }),
    );
    expect(invertMod(-1n, N)).toBe(N - 1n);
    expect(() => invertMod(0n, N)).toThrow(RangeError);
    expect(() => invertMod(6n, 9n)).toThrow(RangeError);
  });
});
