/**
 * ECDSA secp256k1 SHA-256 signing, as noble signs (RFC 6979 deterministic k, low-S, IEEE-P1363
 * r||s), made fast enough for k6: k·G from a fixed-base table (lib/secp256k1-base-table.ts) and
 * SHA-256 from whoever runs it. In Node noble's hashes serve; inside k6 the scenarios hand in k6's
 * native ones (load/k6-signing.ts): noble's pure-JS SHA-256 costs about 3 ms a block in k6's
 * interpreter, hundreds of times k6/crypto's, and RFC 6979 hashes seven times per signature.
 * The property test holds it to noble's signatures, byte for byte, and to node:crypto's verdict.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, hexEncode } from './bytes';
import { HarnessError } from './errors';
import { baseMultiplyX, invertMod, SECP256K1_N } from './secp256k1-base-table';

export interface Sha256Primitives {
  sha256(data: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
}

export const NOBLE_SHA256: Sha256Primitives = {
  sha256: (data) => sha256(data),
  hmacSha256: (key, data) => hmac(sha256, key, data),
};

let hashes: Sha256Primitives = NOBLE_SHA256;

/** Signs with these SHA-256 primitives from now on (k6 hands in its native ones, once per VM). */
export function useSha256Primitives(primitives: Sha256Primitives): void {
  hashes = primitives;
}

const N = SECP256K1_N;
const HALF_N = N >> 1n;

const toBigInt = (bytes: Uint8Array): bigint => BigInt(`0x${hexEncode(bytes) || '0'}`);
/** Big-endian, 32 bytes; 0 ≤ x < 2^256. Six bytes at a time through a Number: fewer BigInt steps than one per byte. */
function to32Bytes(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let rest = x;
  for (let end = 32; end > 0; end -= 6) {
    let chunk = Number(rest & 0xffffffffffffn);
    rest >>= 48n;
    for (let i = end - 1; i >= Math.max(end - 6, 0); i--) {
      out[i] = chunk % 256;
      chunk = Math.floor(chunk / 256);
    }
  }
  return out;
}

/** Deterministic (RFC 6979 › 3.2, HMAC-SHA256) low-S signature over SHA-256(message): 64 bytes r||s. */
export function signSecp256k1Rfc6979(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return signSecp256k1Digest(secretKey, hashes.sha256(message));
}

/**
 * The same signature from the message's SHA-256 digest (32 bytes), for a caller that hashes the
 * message itself: k6 hashes a string's UTF-8 natively, sparing the interpreter the encoding.
 */
export function signSecp256k1Digest(secretKey: Uint8Array, digest: Uint8Array): Uint8Array {
  if (digest.length !== 32)
    throw new HarnessError('INVALID_ARGUMENT', `"digest" expected the 32 bytes of a SHA-256, got ${digest.length}`);
  const d = secretKey.length === 32 ? toBigInt(secretKey) : 0n;
  if (d <= 0n || d >= N)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"secretKey" expected 32 bytes holding a scalar from 1 to n−1 of secp256k1, got ${secretKey.length} bytes`,
    );
  // qlen = hlen = 256: bits2int is the plain integer; bits2octets reduces it mod n (RFC 6979 › 2.3).
  const m = toBigInt(digest) % N;
  const seed = concatBytes(secretKey, to32Bytes(m));
  const { hmacSha256 } = hashes;
  let v: Uint8Array = new Uint8Array(32).fill(1);
  let k = hmacSha256(new Uint8Array(32), concatBytes(v, Uint8Array.of(0), seed));
  v = hmacSha256(k, v);
  k = hmacSha256(k, concatBytes(v, Uint8Array.of(1), seed));
  v = hmacSha256(k, v);
  for (;;) {
    v = hmacSha256(k, v);
    const nonce = toBigInt(v);
    if (nonce > 0n && nonce < N) {
      const x = baseMultiplyX(nonce);
      const r = x === undefined ? 0n : x % N;
      if (r !== 0n) {
        const s = (invertMod(nonce, N) * ((m + r * d) % N)) % N;
        if (s !== 0n) return concatBytes(to32Bytes(r), to32Bytes(s > HALF_N ? N - s : s));
      }
    }
    // RFC 6979 › 3.2 h.3: an unusable k (probability about 2^-128) draws the next one.
    k = hmacSha256(k, concatBytes(v, Uint8Array.of(0)));
    v = hmacSha256(k, v);
  }
}
