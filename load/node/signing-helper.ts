/**
 * The signing helper (Node): signs request bodies for k6 on 127.0.0.1, so a run's requests are
 * signed at run time without k6 signing them. k6's interpreter signs a secp256k1 body in about a
 * millisecond at best (lib/secp256k1-signer.ts); here libsecp256k1 signs in tens of microseconds,
 * and the round trip on loopback costs k6 about what any request costs it: `npm run bench` has
 * the flows per second either way. The pattern is the OTP bridge's (load/otp-bridge.ts): a free
 * port, its own random bearer token handed to k6 through the process environment (never argv),
 * `POST /sign` with a request body, the standard base64 x-signature over canonicalBody(body) (what
 * the server verifies over) as the answer: re-serialising here rather than in k6 saves k6's
 * interpreter a JSON parse and stringify per signature (about 40 µs of k6's CPU each on this
 * machine). Neither the key nor the token is ever printed or written: the token goes to the run's
 * redactor, and an answer holds a signature or a fixed refusal, nothing else.
 *
 * It runs on the load command's own thread, beside the embedded sandbox. A worker thread was tried
 * (its own event loop, so the OS could run it on the other core): on this 2-core machine it cost
 * about half as much CPU again per signature (a cross-thread wake-up for each request), and k6 with
 * the sandbox already keep both cores busy, so a saturated steady-flow ran a few per cent fewer flows.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { canonicalBody } from '../../lib/canonical-json';
import { HarnessError } from '../../lib/errors';
import type { PrivateKey } from '../../lib/keys';
import { signMessage } from '../../lib/signature';

export interface SigningHelper {
  readonly url: string;
  /** The bearer token k6 must send; register it with the run's redactor. */
  readonly token: string;
  /** Bodies signed, and requests refused (no token, wrong path). */
  readonly counts: { signed: number; refused: number };
  close(): Promise<void>;
}

/** The bodies k6 signs are small JSON requests; anything past this is not one. */
const MAX_BODY_BYTES = 64 * 1024;

interface Libsecp256k1 {
  ecdsaSign(digest: Uint8Array, secretKey: Uint8Array): { signature: Uint8Array };
}

/** The addon through the package's checked wrapper; undefined where it has no prebuilt binary (lib/ signs then). */
function loadLibsecp256k1(): Libsecp256k1 | undefined {
  try {
    return createRequire(import.meta.url)('secp256k1/bindings') as Libsecp256k1;
  } catch {
    return undefined;
  }
}

const libsecp256k1 = loadLibsecp256k1();

/** Which code signs secp256k1 bodies here. */
export const helperSecp256k1Signer: 'libsecp256k1' | 'lib' = libsecp256k1 === undefined ? 'lib' : 'libsecp256k1';

/**
 * The x-signature of `message` (the UTF-8 bytes k6 sent) with `key`: libsecp256k1's RFC 6979 low-S r||s is
 * noble's signature byte for byte (signing-helper.test.ts), so either signer gives the same value.
 */
export function helperSignature(key: PrivateKey, message: Uint8Array): string {
  if (key.type !== 'secp256k1' || libsecp256k1 === undefined) return signMessage(key, message);
  const digest = createHash('sha256').update(message).digest();
  return Buffer.from(libsecp256k1.ecdsaSign(digest, key.privateKey).signature).toString('base64');
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
}

function authorized(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** `token`: what k6 must send as `Bearer …` (load/otp-bridge.ts newBridgeToken makes one). */
export async function startSigningHelper(options: { key: PrivateKey; token: string }): Promise<SigningHelper> {
  const { key, token } = options;
  const counts = { signed: 0, refused: 0 };
  const server = createServer((req, res) => {
    const refuse = (status: number, text: string) => {
      counts.refused++;
      answer(res, status, text);
    };
    if (req.method !== 'POST' || req.url !== '/sign') return refuse(404, 'the signing helper answers POST /sign only');
    if (!authorized(req.headers.authorization, token)) return refuse(401, 'the signing helper needs its bearer token');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size === 0 || size > MAX_BODY_BYTES)
        return refuse(400, `the body to sign must be from 1 to ${MAX_BODY_BYTES} bytes`);
      let canonical: string;
      try {
        canonical = canonicalBody(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // A fixed refusal: the parser's message would quote the body.
        return refuse(400, 'the body to sign must be JSON');
      }
      counts.signed++;
      answer(res, 200, helperSignature(key, Buffer.from(canonical, 'utf8')));
    });
  });
  // Keep-alive well past k6's gaps between flows, so a VU keeps its connection.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new HarnessError('INTERNAL', `the signing helper cannot listen on 127.0.0.1: ${err.message}`, { cause: err }),
      ),
    );
    server.listen(0, '127.0.0.1', resolve);
  });
  // A helper left open by a run that failed before k6 started must not keep the process alive.
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
