/**
 * Certify against a sandbox reached the way a platform team or a merchant reaches their test
 * environment: a plain target file, no sandbox.adminUrl. The test arranges the environment with
 * the admin API (as a platform team arranges theirs); the harness under test never gets it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPrivateKeyPem, exportPublicKeyPem, generatePrivateKey } from '../lib/keys';
import type { KeyType } from '../lib/keys';
import { MICRO_PER_UNIT } from '../lib/money';
import { createSandboxAdminClient } from '../lib/node/sandbox-admin-client';
import type { SandboxAdminClient } from '../lib/node/sandbox-admin-client';
import { summarizeReport } from '../reports/report-model';
import { startSandbox } from '../sandbox';
import type { RunningSandbox } from '../sandbox';
import { runCertify } from './certify';
import type { CertifyRun } from './certify';
import { SERVICE_FEE } from './embedded-sandbox';
import { stateMachineChecks } from './state-machine.checks';

const FIXED_OTP = '735191';

/** Defects of the voucher state machine, each with the fixed sequence made to catch it (state-machine.defects.test.ts). */
const STATE_DEFECTS = [
  ['fee-deducted-twice', 'state.fee-consumed-once'],
  ['money-in-floating-point', 'state.exact-micro-arithmetic'],
  ['status-not-redeemed-at-zero', 'state.redeemed-at-zero'],
  ['otp-reusable', 'state.otp-single-use'],
  ['claim-kept-after-4096', 'state.claim-released-after-4096'],
] as const;
const VOUCHERS = 30;

interface Environment {
  readonly sandbox: RunningSandbox;
  readonly file: string;
  readonly env: Record<string, string>;
}

/** Credentials a platform team hands out: a registered key pair and its API key, in variables. */
async function credentials(
  admin: SandboxAdminClient,
  env: Record<string, string>,
  name: string,
  keyType: KeyType,
  kind: 'merchant' | 'partner',
) {
  const key = generatePrivateKey(keyType);
  const publicKeyPem = exportPublicKeyPem(key);
  const created =
    kind === 'merchant'
      ? await admin.createMerchant({ publicKeyPem, keyType, serviceFee: SERVICE_FEE })
      : await admin.createPartner({ publicKeyPem, reservedBalance: 1_000n * MICRO_PER_UNIT });
  env[`${name}_KEY`] = created.apiKey;
  env[`${name}_PEM`] = exportPrivateKeyPem(key, 'pkcs8');
  return { id: created.id, auth: { apiKeyEnv: `${name}_KEY`, privateKeyEnv: `${name}_PEM`, keyType } };
}

interface EnvironmentOptions {
  /** Voucher kinds, second-merchant and partner credentials, test hooks. */
  readonly full: boolean;
  /** Seeded defects of the server under test. */
  readonly defects?: readonly string[];
  readonly vouchers?: number;
}

async function testEnvironment(dir: string, options: EnvironmentOptions): Promise<Environment> {
  const { full } = options;
  const sandbox = await startSandbox({ seed: 7, testHooks: full, defects: options.defects ?? [] });
  const admin = createSandboxAdminClient({ adminUrl: sandbox.adminUrl, adminToken: sandbox.adminToken });
  const env: Record<string, string> = {};
  const merchant = await credentials(admin, env, 'MERCHANT', 'secp256k1', 'merchant');
  const issue = async (spec: { expirationDate?: string; restrictedMerchantId?: string; partnerId?: string } = {}) =>
    (
      await admin.createVoucher({
        amount: 1_000n * MICRO_PER_UNIT,
        ownerMsisdn: '251911000000',
        fixedOtp: FIXED_OTP,
        ...spec,
      })
    ).code;
  const vouchers: { code: string; kind?: string }[] = [];
  for (let i = 0; i < (options.vouchers ?? VOUCHERS); i++) vouchers.push({ code: await issue() });
  const fixtures: Record<string, unknown> = { vouchers };
  if (full) {
    const second = await credentials(admin, env, 'SECOND', 'ed25519', 'merchant');
    const partner = await credentials(admin, env, 'PARTNER', 'ed25519', 'partner');
    const disabled = await credentials(admin, env, 'DISABLED', 'ed25519', 'partner');
    vouchers.push({ code: await issue({ expirationDate: '2020-01-01T00:00:00.000Z' }), kind: 'expired' });
    vouchers.push({ code: await issue({ restrictedMerchantId: second.id }), kind: 'restricted' });
    const spent = await issue();
    await admin.setVoucherBalance(spent, 0n);
    vouchers.push({ code: spent, kind: 'redeemed' });
    vouchers.push({ code: await issue({ partnerId: disabled.id }), kind: 'disabled-partner' });
    await admin.disablePartner(disabled.id);
    fixtures.secondMerchant = second.auth;
    fixtures.partner = { baseUrl: sandbox.partnerUrl, ...partner.auth };
  }
  const file = join(dir, `${full ? 'full' : 'plain'}${(options.defects ?? []).map((d) => `-${d}`).join('')}.json`);
  await writeFile(
    file,
    JSON.stringify({
      name: full ? 'test environment with fixtures and hooks' : 'test environment, vouchers only',
      baseUrl: sandbox.url,
      profile: 'merchant-v1',
      auth: merchant.auth,
      otp: { source: 'fixed', code: FIXED_OTP },
      fixtures,
      ...(full ? { testHooks: true } : {}),
    }),
  );
  return { sandbox, file, env };
}

