/**
 * The remote path of runLoad end to end, against a loopback sandbox judged as remote through the
 * test-only `treatAsRemote` seam (traffic stays on 127.0.0.1): the target file has no sandbox
 * powers, its `load` section consents and lists vouchers the test issued beforehand through the
 * sandbox admin API with a fixed OTP. The steady flow runs and is judged on what a client sees,
 * the ledger replay reported as not available; with a reservation defect the client-side verdict
 * alone fails the burst. Needs k6 (npm run k6:install) and fails without it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { SANDBOX_SECRET_ENV } from '../../lib/target-config';
import { SERVICE_FEE, startEmbeddedSandbox } from '../../suites/embedded-sandbox';
import type { EmbeddedSandbox } from '../../suites/embedded-sandbox';
import { runLoad } from './run-load';
import { LOAD_TEST_TIMEOUT_MS, loadRunsIn } from './testing';

const FIXED_OTP = '735191';
const runs = loadRunsIn('remote');
const dirs: string[] = [];
const sandboxes: EmbeddedSandbox[] = [];
const envNames: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  for (const name of envNames) delete process.env[name];
  await Promise.all(sandboxes.map((s) => s.close()));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A sandbox, vouchers issued on it with the fixed OTP, and a target file without sandbox powers listing them. */
async function remoteTarget(options: {
  defects?: string[];
  vouchers: number;
  amount: bigint;
  allowed?: boolean;
  /** The target file's OTP source; the fixed OTP by default. */
  otp?: (sandbox: EmbeddedSandbox) => Promise<Record<string, unknown>>;
}) {
  const sandbox = await startEmbeddedSandbox({ defects: options.defects ?? [], seed: 5, serviceFee: SERVICE_FEE });
  sandboxes.push(sandbox);
  const vouchers = [];
  for (let i = 0; i < options.vouchers; i++) {
    const { code } = await sandbox.admin.createVoucher({
      amount: options.amount,
      ...(options.otp === undefined ? { fixedOtp: FIXED_OTP } : {}),
    });
    vouchers.push({ code, amount: (options.amount / 1_000_000n).toString() });
  }
  const n = sandboxes.length;
  const keyEnv = `OMNIVAS_REMOTE_TEST_KEY_${n}`;
  const pemEnv = `OMNIVAS_REMOTE_TEST_PEM_${n}`;
  process.env[keyEnv] = sandbox.secretsEnv[SANDBOX_SECRET_ENV.apiKey];
  process.env[pemEnv] = sandbox.secretsEnv[SANDBOX_SECRET_ENV.privateKey];
  envNames.push(keyEnv, pemEnv);
  const dir = await mkdtemp(join(tmpdir(), 'omnivas-remote-target-'));
  dirs.push(dir);
  const path = join(dir, 'target.json');
  await writeFile(
    path,
    JSON.stringify({
      name: 'loopback sandbox as a remote target',
      baseUrl: sandbox.target.config.baseUrl,
      profile: 'merchant-v1',
      auth: { apiKeyEnv: keyEnv, privateKeyEnv: pemEnv, keyType: 'secp256k1' },
      otp: options.otp === undefined ? { source: 'fixed', code: FIXED_OTP } : await options.otp(sandbox),
      load: {
        allowed: options.allowed ?? true,
        maxArrivalRate: 20,
        maxVus: 20,
        maxDurationSeconds: 10,
        vouchers,
      },
    }),
  );
  return { sandbox, path, vouchers };
}

