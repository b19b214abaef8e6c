/**
 * Signing speed inside k6's JavaScript VM, with the code the scenarios sign request bodies with
 * when no signing helper runs (load/k6-signing.ts signerInK6: lib/'s table signer on k6's native
 * SHA-256 for secp256k1, noble for Ed25519): k6's WebCrypto has neither secp256k1 nor Ed25519
 * (v2.2.0 refuses Ed25519 keys). Verification is lib/'s (noble). One VU, one iteration; each operation
 * runs SIGNING_ITERATIONS times (k6 -e SIGNING_ITERATIONS=N, default 100) timed with Date.now().
 * Prints one JSON line (load/signing-speed-report.ts) with the timings and one signature per
 * algorithm, so Node's crypto can check that what k6 signed verifies.
 */
import type { Options } from 'k6/options';
import { signerInK6 } from './k6-signing';
import {
  base64Decode,
  cryptoRandom,
  exportPublicKeyPem,
  generatePrivateKey,
  HarnessError,
  initiateClaimBody,
  moneyFromDecimal,
  newIdempotencyKey,
  utf8Encode,
  verifyMessageBytes,
  type KeyType,
} from '../../lib';
import {
  SIGNING_SPEED_KIND,
  type SigningSample,
  type SigningSpeedReport,
  type SigningTiming,
} from '../signing-speed-report';

export const options: Options = { vus: 1, iterations: 1 };

const DEFAULT_ITERATIONS = 100;

function iterationCount(): number {
  const raw = __ENV.SIGNING_ITERATIONS;
  if (raw === undefined) return DEFAULT_ITERATIONS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"SIGNING_ITERATIONS" expected a positive integer, got ${JSON.stringify(raw)}`,
    );
  return n;
}

// Read in the init context, so a bad value stops k6 with a non-zero exit instead of failing an iteration.
const ITERATIONS = iterationCount();

function timed(
  algorithm: KeyType,
  operation: SigningTiming['operation'],
  iterations: number,
  op: () => unknown,
): SigningTiming {
  const start = Date.now();
  for (let i = 0; i < iterations; i++) op();
  return { algorithm, operation, iterations, elapsedMs: Date.now() - start };
}

export default function signingSpeed(): void {
  // A body as the scenarios sign it: an initiate-claim with a fresh idempotency key, so every run signs new bytes.
  const message = initiateClaimBody({
    voucherCode: '3225118500682251',
    amount: moneyFromDecimal('500'),
    idempotencyKey: newIdempotencyKey(cryptoRandom()),
    metadata: '{}',
  });
  const bytes = utf8Encode(message);
  const timings: SigningTiming[] = [];
  const samples: SigningSample[] = [];
  for (const algorithm of ['secp256k1', 'ed25519'] as const) {
    const key = generatePrivateKey(algorithm);
    const sign = signerInK6(key);
    // The sample Node checks, made and verified here before timing; it also warms the signers' precomputed tables, as a long run would have them.
    const signatureText = sign(message);
    const signature = base64Decode(signatureText);
    if (!verifyMessageBytes(key, bytes, signature))
      throw new HarnessError('INTERNAL', `${algorithm}: lib/ did not verify its own signature inside k6`);
    samples.push({ algorithm, publicKeyPem: exportPublicKeyPem(key), message, signature: signatureText });
    timings.push(timed(algorithm, 'sign', ITERATIONS, () => sign(message)));
    timings.push(timed(algorithm, 'verify', ITERATIONS, () => verifyMessageBytes(key, bytes, signature)));
  }
  const report: SigningSpeedReport = { kind: SIGNING_SPEED_KIND, timings, samples };
  console.log(JSON.stringify(report));
}
