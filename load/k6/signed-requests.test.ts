/**
 * Both signing modes of load/k6/signed-requests.ts, through runLoad and the pinned k6
 * against the embedded sandbox. presigned: the burst holds its invariants, every claim sent is the
 * corpus's (its idempotency key, made in Node, is in the history) and k6 signed no claim (its
 * counters in k6's summary); the reports say presigned. k6: the same counters show every claim
 * signed in k6 and none from a corpus, so they tell the modes apart. presigned against a loopback
 * sandbox with a fixed OTP: redemptions come from the corpus too and k6, given no key, signs
 * nothing. Fails (never skips) without k6, saying to run npm run k6:install.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPrivateKeyPem, exportPublicKeyPem, generatePrivateKey } from '../../lib';
import { createSandboxAdminClient } from '../../lib/node/sandbox-admin-client';
import { startSandbox } from '../../sandbox';
import { LOAD_TEST_TIMEOUT_MS, loadRunsIn } from '../node/testing';
import { corpusEntries } from '../request-corpus';

const runIn = loadRunsIn('signing');

async function burst(signing: 'k6' | 'presigned', vus: number, vouchers: number, target?: string) {
  const { run, out } = await runIn({
    scenario: 'same-voucher-burst',
    vus,
    vouchers,
    seed: 5,
    fill: 2,
    signing,
    ...(target === undefined ? {} : { target }),
  });
  const count = (metric: string) => run.k6.summary?.metrics?.[metric]?.values?.['count'] ?? 0;
  return { run, out, count };
}

describe('signing modes of the same-voucher burst', { timeout: LOAD_TEST_TIMEOUT_MS }, () => {
  it('presigned: claims come from the corpus, k6 signs none of them, the invariants hold and the reports say so', async () => {
    const { run, out, count } = await burst('presigned', 20, 2);
    const corpus = corpusEntries(await readFile(join(run.out, 'corpus.json'), 'utf8'), 'corpus.json');
    expect(corpus).toHaveLength(40);
    const claims = run.history.filter((op) => op.op === 'claim');
    expect(claims).toHaveLength(40);
    // The keys were made in Node by the generator: a claim carrying one was sent from the corpus.
    const byKey = new Map(corpus.map((e) => [e.claim.idempotencyKey, e]));
    for (const claim of claims)
      expect(byKey.get(claim.idempotencyKey)).toMatchObject({ voucherCode: claim.voucher, amount: claim.amount });
    const redemptions = run.history.filter((op) => op.op === 'redeem');
    expect(redemptions.length).toBeGreaterThan(0);
    expect(count('presigned_requests')).toBe(40);
    expect(count('k6_signed_claims')).toBe(0);
    // Outbox OTPs are known only after the claim: those redemptions are signed in k6, and counted.
    expect(count('k6_signed_redemptions')).toBe(redemptions.length);
    const signing = { mode: 'presigned', claims: 'corpus', redemptions: 'k6' };
    expect(run.k6.summary?.signing).toEqual(signing);
    expect(run.signing).toEqual(signing);
    expect(out).toMatch(
      /; signing presigned \(claims pre-signed, redemptions by the signing helper; 40 signed in Node/,
    );
    expect(count('signed_by_helper')).toBe(redemptions.length);
    expect(run.verdict.valid).toBe(true);
    expect(run.pass, out).toBe(true);
  });

  it('k6: every claim is signed at run time, by the signing helper, none from a corpus', async () => {
    const { run, out, count } = await burst('k6', 10, 1);
    const claims = run.history.filter((op) => op.op === 'claim');
    expect(claims).toHaveLength(10);
    expect(count('k6_signed_claims')).toBe(10);
    const redemptions = run.history.filter((op) => op.op === 'redeem');
    expect(count('signed_by_helper')).toBe(10 + redemptions.length);
    expect(out).toMatch(/; signing at run time \(claims by the signing helper, redemptions by the signing helper\)/);
    expect(count('presigned_requests')).toBe(0);
    expect(run.k6.summary?.signing).toEqual({ mode: 'k6', claims: 'k6', redemptions: 'k6' });
    await expect(readFile(join(run.out, 'corpus.json'))).rejects.toThrow(/ENOENT/);
    expect(run.verdict.valid).toBe(true);
    expect(run.pass, out).toBe(true);
  });

  it('presigned with a fixed OTP: redemptions come from the corpus too, and k6 signs nothing (it has no private key)', async () => {
    const OTP = '246810';
    const sandbox = await startSandbox({ fixtures: { fixedOtp: OTP } });
    const names = {
      apiKey: 'OMNIVAS_SIGNING_TEST_KEY',
      pem: 'OMNIVAS_SIGNING_TEST_PEM',
      admin: 'OMNIVAS_SIGNING_TEST_ADMIN',
    };
    let dir: string | undefined;
    try {
      const key = generatePrivateKey('secp256k1');
      const merchant = await createSandboxAdminClient({
        adminUrl: sandbox.adminUrl,
        adminToken: sandbox.adminToken,
      }).createMerchant({
        publicKeyPem: exportPublicKeyPem(key),
        keyType: 'secp256k1',
        name: 'signing test',
        serviceFee: 1_000_000n,
      });
      Object.assign(process.env, {
        [names.apiKey]: merchant.apiKey,
        [names.pem]: exportPrivateKeyPem(key),
        [names.admin]: sandbox.adminToken,
      });
      dir = await mkdtemp(join(tmpdir(), 'omnivas-signing-target-'));
      const target = join(dir, 'target.json');
      await writeFile(
        target,
        JSON.stringify({
          name: 'fixed-otp sandbox',
          baseUrl: sandbox.url,
          profile: 'merchant-v1',
          auth: { apiKeyEnv: names.apiKey, privateKeyEnv: names.pem, keyType: 'secp256k1' },
          otp: { source: 'fixed', code: OTP },
          sandbox: { adminUrl: sandbox.adminUrl, adminTokenEnv: names.admin },
        }),
      );
      const { run, out, count } = await burst('presigned', 10, 1, target);
      const corpus = corpusEntries(await readFile(join(run.out, 'corpus.json'), 'utf8'), 'corpus.json');
      const redeemKeys = new Set(corpus.map((e) => e.redeem?.idempotencyKey));
      const redemptions = run.history.filter((op) => op.op === 'redeem');
      expect(redemptions.length).toBeGreaterThan(0);
      for (const op of redemptions) expect(redeemKeys.has(op.idempotencyKey)).toBe(true);
      expect(count('presigned_requests')).toBe(10 + redemptions.length);
      expect(count('k6_signed_claims') + count('k6_signed_redemptions')).toBe(0);
      expect(run.k6.summary?.signing).toEqual({ mode: 'presigned', claims: 'corpus', redemptions: 'corpus' });
      expect(run.verdict.valid).toBe(true);
      expect(run.pass, out).toBe(true);
    } finally {
      for (const name of Object.values(names)) delete process.env[name];
      await sandbox.close();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    }
  });
});
