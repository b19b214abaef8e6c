import { afterAll, describe, expect, it } from 'vitest';
import { TEST_FAULT_HEADER, TEST_FAULT_MESSAGE_HEADER } from '../lib/test-hooks';
import { startSandbox } from './start';
import type { RunningSandbox } from './start';
import { SandboxClient } from './testing';

const started: RunningSandbox[] = [];
afterAll(() => Promise.all(started.map((s) => s.close())));

async function open(testHooks: boolean) {
  const sandbox = await startSandbox({ seed: 3, testHooks });
  started.push(sandbox);
  const client = new SandboxClient(sandbox);
  const merchant = await client.createMerchant();
  const token = await client.login(merchant);
  const { code } = await client.adminOk('POST', '/vouchers', { amount: 100, ownerMsisdn: '251911000000' });
  const initiate = (idempotencyKey: string, headers: Record<string, string> = {}) =>
    client.signedPost(
      merchant,
      token,
      '/topup-transactions/initiate-claim',
      { voucherCode: code, amount: 10, idempotencyKey, metadata: '{}' },
      headers,
    );
  return { client, merchant, token, code: code as string, initiate };
}

describe('test hooks (docs/test-hooks.md)', () => {
  it('are ignored unless the sandbox was started with them', async () => {
    const { initiate } = await open(false);
    const answer = await initiate('k-1', { [TEST_FAULT_HEADER]: '5031' });
    expect(answer.status).toBe(200);
  });

  it('answer the documented code, with the provider message, and leave no effect and the key free', async () => {
    const { initiate, client, merchant, token, code } = await open(true);
    const hooked = await initiate('k-1', { [TEST_FAULT_HEADER]: '5001' });
    expect(hooked.status).toBe(500);
    expect(hooked.json).toMatchObject({ statusCode: 5001, success: false, data: null });
    const detail = await client.detail(token, code);
    expect(detail.json.data.voucher.status).toBe('ACTIVE');
    // The key stays free: the retry without the header runs afresh.
    expect((await initiate('k-1')).status).toBe(200);
    const redeem = await client.signedPost(
      merchant,
      token,
      '/topup-transactions/redeem-gift',
      { voucherCode: code, verificationCode: await client.lastOtp(code), idempotencyKey: 'r-1', metadata: '{}' },
      { [TEST_FAULT_HEADER]: '5031', [TEST_FAULT_MESSAGE_HEADER]: 'telebirr timeout' },
    );
    expect(redeem.status).toBe(503);
    expect(redeem.json.message).toContain('telebirr timeout');
    expect((await client.detail(token, code)).json.data.voucher.remainingBalance).toBe('100.000000');
  });

  it('refuse a code the endpoint does not document, naming the ones it does', async () => {
    const { initiate } = await open(true);
    const answer = await initiate('k-2', { [TEST_FAULT_HEADER]: '4036' });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(/x-omnivas-test-fault.*initiate-claim.*5001/);
  });
});
