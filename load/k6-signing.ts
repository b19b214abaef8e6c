/**
 * Signing inside k6, at native speed where k6 has it. k6's interpreter runs noble's pure-JavaScript
 * SHA-256 hundreds of times slower than k6/crypto's Go code, and RFC 6979 hashes seven times per
 * signature, so lib/'s secp256k1 signer is handed k6's SHA-256 and HMAC here, once per VM, for its
 * effect on every signature k6 makes (imported by load/k6-merchant.ts and the signing-speed
 * scenario). signBodyInK6 goes further for request bodies: k6 hashes the canonical string's UTF-8
 * and writes the base64 natively, the two steps lib/bytes.ts would otherwise do in the interpreter.
 * Same bytes out: lib/secp256k1-signer.test.ts holds the signer to noble with node:crypto's hashes
 * handed in, and load/signed-requests.test.ts has the sandbox verify what k6 signed.
 */
import { b64encode } from 'k6/encoding';
import { hmac, sha256 } from 'k6/crypto';
import { canonicalBody, signBody, signSecp256k1Digest, useSha256Primitives, type PrivateKey } from '../lib';

/** k6/crypto takes whole ArrayBuffers: a view onto part of one is copied out. */
function bufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.slice().buffer as ArrayBuffer);
}

useSha256Primitives({
  sha256: (data) => new Uint8Array(sha256(bufferOf(data), 'binary')),
  hmacSha256: (key, data) => new Uint8Array(hmac('sha256', bufferOf(key), bufferOf(data), 'binary')),
});

/** The x-signature of a request body, over canonicalBody(body) as the server verifies (Authentication › Step 3). */
export function signBodyInK6(key: PrivateKey, body: string): string {
  if (key.type !== 'secp256k1') return signBody(key, body).signature;
  // k6/crypto hashes a string as its UTF-8 bytes, a lone surrogate as U+FFFD, as lib/bytes.ts utf8Encode does.
  const digest = new Uint8Array(sha256(canonicalBody(body), 'binary'));
  const signature = signSecp256k1Digest(key.privateKey, digest);
  return b64encode(signature.buffer as ArrayBuffer, 'std');
}
