/**
 * The load command's signing preparation: which modes a scenario may run, what k6 is handed in
 * each (the private key only when k6 signs something), and the corpus written for presigned runs.
 * The k6 runs themselves are in load/k6/signed-requests.test.ts.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedactor, exportPrivateKeyPem, formatMoney, generatePrivateKey, signMessage } from '../../lib';
import { burstPlan } from '../corpus-plans';
import { LOAD_ENV, type OtpMode } from '../load-env';
import { corpusEntries, type SigningMode } from '../request-corpus';
import { CORPUS_FILE, prepareSigning, signingModeFor } from './signing';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const key = generatePrivateKey('secp256k1');
const slots = () =>
  burstPlan({
    vouchers: [{ code: '1000000000000001', amount: formatMoney(100_000_000n) }],
    vus: 4,
    seed: 1,
    fill: 1,
    flows: 0,
  });

const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(opened.map((p) => p.close()));
});

async function prepare(mode: SigningMode, otp: OtpMode, signer?: 'helper' | 'k6') {
  const redactor = createRedactor();
  const dir = await mkdtemp(join(tmpdir(), 'omnivas-load-signing-'));
  dirs.push(dir);
  const prepared = await prepareSigning({
    scenario: 'same-voucher-burst',
    mode,
    otp,
    fixedOtp: otp === 'fixed' ? '111111' : undefined,
    slots,
    key,
    dir,
    redactor,
    ...(signer === undefined ? {} : { signer }),
  });
  opened.push(prepared);
  const corpus = await readFile(join(dir, CORPUS_FILE), 'utf8').catch(() => undefined);
  return { ...prepared, dir, corpus, redactor };
}

describe('signingModeFor', () => {
  it('takes k6 by default and presigned for a scenario with a corpus plan', () => {
    expect(signingModeFor('same-voucher-burst', undefined)).toBe('k6');
    expect(signingModeFor('same-voucher-burst', 'presigned')).toBe('presigned');
    expect(signingModeFor('idempotency-storm', 'k6')).toBe('k6');
    for (const flow of ['steady-flow', 'soak', 'faults']) expect(signingModeFor(flow, 'presigned')).toBe('presigned');
  });

  it('refuses presigned for a scenario without a plan, and an unknown mode, naming the fix', () => {
    expect(() => signingModeFor('idempotency-storm', 'presigned')).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(
          /^--signing presigned: idempotency-storm has no corpus plan .*run it with --signing k6/,
        ),
      }),
    );
    expect(() => signingModeFor('same-voucher-burst', 'node')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: '--signing expected k6 or presigned, got "node"' }),
    );
  });
});

describe('prepareSigning', () => {
  it('k6: starts the signing helper and hands k6 its address, its token (redacted from then on) and the key; no corpus', async () => {
    const run = await prepare('k6', 'sandbox-outbox');
    const token = run.env[LOAD_ENV.signerToken]!;
    expect(run.env).toEqual({
      [LOAD_ENV.signing]: 'k6',
      [LOAD_ENV.privateKey]: exportPrivateKeyPem(key),
      [LOAD_ENV.signerUrl]: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      [LOAD_ENV.signerToken]: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(run.redactor.redactText(`k6 said ${token}`)).not.toContain(token);
    const body = '{"voucherCode":"1"}';
    const signed = await fetch(`${run.env[LOAD_ENV.signerUrl]}/sign`, {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await signed.text()).toBe(signMessage(key, body));
    expect(run.report).toEqual({ mode: 'k6', claims: 'k6', redemptions: 'k6' });
    expect(run.corpus).toBeUndefined();
    expect(run.description).toBe(
      'signing at run time (claims by the signing helper, redemptions by the signing helper)',
    );
    await run.close();
    await expect(fetch(`${run.env[LOAD_ENV.signerUrl]}/sign`, { method: 'POST', body })).rejects.toThrow();
  });

  it('k6 with signer k6: no helper, k6 signs with the key it is handed', async () => {
    const run = await prepare('k6', 'sandbox-outbox', 'k6');
    expect(run.env).toEqual({ [LOAD_ENV.signing]: 'k6', [LOAD_ENV.privateKey]: exportPrivateKeyPem(key) });
    expect(run.description).toBe('signing at run time (claims in k6, redemptions in k6)');
  });

  it('presigned with outbox OTPs: the corpus holds the claims, the helper signs the redemptions', async () => {
    const run = await prepare('presigned', 'sandbox-outbox');
    expect(run.env).toEqual({
      [LOAD_ENV.signing]: 'presigned',
      [LOAD_ENV.corpusPath]: join(run.dir, CORPUS_FILE),
      [LOAD_ENV.privateKey]: exportPrivateKeyPem(key),
      [LOAD_ENV.signerUrl]: expect.any(String),
      [LOAD_ENV.signerToken]: expect.any(String),
    });
    const entries = corpusEntries(run.corpus!, CORPUS_FILE);
    expect(entries).toHaveLength(4);
    expect(entries.every((e) => e.redeem === undefined)).toBe(true);
    expect(run.description).toMatch(
      /^signing presigned \(claims pre-signed, redemptions by the signing helper; 4 signed in Node in \d+ ms into corpus\.json\)$/,
    );
  });

  it('presigned with a fixed OTP or none: everything is in the corpus, k6 gets no private key and no helper runs', async () => {
    for (const otp of ['fixed', 'none'] as const) {
      const run = await prepare('presigned', otp);
      expect(Object.keys(run.env).sort()).toEqual([LOAD_ENV.corpusPath, LOAD_ENV.signing].sort());
      const entries = corpusEntries(run.corpus!, CORPUS_FILE);
      expect(entries.every((e) => (otp === 'fixed' ? e.redeem?.otp === '111111' : e.redeem === undefined))).toBe(true);
      expect(run.report.redemptions).toBe(otp === 'fixed' ? 'corpus' : 'none');
      expect(run.corpus).not.toContain('PRIVATE KEY');
      expect((await stat(join(run.dir, CORPUS_FILE))).size).toBeGreaterThan(0);
    }
  });
});
