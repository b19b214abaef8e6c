/**
 * Both signing modes of load/signed-requests.ts, through the load command and the pinned k6
 * against the embedded sandbox. presigned: the burst holds its invariants, every claim sent is the
 * corpus's (its idempotency key, made in Node, is in the history) and k6 signed no claim (its
 * counters in summary.json); the reports say presigned. k6: the same counters show every claim
 * signed in k6 and none from a corpus, so they tell the modes apart. presigned against a loopback
 * sandbox with a fixed OTP: redemptions come from the corpus too and k6, given no key, signs
 * nothing. Fails (never skips) without k6, saying to run npm run k6:install.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCommand } from '../../cli/load-command';
import { exportPrivateKeyPem, exportPublicKeyPem, generatePrivateKey, parseHistoryLine } from '../../lib';
import { createSandboxAdminClient } from '../../lib/node/sandbox-admin-client';
import { startSandbox } from '../../sandbox';
import { corpusEntries } from '../request-corpus';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

interface Summary {
  signing: unknown;
  metrics: Record<string, { values?: { count?: number } } | undefined>;
}

async function burst(signing: 'k6' | 'presigned', vus: number, vouchers: number, target?: string) {
  const dir = await mkdtemp(join(tmpdir(), `omnivas-signing-${signing}-`));
  dirs.push(dir);
  const out: string[] = [];
  const code = await loadCommand(
    {
      scenario: 'same-voucher-burst',
      vus: String(vus),
      vouchers: String(vouchers),
      seed: '5',
      fill: '2',
      out: dir,
      signing,
      ...(target === undefined ? {} : { target }),
    },
    { out: (l) => out.push(l), err: () => undefined },
  );
  const ops = (await readFile(join(dir, 'history.jsonl'), 'utf8'))
    .split('\n')
    .flatMap((line) => parseHistoryLine(line) ?? []);
  const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Summary;
  const verdict = JSON.parse(await readFile(join(dir, 'verdict.json'), 'utf8')) as {
    signing: unknown;
    valid: boolean | string;
  };
  const count = (metric: string) => summary.metrics[metric]?.values?.count ?? 0;
  return { code, out: out.join('\n'), dir, ops, summary, verdict, count };
}

describe('signing modes of the same-voucher burst', () => {
  it('presigned: claims come from the corpus, k6 signs none of them, the invariants hold and the reports say so', async () => {
    const run = await burst('presigned', 20, 2);
    const corpus = corpusEntries(await readFile(join(run.dir, 'corpus.json'), 'utf8'), 'corpus.json');
    expect(corpus).toHaveLength(40);
    const claims = run.ops.filter((op) => op.op === 'claim');
    expect(claims).toHaveLength(40);
    // The keys were made in Node by the generator: a claim carrying one was sent from the corpus.
    const byKey = new Map(corpus.map((e) => [e.claim.idempotencyKey, e]));
    for (const claim of claims)
      expect(byKey.get(claim.idempotencyKey)).toMatchObject({ voucherCode: claim.voucher, amount: claim.amount });
    const redemptions = run.ops.filter((op) => op.op === 'redeem');
    expect(redemptions.length).toBeGreaterThan(0);
    expect(run.count('presigned_requests')).toBe(40);
    expect(run.count('k6_signed_claims')).toBe(0);
    // Outbox OTPs are known only after the claim: those redemptions are signed in k6, and counted.
    expect(run.count('k6_signed_redemptions')).toBe(redemptions.length);
    const signing = { mode: 'presigned', claims: 'corpus', redemptions: 'k6' };
    expect(run.summary.signing).toEqual(signing);
    expect(run.verdict.signing).toEqual(signing);
    expect(run.out).toMatch(/; signing presigned \(claims pre-signed, redemptions in k6; 40 signed in Node/);
    expect(run.verdict.valid).toBe(true);
    expect(run.code, run.out).toBe(0);
  });

  it('k6: every claim is signed in k6 with its own key, none from a corpus', async () => {
    const run = await burst('k6', 10, 1);
    const claims = run.ops.filter((op) => op.op === 'claim');
    expect(claims).toHaveLength(10);
    expect(run.count('k6_signed_claims')).toBe(10);
    expect(run.count('presigned_requests')).toBe(0);
    expect(run.summary.signing).toEqual({ mode: 'k6', claims: 'k6', redemptions: 'k6' });
    await expect(readFile(join(run.dir, 'corpus.json'))).rejects.toThrow(/ENOENT/);
    expect(run.verdict.valid).toBe(true);
    expect(run.code, run.out).toBe(0);
  });

  it('presigned with a fixed OTP: redemptions come from the corpus too, and k6 signs nothing (it has no private key)', async () => {
    const OTP = '246810';
    const sandbox = await startSandbox({ fixtures: { fixedOtp: OTP } });
    const names = {
      apiKey: 'OMNIVAS_SIGNING_TEST_KEY',
      pem: 'OMNIVAS_SIGNING_TEST_PEM',
      admin: 'OMNIVAS_SIGNING_TEST_ADMIN',
    };
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
      const dir = await mkdtemp(join(tmpdir(), 'omnivas-signing-target-'));
      dirs.push(dir);
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
      const run = await burst('presigned', 10, 1, target);
      const corpus = corpusEntries(await readFile(join(run.dir, 'corpus.json'), 'utf8'), 'corpus.json');
      const redeemKeys = new Set(corpus.map((e) => e.redeem?.idempotencyKey));
      const redemptions = run.ops.filter((op) => op.op === 'redeem');
      expect(redemptions.length).toBeGreaterThan(0);
      for (const op of redemptions) expect(redeemKeys.has(op.idempotencyKey)).toBe(true);
      expect(run.count('presigned_requests')).toBe(10 + redemptions.length);
      expect(run.count('k6_signed_claims') + run.count('k6_signed_redemptions')).toBe(0);
      expect(run.summary.signing).toEqual({ mode: 'presigned', claims: 'corpus', redemptions: 'corpus' });
      expect(run.verdict.valid).toBe(true);
      expect(run.code, run.out).toBe(0);
    } finally {
      for (const name of Object.values(names)) delete process.env[name];
      await sandbox.close();
    }
  });
});
