/**
 * An injectable random source, so that k6 scenarios and tests can seed idempotency keys, amounts
 * and voucher codes and replay a run exactly.
 */
export interface RandomSource {
  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number;
}

/** mulberry32: tiny, fast, good enough for test data (not for keys). */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return {
    nextUint32() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (t ^ (t >>> 14)) >>> 0;
    },
  };
}

/** Cryptographic randomness from WebCrypto's getRandomValues (Node and k6 both have it). */
export function cryptoRandom(): RandomSource {
  const buf = new Uint32Array(64);
  let i = buf.length;
  return {
    nextUint32() {
      if (i === buf.length) {
        globalThis.crypto.getRandomValues(buf);
        i = 0;
      }
      return buf[i++]!;
    },
  };
}

/** An integer in [0, bound), without modulo bias. `bound` must be in [1, 2^32]. */
export function randomBelow(random: RandomSource, bound: number): number {
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    const x = random.nextUint32();
    if (x < limit) return x % bound;
  }
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomString(random: RandomSource, length: number, alphabet = ALPHANUMERIC): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomBelow(random, alphabet.length)];
  return out;
}

export function randomDigits(random: RandomSource, length: number): string {
  return randomString(random, length, '0123456789');
}
