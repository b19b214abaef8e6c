/**
 * Signing inside k6: through the load command's signing helper when it runs one, else in k6's VM
 * at native speed where k6 has it. The helper (load/node/signing-helper.ts: libsecp256k1 on
 * loopback, in the load command's process) costs a VU one local request per signature and needs no
 * key in k6; without it (a distributed run, where no load command runs beside k6) k6 signs with
 * lib/: its secp256k1 signer is handed k6/crypto's SHA-256 and HMAC here, once per VM (noble's
 * pure-JavaScript SHA-256 runs hundreds of times slower in k6's interpreter, and RFC 6979 hashes
 * seven times per signature), and request bodies are hashed and base64-encoded natively. Same
 * signature either way: noble's, byte for byte (lib/secp256k1-signer.test.ts,
 * load/node/signing-helper.test.ts).
 */
import { hmac, sha256 } from 'k6/crypto';
import { b64encode } from 'k6/encoding';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import {
  canonicalBody,
  HarnessError,
  signBody,
  signSecp256k1Digest,
  useSha256Primitives,
  type PrivateKey,
} from '../../lib';
import { LOAD_ENV } from '../load-env';

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
export type BodySigner = (body: string) => string;

/** Signs in k6's VM with `key`. */
export function signerInK6(key: PrivateKey): BodySigner {
  if (key.type !== 'secp256k1') return (body) => signBody(key, body).signature;
  return (body) => {
    // k6/crypto hashes a string as its UTF-8 bytes, a lone surrogate as U+FFFD, as lib/bytes.ts utf8Encode does.
    const digest = new Uint8Array(sha256(canonicalBody(body), 'binary'));
    return b64encode(signSecp256k1Digest(key.privateKey, digest).buffer as ArrayBuffer, 'std');
  };
}

/** The signing helper's URL and token, when the load command runs one (read in the init context). */
export function helperAddress(): { url: string; token: string } | undefined {
  const url = __ENV[LOAD_ENV.signerUrl];
  if (url === undefined || url === '') return undefined;
  const token = __ENV[LOAD_ENV.signerToken];
  if (token === undefined || token === '')
    throw new HarnessError(
      'CONFIG_INVALID',
      `${LOAD_ENV.signerToken} is not set beside ${LOAD_ENV.signerUrl}; run scenarios through omnivas-harness load, which sets both`,
    );
  return { url, token };
}

/** Signatures the helper made, in the k6 summary: tells a helper-signed run from one k6 signed itself. */
const signedByHelper = new Counter('signed_by_helper');

/** Asks the helper at `address`: one POST of the body on loopback per signature, tagged apart from the API's requests. */
export function signerViaHelper(address: { url: string; token: string }): BodySigner {
  const params = {
    headers: { authorization: `Bearer ${address.token}`, 'content-type': 'text/plain; charset=utf-8' },
    tags: { endpoint: 'signing-helper' },
    timeout: '10s',
  };
  const url = `${address.url}/sign`;
  return (body) => {
    // The helper signs canonicalBody(body) itself: V8 re-serialises in microseconds, k6's interpreter in tens.
    const res = http.post(url, body, params);
    if (res.status !== 200 || typeof res.body !== 'string')
      throw new HarnessError(
        'INTERNAL',
        `the signing helper answered HTTP ${res.status}${typeof res.body === 'string' ? `: ${res.body}` : ''}`,
      );
    signedByHelper.add(1);
    return res.body;
  };
}
