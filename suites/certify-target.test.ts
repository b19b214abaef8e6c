/**
 * Certify against a sandbox reached the way a platform team or a merchant reaches their test
 * environment: a plain target file, no sandbox.adminUrl. The test arranges the environment with
 * the admin API (as a platform team arranges theirs); the harness under test never gets it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { describeVoucherNeed, FULL_CERTIFY_VOUCHERS } from './voucher-budget';
import { registry } from './registry';
import { stateMachineChecks } from './state-machine.checks';
import type { Area } from './check-result';

const FIXED_OTP = '735191';

/** Defects of the voucher state machine, each with the fixed sequence made to catch it (state-machine.defects.test.ts). */
const STATE_DEFECTS = [
  ['fee-deducted-twice', 'state.fee-consumed-once'],
  ['money-in-floating-point', 'state.exact-micro-arithmetic'],
  ['status-not-redeemed-at-zero', 'state.redeemed-at-zero'],
  ['otp-reusable', 'state.otp-single-use'],
  ['claim-kept-after-4096', 'state.claim-released-after-4096'],
] as const;
/** Defects the partner and made-to-order checks catch on the sandbox (replay and detail defects tests). */
const PARTNER_DEFECTS = [
  ['partner-overdraft', 'replay.partner-no-overdraft'],
  ['detail-amounts-not-6-places', 'detail.reflects-issued-voucher'],
] as const;
const VOUCHERS = 30;

interface Environment {
  readonly sandbox: RunningSandbox;
  readonly file: string;
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * An OTP relay as a platform team runs one beside a test environment: GET /otp/:voucherCode
 * answers the code of the newest SMS sent for the voucher (read here from the sandbox outbox).
 */
async function startOtpRelay(admin: SandboxAdminClient): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const code = decodeURIComponent((req.url ?? '').replace(/^\/otp\//, ''));
    admin
      .sms({ voucherCode: code })
      .then((messages) => {
        const otp = messages.at(-1)?.otp;
        res.writeHead(otp === undefined ? 404 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ otp: otp ?? null }));
      })
      .catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/otp/{voucherCode}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
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
  /** The OTP of each claim from an http relay, instead of one fixed code. */
  readonly otpRelay?: boolean;
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
        ...(options.otpRelay ? {} : { fixedOtp: FIXED_OTP }),
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
  const relay = options.otpRelay ? await startOtpRelay(admin) : undefined;
  const file = join(
    dir,
    `${full ? 'full' : 'plain'}${relay ? '-relay' : ''}${(options.defects ?? []).map((d) => `-${d}`).join('')}.json`,
  );
  await writeFile(
    file,
    JSON.stringify({
      name: full ? 'test environment with fixtures and hooks' : 'test environment, vouchers only',
      baseUrl: sandbox.url,
      profile: 'merchant-v1',
      auth: merchant.auth,
      otp: relay ? { source: 'http', url: relay.url } : { source: 'fixed', code: FIXED_OTP },
      fixtures,
      ...(full ? { testHooks: true } : {}),
    }),
  );
  return {
    sandbox,
    file,
    env,
    close: async () => Promise.all([relay?.close(), sandbox.close()]).then(() => undefined),
  };
}

const ran = (run: CertifyRun) => run.report.results.filter((r) => r.status !== 'skip').length;

const statusById = (run: CertifyRun, area: Area) =>
  new Map(run.report.results.filter((r) => r.area === area).map((r) => [r.id, r.status]));

