/** Ed25519 (RFC 8032): the partner profile's X-Signature and merchants registered with portal keys. */
import { ed } from './noble-setup';

export const ED25519_SIGNATURE_BYTES = 64;

export function signEd25519(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return ed.sign(message, secretKey);
}

/** RFC 8032 strict verification (not ZIP-215), as the server's Node crypto (OpenSSL) verifies. */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return ed.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false; // malformed point or scalar: not a valid signature
  }
}
