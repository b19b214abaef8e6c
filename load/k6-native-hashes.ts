/**
 * Hands lib/'s secp256k1 signer k6's native SHA-256 and HMAC (k6/crypto, Go code) in place of
 * noble's pure-JavaScript ones, which k6's interpreter runs hundreds of times slower: RFC 6979
 * hashes seven times per signature, so they were most of a signature's cost in k6. Imported for
 * its effect by every module that signs inside k6 (load/signed-requests.ts, the signing-speed
 * scenario); same bytes out, as the signer's property test proves with node:crypto's HMAC.
 */
import { hmac, sha256 } from 'k6/crypto';
import { useSha256Primitives } from '../lib';

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