/** An OTP relay on loopback, as a tester's SMS gateway would answer: the latest OTP the sandbox sent for the voucher. */
async function relayOf(sandbox: EmbeddedSandbox): Promise<Record<string, unknown>> {
  const server = createServer((req, res) => {
    const voucher = new URL(req.url ?? '/', 'http://relay').searchParams.get('voucher') ?? '';
    void sandbox.admin
      .sms({ voucherCode: voucher })
      .then((messages) => res.end(JSON.stringify({ otp: messages.at(-1)?.otp ?? '' })));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  closers.push(() => new Promise<void>((done) => server.close(() => done())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/otp?voucher={voucherCode}`;
  return { source: 'http', url };
}

describe('runLoad against a remote target without sandbox powers', { timeout: LOAD_TEST_TIMEOUT_MS }, () => {
  it('steady flow with a fixed OTP: spends the listed vouchers from what is left, finals from the detail endpoint, conservation decided', async () => {
    const { path, vouchers, sandbox } = await remoteTarget({ vouchers: 2, amount: 100_000_000n });
    // A night before spent part of the second voucher: the run starts from what the detail shows.
    await sandbox.admin.setVoucherBalance(vouchers[1]!.code, 60_000_000n);
    const { run, out } = await runs({
      scenario: 'steady-flow',
      profile: 'smoke',
      durationSeconds: 3,
      seed: 11,
      target: path,
      treatAsRemote: true,
    });
    expect(run.vouchers.map((v) => v.code)).toEqual(vouchers.map((v) => v.code));
    const redeemed = run.history.filter((op) => op.op === 'redeem' && op.outcome === 'ok');
    expect(redeemed.length).toBeGreaterThan(0);
    // Final states come from the merchant's detail endpoint: the redemptions lowered the balances.
    const spent = run.finals.filter((f) => BigInt(f.remainingBalance) < 100_000_000n);
    expect(spent.length).toBeGreaterThan(0);
    expect(run.ledgerAvailable).toBe(false);
    expect(run.ledger).toEqual([]);
    expect(out).toMatch(/ledger replay \(no over-reservation\): not available \(no sandbox powers\)/);
    expect(out).toMatch(/OTPs: fixed/);
    const finals = JSON.parse(await readFile(join(run.out, 'finals.json'), 'utf8')) as { admin: unknown[] };
    expect(finals.admin).toEqual([]); // the admin view is skipped
    const ledgerCheck = JSON.parse(await readFile(join(run.out, 'ledger-check.json'), 'utf8')) as { valid: unknown };
    expect(ledgerCheck.valid).toBe('not available (no sandbox powers)');
    expect(out).toMatch(new RegExp(`voucher ${vouchers[1]!.code} has 60\\.000000 left \\(100\\.000000 listed\\)`));
    expect(run.vouchers[1]!.amount).toBe('60.000000');
    // A fixed OTP redeems whichever claim is pending, which the client cannot tell; but every claim
    // the run made and every redemption are seen, so which claims were consumed is searched and
    // conservation decided from the start balance, the claims, the redemptions and the final balance.
    expect(run.verdict.violations, out).toEqual([]);
    expect(run.verdict.undetermined, out).toEqual([]);
    expect(run.verdict.valid).toBe(true);
    expect(out).toMatch(/PASS: thresholds passed; invariants hold/);
    expect(run.pass).toBe(true);
  });

  it('refuses a listed voucher with nothing left, having sent no load', async () => {
    const { path, vouchers, sandbox } = await remoteTarget({ vouchers: 1, amount: 10_000_000n });
    await sandbox.admin.setVoucherBalance(vouchers[0]!.code, 0n);
    await expect(
      runLoad({
        scenario: 'steady-flow',
        durationSeconds: 3,
        out: join(dirs[0]!, 'spent'),
        seed: 1,
        target: path,
        treatAsRemote: true,
      }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/is .* with 0\.000000 left: it is spent; list another voucher/),
    });
  });

  it('steady flow with an OTP per claim (http source): the client-side verdict decides, and passes', async () => {
    const { path } = await remoteTarget({ vouchers: 2, amount: 100_000_000n, otp: relayOf });
    const { run, out } = await runs({
      scenario: 'steady-flow',
      profile: 'smoke',
      durationSeconds: 3,
      seed: 12,
      target: path,
      treatAsRemote: true,
    });
    expect(run.history.some((op) => op.op === 'redeem' && op.outcome === 'ok')).toBe(true);
    expect(run.ledgerAvailable).toBe(false);
    expect(run.otpBridge?.answered).toBeGreaterThan(0);
    expect(run.verdict.valid, out).toBe(true);
    expect(run.pass, out).toBe(true);
  });

  it('bounded burst with reservation-check-then-act: the client-side verdict alone fails the run', async () => {
    const { path } = await remoteTarget({ defects: ['reservation-check-then-act'], vouchers: 2, amount: 100_000_000n });
    const { run, out } = await runs({
      scenario: 'same-voucher-burst',
      vus: 20,
      // As the gate's burst (mutants/plan.ts): the balance runs out mid-burst, where claims race.
      fill: 5,
      seed: 7,
      target: path,
      treatAsRemote: true,
    });
    expect(run.ledgerAvailable).toBe(false);
    expect(run.verdict.violations.length, out).toBeGreaterThan(0);
    expect(run.pass).toBe(false);
  });

  it('the seam keeps the consent rules: refused without consent, and scenarios needing sandbox powers', async () => {
    const refused = await remoteTarget({ vouchers: 1, amount: 10_000_000n, allowed: false });
    const base = { out: join(dirs[0]!, 'never'), seed: 1, target: refused.path, treatAsRemote: true } as const;
    await expect(runLoad({ ...base, scenario: 'steady-flow', durationSeconds: 3 })).rejects.toMatchObject({
      code: 'NOT_LOOPBACK',
    });
    const { path } = await remoteTarget({ vouchers: 1, amount: 10_000_000n });
    await expect(runLoad({ ...base, target: path, scenario: 'faults', durationSeconds: 3 })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(
        /faults needs sandbox powers .* run steady-flow, soak or same-voucher-burst there/,
      ),
    });
  });
});
