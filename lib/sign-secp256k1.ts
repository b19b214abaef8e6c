/**
 * ECDSA over secp256k1 with SHA-256, signatures as IEEE-P1363 (64-byte r||s): what the merchant
 * API verifies (Authentication › Step 3). Signing goes through lib/secp256k1-signer.ts (noble's
 * signatures, byte for byte, fast enough for k6); verification stays with noble.
 */
import { secp256k1 } from './noble-setup';
import { signSecp256k1Rfc6979 } from './secp256k1-signer';

export const SECP256K1_SIGNATURE_BYTES = 64;

/** Deterministic (RFC 6979) low-S signature over `message`. */
export function signSecp256k1(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return signSecp256k1Rfc6979(secretKey, message);
}

/**
 * Accepts high-S signatures too: the server verifies with Node's crypto (OpenSSL), which does not
 * enforce low-S, and a client signing with Node or Python produces high-S half the time.
 */
export function verifySecp256k1(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== SECP256K1_SIGNATURE_BYTES) return false;
  try {
    return secp256k1.verify(signature, message, publicKey, { prehash: true, lowS: false });
  } catch {
    return false; // r or s out of range, or a malformed key: not a valid signature
  }
}
