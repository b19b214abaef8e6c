/**
 * The fast verifier gives node:crypto's verdict on every kind of signature a client or a seeded
 * defect can send: the sandbox's faithfulness rests on this comparison.
 */
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { p1363Verifier, secp256k1Verifier } from './secp256k1-verifier';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;

const toBytes = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
const toBigint = (bytes: Buffer) => BigInt(`0x${bytes.toString('hex') || '0'}`);
const withParts = (r: bigint, s: bigint) => Buffer.concat([toBytes(r), toBytes(s)]);

interface Pair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}
const pairs: Pair[] = Array.from({ length: 4 }, () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
});

/** What a client, an attacker or a faulty signer might send for `message`. */
const variants = (pair: Pair, other: Pair, message: Buffer, tweak: number): Record<string, Buffer> => {
  const good = sign('sha256', message, { key: pair.privateKey, dsaEncoding: 'ieee-p1363' });
  const r = toBigint(good.subarray(0, 32));
  const s = toBigint(good.subarray(32));
  const tampered = Buffer.from(good);
  tampered[tweak % 64]! ^= 1 << (tweak % 8);
  return {
    good,
    lowS: withParts(r, s > HALF_N ? N - s : s),
    highS: withParts(r, s > HALF_N ? s : N - s),
    tampered,
    otherKey: sign('sha256', message, { key: other.privateKey, dsaEncoding: 'ieee-p1363' }),
    rZero: withParts(0n, s),
    sZero: withParts(r, 0n),
    rIsN: withParts(N, s),
    sIsN: withParts(r, N),
    rOverN: withParts(r + N < 2n ** 256n ? r + N : r, s),
    allOnes: Buffer.alloc(64, 0xff),
    allZeros: Buffer.alloc(64),
  };
};

describe('secp256k1 P1363 verifier', () => {
  it('uses libsecp256k1 on this machine (linux-x64 has a prebuilt addon), so the comparison below is not node:crypto against itself', () => {
    expect(`${process.platform}-${process.arch}`).toBe('linux-x64');
    expect(secp256k1Verifier).toBe('libsecp256k1');
  });

  it('gives node:crypto’s verdict on valid, high-S, tampered, foreign and out-of-range signatures', () => {
    const verdicts = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: pairs.length - 1 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(),
        (which, bytes, tweak) => {
          const pair = pairs[which]!;
          const message = Buffer.from(bytes);
          const fast = p1363Verifier(pair.publicKey, 'libsecp256k1');
          const reference = p1363Verifier(pair.publicKey, 'node:crypto');
          for (const [name, signature] of Object.entries(
            variants(pair, pairs[(which + 1) % pairs.length]!, message, tweak),
          )) {
            const expected = reference(message, signature);
            expect(fast(message, signature), `${name} over ${message.toString('hex')}`).toBe(expected);
            const key = `${name}:${expected}`;
            verdicts.set(key, (verdicts.get(key) ?? 0) + 1);
          }
        },
      ),
      { numRuns: 300 },
    );
    // Both verdicts were exercised: valid (including high-S, which OpenSSL accepts) and invalid.
    for (const key of [
      'good:true',
      'lowS:true',
      'highS:true',
      'tampered:false',
      'otherKey:false',
      'rZero:false',
      'sZero:false',
      'rIsN:false',
      'sIsN:false',
      'allOnes:false',
    ])
      expect(verdicts.get(key), key).toBeGreaterThan(0);
  });

  it('does not modify the signature it is given (a high-S one is normalised on a copy)', () => {
    const pair = pairs[0]!;
    const message = Buffer.from('{"amount":1}');
    const good = sign('sha256', message, { key: pair.privateKey, dsaEncoding: 'ieee-p1363' });
    const s = toBigint(good.subarray(32));
    const highS = withParts(toBigint(good.subarray(0, 32)), s > HALF_N ? s : N - s);
    const before = Buffer.from(highS);
    expect(p1363Verifier(pair.publicKey, 'libsecp256k1')(message, highS)).toBe(true);
    expect(highS.equals(before)).toBe(true);
  });
});
