import { describe, expect, it } from 'vitest';
import { exportPrivateKeyPem, generatePrivateKey } from '../lib/keys';
import { resolveTarget } from '../lib/node/target-file';
import { parseTargetConfig } from '../lib/target-config';
import { createCertifyContext, powersOf } from './context';
import { startEmbeddedSandbox } from './embedded-sandbox';
import { createVoucherBudget } from './voucher-budget';

async function realTarget() {
  const config = parseTargetConfig({
    name: 'a real target',
    baseUrl: 'http://127.0.0.1:9/api/v1/merchant/client',
    profile: 'merchant-v1',
    auth: { apiKeyEnv: 'K', privateKeyEnv: 'P', keyType: 'secp256k1' },
    fixtures: { vouchers: [{ code: '1111' }, { code: '2222' }] },
  });
  return resolveTarget(config, {
    env: { K: 'an-api-key-value', P: exportPrivateKeyPem(generatePrivateKey('secp256k1')) },
    baseDir: '.',
    origin: 'test',
  });
}

describe('certify context on a target without sandbox powers', () => {
  it('skips clock moves, unless --slow, which waits them out', async () => {
    const target = await realTarget();
    const plain = createCertifyContext({ target, seed: 1 });
    expect(plain.powers.has('clock')).toBe(false);
    await expect(plain.advanceClock(1)).rejects.toMatchObject({
      code: 'CHECK_NOT_APPLICABLE',
      message: expect.stringMatching(/--slow/),
    });
    const slow = createCertifyContext({ target, seed: 1, slow: true });
    expect([...slow.powers]).toEqual(['clock']);
    const started = Date.now();
    await slow.advanceClock(0.2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("has each claim's own OTP from an http or command source, not from a fixed one", () => {
    expect([...powersOf({ sandbox: false, slow: false, testHooks: false, otp: 'http' })]).toEqual(['otp-per-claim']);
    expect([...powersOf({ sandbox: false, slow: false, testHooks: false, otp: 'command' })]).toEqual(['otp-per-claim']);
    expect([...powersOf({ sandbox: false, slow: false, testHooks: false, otp: 'fixed' })]).toEqual([]);
    expect(powersOf({ sandbox: true, slow: false, testHooks: false, otp: 'sandbox-outbox' }).has('otp-per-claim')).toBe(
      true,
    );
  });

  it('draws fixture vouchers from the run budget; made-to-order vouchers need the sandbox', async () => {
    const target = await realTarget();
    const vouchers = createVoucherBudget(target.config.fixtures.vouchers);
    const ctx = createCertifyContext({ target, seed: 1, vouchers });
    await expect(ctx.voucher({ issue: { amount: 1n } })).rejects.toMatchObject({
      code: 'CHECK_NOT_APPLICABLE',
      message: expect.stringMatching(/only the sandbox/),
    });
    // Nothing answers on port 9: no balance can be read, so no fixture voucher serves.
    await expect(ctx.voucher({ amount: 1n })).rejects.toMatchObject({
      code: 'CHECK_NOT_APPLICABLE',
      message: expect.stringMatching(/fixtures\.vouchers/),
    });
    await expect(ctx.otp('1111', 0)).rejects.toMatchObject({ code: 'CHECK_NOT_APPLICABLE' });
  });
});

describe('certify context with an exchange observer', () => {
  it('hands onExchange to every client it makes: the merchant, other merchants, the partner', async () => {
    const embedded = await startEmbeddedSandbox({ serviceFee: 1_000_000n });
    try {
      const seen: string[] = [];
      const ctx = createCertifyContext({
        target: embedded.target,
        seed: 1,
        sandbox: embedded.access,
        onExchange: (x) => seen.push(`${x.method} ${new URL(x.url).pathname} ${x.status}`),
      });
      await ctx.merchant.client().login();
      await (await ctx.otherMerchant()).client().login();
      await (await ctx.partner()).client().send({ method: 'GET', path: '/account' });
      expect(seen).toEqual([
        'POST /api/v1/merchant/client/auth/login 200',
        'POST /api/v1/merchant/client/auth/login 200',
        'GET /api/v1/partner/account 200',
      ]);
    } finally {
      await embedded.close();
    }
  });
});