const ran = (run: CertifyRun) => run.report.results.filter((r) => r.status !== 'skip').length;

describe('certify against a target without the admin API', { timeout: 300_000 }, () => {
  let dir: string;
  const sandboxes: RunningSandbox[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certify-target-'));
  });
  afterAll(async () => {
    await Promise.all(sandboxes.map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('with ordinary vouchers and a fixed OTP: shares the vouchers, fails nothing, and says INCOMPLETE', async () => {
    const { sandbox, file, env } = await testEnvironment(dir, { full: false });
    sandboxes.push(sandbox);
    const run = await runCertify({ target: file, env, seed: 11 });
    const broken = run.report.results.filter((r) => r.status === 'fail' || r.status === 'error');
    expect(broken.map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    expect(ran(run)).toBeGreaterThanOrEqual(69);
    expect(run.summary.verdict).toBe('incomplete');
    const reasons = run.summary.completeness.reasons.map((r) => r.reason).join('\n');
    // Each skip names what would unlock it: a fixture, the test hooks, --slow.
    expect(reasons).toMatch(/"fixtures\.secondMerchant"/);
    expect(reasons).toMatch(/"fixtures\.partner"/);
    expect(reasons).toMatch(/"kind": "expired"/);
    expect(reasons).toMatch(/"testHooks": true/);
    expect(reasons).not.toMatch(/no unused voucher left/);
    expect(run.report.results.find((r) => r.id === 'err.redeem.4035')?.status).toBe('pass');
    // The report model decides with an acceptance (certify --allow-incomplete), not a rerun.
    expect(summarizeReport({ ...run.report, acceptance: { allowIncomplete: true } }).verdict).toBe('pass');
  });

  it('with voucher kinds, second-merchant and partner credentials and test hooks: 22/22 codes, no admin API', async () => {
    const { sandbox, file, env } = await testEnvironment(dir, { full: true });
    sandboxes.push(sandbox);
    const run = await runCertify({ target: file, env, seed: 12 });
    const broken = run.report.results.filter((r) => r.status === 'fail' || r.status === 'error');
    expect(broken.map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    expect(run.report.target.sandbox).toBe(false);
    expect(run.summary.coverage.codesVerified).toBe(run.summary.coverage.codesDocumented);
    expect(run.summary.coverage.codesDocumented).toBe(22);
    expect(ran(run)).toBeGreaterThanOrEqual(82);
    expect(run.summary.verdict).toBe('incomplete');
  });

  // The state sequences run on listed vouchers brought down to their amounts, with the fixed OTP:
  // a seeded defect still fails the sequence made for it.
  for (const [defect, id] of STATE_DEFECTS) {
    it(`a server with ${defect} fails ${id} through a plain target file`, async () => {
      const { sandbox, file, env } = await testEnvironment(dir, { full: false, defects: [defect], vouchers: 2 });
      sandboxes.push(sandbox);
      const checks = stateMachineChecks.filter((c) => c.id === id);
      const run = await runCertify({ target: file, env, seed: 13, checks });
      const result = run.report.results.find((r) => r.id === id);
      expect(result?.status, `${result?.message ?? result?.reason ?? ''}`).toBe('fail');
      expect(result?.evidence.length).toBeGreaterThan(1);
      expect(run.vouchers.draws.map((d) => d.own)).toEqual([true]);
    });
  }
});
