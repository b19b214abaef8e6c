/**
 * Proves that the signing code the suites use runs inside k6: the scenario is bundled as
 * `npm run build` bundles it, run in the pinned k6, and the signatures made there verify with
 * Node's crypto (OpenSSL), as the sandbox verifies them. Without k6 this fails (never skips), and
 * the failure says to run npm run k6:install.
 */
import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLoadBundles, scenarioEntries } from './node/build-load';
import { runSigningSpeed } from './node/run-signing-speed';
import {
  opsPerSecondOf,
  parseSigningSpeedReport,
  type SigningSample,
  type SigningSpeedReport,
} from './signing-speed-report';

const ITERATIONS = 2;

function nodeVerifies(sample: SigningSample, message: string): boolean {
  // secp256k1 is ECDSA over SHA-256 with P1363 r||s (merchant API, Authentication › Step 3); Ed25519 takes no digest.
  const digest = sample.algorithm === 'secp256k1' ? 'sha256' : null;
  return verify(
    digest,
    Buffer.from(message),
    { key: createPublicKey(sample.publicKeyPem), dsaEncoding: 'ieee-p1363' },
    Buffer.from(sample.signature, 'base64'),
  );
}

describe('signing-speed scenario in k6', () => {
  let dir = '';
  let run: Promise<SigningSpeedReport> | undefined;

  /**
   * Bundles and runs the scenario once, for every test that needs it. Awaited inside each test, not
   * in beforeAll, so that a missing k6 fails each test with its message rather than skipping them.
   */
  function signingSpeedInK6(): Promise<SigningSpeedReport> {
    run ??= (async () => {
      dir = await mkdtemp(join(tmpdir(), 'k6-signing-'));
      const entry = (await scenarioEntries())['signing-speed'];
      if (entry === undefined) throw new Error('load/k6/signing-speed.scenario.ts is not found as a scenario entry');
      const [bundle] = await buildLoadBundles({ entryPoints: { 'signing-speed': entry }, outdir: dir });
      return runSigningSpeed(bundle!, ITERATIONS);
    })();
    return run;
  }

  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('signs inside k6 with lib/, and Node crypto verifies each signature', async () => {
    const report = await signingSpeedInK6();
    expect(report.samples.map((s) => s.algorithm)).toEqual(['secp256k1', 'ed25519']);
    for (const sample of report.samples) {
      expect(JSON.parse(sample.message)).toMatchObject({ voucherCode: '3225118500682251', amount: 500 });
      expect(nodeVerifies(sample, sample.message), `${sample.algorithm} signature made in k6`).toBe(true);
      // The same check refuses a body changed by one character, so the pass above means something.
      expect(
        nodeVerifies(sample, sample.message.replace('500', '501')),
        `${sample.algorithm} over an altered body`,
      ).toBe(false);
    }
  });

  it('times sign and verify for both algorithms with the requested iteration count', async () => {
    const report = await signingSpeedInK6();
    expect(report.timings.map((t) => `${t.algorithm}/${t.operation}`)).toEqual([
      'secp256k1/sign',
      'secp256k1/verify',
      'ed25519/sign',
      'ed25519/verify',
    ]);
    for (const timing of report.timings) {
      expect(timing.iterations).toBe(ITERATIONS);
      expect(timing.elapsedMs).toBeGreaterThanOrEqual(0);
      expect(opsPerSecondOf(timing)).toBeGreaterThan(0);
    }
  });
});

describe('parseSigningSpeedReport', () => {
  it('finds the report among other log lines', () => {
    const line = JSON.stringify({ kind: 'signing-speed', timings: [], samples: [] });
    expect(parseSigningSpeedReport(`{not json\n{"kind":"other"}\n${line}\n`).kind).toBe('signing-speed');
  });

  it('says what k6 printed when there is no report', () => {
    expect(() => parseSigningSpeedReport('HarnessError: "SIGNING_ITERATIONS" expected a positive integer')).toThrow(
      expect.objectContaining({ code: 'K6_FAILED', message: expect.stringContaining('SIGNING_ITERATIONS') }),
    );
  });
});
