import fc from 'fast-check';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MICRO_PER_UNIT, moneyFromDecimal } from '../lib/money';
import { startSandbox, type RunningSandbox } from './index';
import { readyMerchant, SandboxClient, signBody, type ReadyMerchant } from './testing';

let sandbox: RunningSandbox;
let client: SandboxClient;
/** Enough sockets that the 100 requests really are in flight together. */
const agent = new Agent({ connections: 128 });

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 13 });
  client = new SandboxClient(sandbox);
});
afterAll(async () => {
  await sandbox.close();
  await agent.close();
});
beforeEach(() => client.adminOk('POST', '/reset'));

/** Signs every request first, then sends them all at once. */
async function burst(
  m: ReadyMerchant,
  path: string,
  bodies: Record<string, unknown>[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; json: any }[]> {
  const signed = bodies.map((body) => {
    const text = JSON.stringify(body);
    return { text, signature: signBody(m.merchant.privateKey, text) };
  });
  return Promise.all(
    signed.map(async ({ text, signature }) => {
      const res = await fetch(`${sandbox.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-token': m.token, 'x-signature': signature },
        body: text,
        dispatcher: agent,
      });
      return { status: res.status, json: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    }),
  );
}

const BALANCE = 1000;

describe('100 concurrent claims on one voucher (docs/design.md › Invariants)', () => {
  it('never reserve more than the balance, and every refusal is explained', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: BALANCE });
    const amounts = fc.sample(fc.integer({ min: 1, max: 25 }), { numRuns: 100, seed: 1 });
    expect(amounts.reduce((a, b) => a + b, 0)).toBeGreaterThan(BALANCE);
    const answers = await burst(
      m,
      '/topup-transactions/initiate-claim',
      amounts.map((amount, i) => ({ voucherCode: v.code, amount, idempotencyKey: `burst-${i}` })),
    );
    const accepted = amounts.filter((_, i) => answers[i]!.status === 200);
    const refused = amounts.filter((_, i) => answers[i]!.json.statusCode === 4091);
    expect(accepted.length + refused.length).toBe(100);
    const reserved = accepted.reduce((a, b) => a + b, 0);
    expect(reserved).toBeLessThanOrEqual(BALANCE);
    // a refused claim asked for more than was left even after every accepted claim
    for (const amount of refused) expect(amount).toBeGreaterThan(BALANCE - reserved);

    const after = await client.voucher(v.code);
    expect(moneyFromDecimal(after.reservedBalance)).toBe(BigInt(reserved) * MICRO_PER_UNIT);
    expect(after.claims).toHaveLength(accepted.length);
    const holds = (await client.ledger()).filter((e) => e.kind === 'claim-reserved');
    expect(holds).toHaveLength(accepted.length);
    expect(holds.reduce((s, e) => s + moneyFromDecimal(e.amount), 0n)).toBe(BigInt(reserved) * MICRO_PER_UNIT);
  });

  it('refuse none when all of them fit the balance', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: BALANCE });
    const answers = await burst(
      m,
      '/topup-transactions/initiate-claim',
      Array.from({ length: 100 }, (_, i) => ({ voucherCode: v.code, amount: 10, idempotencyKey: `fit-${i}` })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect((await client.voucher(v.code)).availableBalance).toBe('0.000000');
  });

  it('then redeemed concurrently, pay each OTP once and conserve money exactly', async () => {
    const m = await readyMerchant(client, { serviceFee: '0.25' });
    const v = await client.createVoucher({ amount: BALANCE });
    const amounts = fc.sample(fc.integer({ min: 1, max: 25 }), { numRuns: 100, seed: 2 });
    await burst(
      m,
      '/topup-transactions/initiate-claim',
      amounts.map((amount, i) => ({ voucherCode: v.code, amount, idempotencyKey: `c-${i}` })),
    );
    const otps = await client.otps(v.code);
    // each OTP twice, under different keys: the second must not pay again
    const answers = await burst(
      m,
      '/topup-transactions/redeem-gift',
      [...otps, ...otps].map((otp, i) => ({ voucherCode: v.code, verificationCode: otp, idempotencyKey: `r-${i}` })),
    );
    const paid = answers.filter((a) => a.status === 200);
    expect(paid.length).toBeLessThanOrEqual(otps.length);
    expect(new Set(paid.map((a) => a.json.data.omnivasReferenceNumber)).size).toBe(paid.length);

    const entries = await client.ledger();
    const total = (kind: string) =>
      entries.filter((e) => e.kind === kind).reduce((s, e) => s + moneyFromDecimal(e.amount), 0n);
    expect(entries.filter((e) => e.kind === 'redemption')).toHaveLength(paid.length);
    const after = await client.voucher(v.code);
    const remaining = moneyFromDecimal(after.remainingBalance);
    expect(BigInt(BALANCE) * MICRO_PER_UNIT).toBe(remaining + total('redemption') + total('service-fee'));
    expect(total('service-fee')).toBe(BigInt(paid.length) * 250_000n);
  });
});
