import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from './index';
import { readyMerchant, SandboxClient } from './testing';

let sandbox: RunningSandbox;
let client: SandboxClient;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 3 });
  client = new SandboxClient(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => client.adminOk('POST', '/reset'));

const INITIATE = '/topup-transactions/initiate-claim';
const claimsOf = async (code: string) =>
  (await client.ledger()).filter((e) => e.kind === 'claim-reserved' && e.voucherCode === code).length;

describe('idempotency keys (docs/design.md › Behaviour where the API documents are silent)', () => {
  it('the same key with the same body replays the first answer byte for byte, with no second effect', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 100 });
    const body = { voucherCode: v.code, amount: 10, idempotencyKey: 'same', metadata: '{}' };
    const first = await client.signedPost(m.merchant, m.token, INITIATE, body);
    // the same JSON sent with other whitespace is the same body
    const again = await client.signedPost(m.merchant, m.token, INITIATE, JSON.stringify(body, null, 2));
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(await claimsOf(v.code)).toBe(1);
    expect(await client.otps(v.code)).toHaveLength(1);
  });

  it('a replayed redemption pays once and answers with the same reference numbers', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 100 });
    await m.initiate({ voucherCode: v.code, amount: 10 });
    const body = { voucherCode: v.code, verificationCode: await client.lastOtp(v.code), idempotencyKey: 'pay-once' };
    const first = await client.signedPost(m.merchant, m.token, '/topup-transactions/redeem-gift', body);
    const second = await client.signedPost(m.merchant, m.token, '/topup-transactions/redeem-gift', body);
    expect(first.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect((await client.voucher(v.code)).remainingBalance).toBe('90.000000');
  });

  it('a documented refusal is bound to its key too: replayed, even once the cause is gone', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 5 });
    const body = { voucherCode: v.code, amount: 10, idempotencyKey: 'too-much' };
    const refused = await client.signedPost(m.merchant, m.token, INITIATE, body);
    expect(refused.json.statusCode).toBe(4091);
    await client.adminOk('POST', `/vouchers/${v.code}/balance`, { remainingBalance: 50 });
    expect((await client.signedPost(m.merchant, m.token, INITIATE, body)).text).toBe(refused.text);
  });

  it('the same key with a different body is refused with 422 and has no effect', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 100 });
    expect(
      (await client.signedPost(m.merchant, m.token, INITIATE, { voucherCode: v.code, amount: 10, idempotencyKey: 'k' }))
        .status,
    ).toBe(200);
    const other = await client.signedPost(m.merchant, m.token, INITIATE, {
      voucherCode: v.code,
      amount: 11,
      idempotencyKey: 'k',
    });
    expect(other.status).toBe(422);
    expect(other.json).toMatchObject({ statusCode: 422, success: false, data: null });
    expect(await claimsOf(v.code)).toBe(1);
  });

  it('a key whose first request is still running is refused with 409, and never runs twice', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 100 });
    await client.adminOk('POST', '/faults', { endpoint: 'initiate-claim', kind: 'delay', delayMs: 400 });
    const body = { voucherCode: v.code, amount: 10, idempotencyKey: 'slow' };
    const slow = client.signedPost(m.merchant, m.token, INITIATE, body);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const meanwhile = await client.signedPost(m.merchant, m.token, INITIATE, body);
    expect(meanwhile.status).toBe(409);
    expect((await slow).status).toBe(200);
    expect(await claimsOf(v.code)).toBe(1);
    expect((await client.signedPost(m.merchant, m.token, INITIATE, body)).text).toBe((await slow).text);
  });

  it('a request without a key is refused with 400', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 100 });
    const answer = await client.signedPost(m.merchant, m.token, INITIATE, { voucherCode: v.code, amount: 10 });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toContain('idempotencyKey');
  });

  it('keys are scoped per merchant: two merchants using one key both take effect', async () => {
    const a = await readyMerchant(client);
    const b = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 100 });
    const body = { voucherCode: v.code, amount: 10, idempotencyKey: 'shared' };
    expect((await client.signedPost(a.merchant, a.token, INITIATE, body)).status).toBe(200);
    expect((await client.signedPost(b.merchant, b.token, INITIATE, body)).status).toBe(200);
    expect(await claimsOf(v.code)).toBe(2);
  });

  it('keys are scoped per endpoint: the E2E example reuses one key for initiate then redeem', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 1000 });
    expect(
      (
        await client.signedPost(m.merchant, m.token, '/topup-transactions/initiate-redeem', {
          voucherCode: v.code,
          amount: 500,
          idempotencyKey: 'unique-key-123',
          metadata: '{}',
        })
      ).status,
    ).toBe(200);
    const redeemed = await client.signedPost(m.merchant, m.token, '/topup-transactions/redeem-gift', {
      voucherCode: v.code,
      verificationCode: await client.lastOtp(v.code),
      idempotencyKey: 'unique-key-123',
      metadata: '{}',
    });
    expect(redeemed.json.message).toBe('Gift redeemed successfully');
  });

  it('initiate-claim and its alias initiate-redeem are one endpoint for keys', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 100 });
    const body = { voucherCode: v.code, amount: 10, idempotencyKey: 'alias' };
    const first = await client.signedPost(m.merchant, m.token, INITIATE, body);
    expect((await client.signedPost(m.merchant, m.token, '/topup-transactions/initiate-redeem', body)).text).toBe(
      first.text,
    );
    expect(await claimsOf(v.code)).toBe(1);
  });

  it('keys are kept 24 hours of sandbox clock', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 100 });
    const body = { voucherCode: v.code, amount: 10, idempotencyKey: 'day' };
    await client.signedPost(m.merchant, m.token, INITIATE, body);
    await client.advanceClock(23 * 3600);
    const token = await client.login(m.merchant);
    await client.signedPost(m.merchant, token, INITIATE, body);
    expect(await claimsOf(v.code)).toBe(1);
    await client.advanceClock(3600);
    const later = await client.login(m.merchant);
    expect((await client.signedPost(m.merchant, later, INITIATE, body)).status).toBe(200);
    expect(await claimsOf(v.code)).toBe(2);
  });

  it('an injected fault leaves the key free: a retry with it runs afresh', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 100 });
    await client.adminOk('POST', '/faults', { endpoint: 'initiate-claim', kind: 'error', code: 5004 });
    const body = { voucherCode: v.code, amount: 10, idempotencyKey: 'retry' };
    expect((await client.signedPost(m.merchant, m.token, INITIATE, body)).json.statusCode).toBe(5004);
    expect(await claimsOf(v.code)).toBe(0);
    expect((await client.signedPost(m.merchant, m.token, INITIATE, body)).status).toBe(200);
    expect(await claimsOf(v.code)).toBe(1);
  });
});

describe('other injected faults', () => {
  it('a connection reset drops the connection with no effect; the next call is served', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 100 });
    await client.adminOk('POST', '/faults', { endpoint: 'initiate-claim', kind: 'reset' });
    await expect(m.initiate({ voucherCode: v.code, amount: 10 })).rejects.toThrow();
    expect(await claimsOf(v.code)).toBe(0);
    expect((await m.initiate({ voucherCode: v.code, amount: 10 })).status).toBe(200);
  });

  it('a delay slows exactly the next N calls to the endpoint', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 100 });
    await client.adminOk('POST', '/faults', { endpoint: 'voucher-detail', kind: 'delay', delayMs: 300, count: 2 });
    const timedDetail = async () => {
      const start = performance.now();
      expect((await m.detail(v.code)).status).toBe(200);
      return performance.now() - start;
    };
    expect(await timedDetail()).toBeGreaterThanOrEqual(290);
    expect((await client.adminOk('GET', '/faults')).faults).toMatchObject([
      { endpoint: 'voucher-detail', kind: 'delay', remaining: 1 },
    ]);
    expect(await timedDetail()).toBeGreaterThanOrEqual(290);
    expect((await client.adminOk('GET', '/faults')).faults).toEqual([]);
  });
});