describe('certify against a target without the admin API', { timeout: 300_000 }, () => {
  let dir: string;
  const environments: Environment[] = [];
  const open = async (options: EnvironmentOptions) => {
    const environment = await testEnvironment(dir, options);
    environments.push(environment);
    return environment;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certify-target-'));
  });
  afterAll(async () => {
    await Promise.all(environments.map((e) => e.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('with ordinary vouchers and a fixed OTP: shares the vouchers, fails nothing, and says INCOMPLETE', async () => {
    const { file, env } = await open({ full: false });
    const run = await runCertify({ target: file, env, seed: 11 });
    const broken = run.report.results.filter((r) => r.status === 'fail' || r.status === 'error');
    expect(broken.map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    expect(ran(run)).toBeGreaterThanOrEqual(69);
    expect(run.summary.verdict).toBe('incomplete');
    // What certify says beforehand is what a full run used.
    expect(run.vouchers.draws.filter((d) => d.own).length).toBe(FULL_CERTIFY_VOUCHERS.owned);
    expect(run.vouchers.vouchersUsed).toBeLessThanOrEqual(FULL_CERTIFY_VOUCHERS.owned + FULL_CERTIFY_VOUCHERS.shared);
    expect(describeVoucherNeed([{ code: '1' }])).toMatch(/about 29 ordinary vouchers .* lists 1: .* list 28 more/);
    const reasons = run.summary.completeness.reasons.map((r) => r.reason).join('\n');
    // Each skip names what would unlock it: a fixture, the test hooks, --slow.
    expect(reasons).toMatch(/"fixtures\.secondMerchant"/);
    expect(reasons).toMatch(/"fixtures\.partner"/);
    expect(reasons).toMatch(/"kind": "expired"/);
    expect(reasons).toMatch(/"testHooks": true/);
    expect(reasons).not.toMatch(/no unused voucher left/);
    expect(run.report.results.find((r) => r.id === 'err.redeem.4035')?.status).toBe('pass');
    // The state sequences run on listed vouchers; the one that must tell two claims' OTPs apart names its unlock.
    const state = statusById(run, 'state-machine');
    expect(state.get('state.model')).toBe('pass');
    const model = run.report.results.find((r) => r.id === 'state.model');
    expect(model?.note).toMatch(/on listed vouchers of their own \([1-3] of 30 runs\)/);
    expect(state.get('state.redeemed-at-zero')).toBe('pass');
    expect(state.get('state.otp-bound-to-claim')).toBe('skip');
    expect(reasons).toMatch(/an "otp" source of "http" or "command"/);
    // The report model decides with an acceptance (certify --allow-incomplete), not a rerun.
    expect(summarizeReport({ ...run.report, acceptance: { allowIncomplete: true } }).verdict).toBe('pass');
  });

  it('with voucher kinds, second-merchant and partner credentials and test hooks: 22/22 codes, no admin API', async () => {
    const { file, env } = await open({ full: true });
    const run = await runCertify({ target: file, env, seed: 12 });
    const broken = run.report.results.filter((r) => r.status === 'fail' || r.status === 'error');
    expect(broken.map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    expect(run.report.target.sandbox).toBe(false);
    expect(run.summary.coverage.codesVerified).toBe(run.summary.coverage.codesDocumented);
    expect(run.summary.coverage.codesDocumented).toBe(22);
    expect(ran(run)).toBeGreaterThanOrEqual(100);
    // What still cannot run: the clock (--slow waits it out), each claim's own OTP (an http or command
    // source gives it: the relay test below), and the origin check, which needs the sandbox.
    expect(run.report.results.filter((r) => r.status === 'skip').map((r) => r.id)).toEqual([
      'auth.token-expires',
      'auth.origin-checked',
      'state.otp-bound-to-claim',
      'state.otp-expires',
    ]);
    // The partner of "fixtures.partner" writes, is held to its balance, and issues vouchers to order.
    for (const id of ['replay.partner-write-needs-idempotency-key', 'replay.partner-no-overdraft'])
      expect(statusById(run, 'replay').get(id), id).toBe('pass');
    expect(statusById(run, 'detail').get('detail.reflects-issued-voucher')).toBe('pass');
    expect(run.summary.verdict).toBe('incomplete');
  });

  it("with an http OTP source, a claim's own OTP is tested: passes on a correct server, fails one whose OTP names any claim", async () => {
    const checks = stateMachineChecks.filter((c) => c.id === 'state.otp-bound-to-claim');
    const correct = await open({ full: false, otpRelay: true, vouchers: 2 });
    const passed = await runCertify({ target: correct.file, env: correct.env, seed: 14, checks });
    expect(passed.report.results.map((r) => [r.id, r.status, r.reason])).toEqual([
      ['state.otp-bound-to-claim', 'pass', undefined],
    ]);
    const broken = await open({ full: false, otpRelay: true, vouchers: 2, defects: ['otp-not-bound-to-claim'] });
    const failed = await runCertify({ target: broken.file, env: broken.env, seed: 14, checks });
    expect(failed.report.results.map((r) => r.status)).toEqual(['fail']);
  });

  // Through the partner of "fixtures.partner": the sandbox's partner endpoints with a seeded defect.
  for (const [defect, id] of PARTNER_DEFECTS) {
    it(`a server with ${defect} fails ${id} through a target file with partner credentials`, async () => {
      const { file, env } = await open({ full: true, defects: [defect], vouchers: 1 });
      const checks = registry.all().filter((c) => c.id === id);
      const run = await runCertify({ target: file, env, seed: 15, checks });
      const result = run.report.results.find((r) => r.id === id);
      expect(result?.status, `${result?.message ?? result?.reason ?? ''}`).toBe('fail');
    });
  }

  // The state sequences run on listed vouchers brought down to their amounts, with the fixed OTP:
  // a seeded defect still fails the sequence made for it.
  for (const [defect, id] of STATE_DEFECTS) {
    it(`a server with ${defect} fails ${id} through a plain target file`, async () => {
      const { file, env } = await open({ full: false, defects: [defect], vouchers: 2 });
      const checks = stateMachineChecks.filter((c) => c.id === id);
      const run = await runCertify({ target: file, env, seed: 13, checks });
      const result = run.report.results.find((r) => r.id === id);
      expect(result?.status, `${result?.message ?? result?.reason ?? ''}`).toBe('fail');
      expect(result?.evidence.length).toBeGreaterThan(1);
      expect(run.vouchers.draws.map((d) => d.own)).toEqual([true]);
    });
  }
});
