import { describe, expect, it } from 'vitest';
import { ENDPOINTS, bodyFieldProblems, endpointPath } from './endpoint-catalog';

describe('endpoint catalog', () => {
  it('signs exactly the POSTs under /topup-transactions (Authentication › Step 3, NOTE)', () => {
    const signed = Object.values(ENDPOINTS).filter((e) => e.signed).map((e) => e.id);
    expect(signed.sort()).toEqual(['initiate-claim', 'initiate-redeem', 'redeem-gift']);
    for (const e of Object.values(ENDPOINTS)) expect(e.signed).toBe(e.method === 'POST' && e.path.startsWith('/topup-transactions/'));
  });

  it('lists both initiate paths with the same body', () => {
    expect(ENDPOINTS['initiate-redeem'].body).toEqual(ENDPOINTS['initiate-claim'].body);
    expect(ENDPOINTS['initiate-redeem'].note).toMatch(/end-to-end example/);
  });

  it('builds paths and checks bodies against the documented fields', () => {
    expect(endpointPath('voucher-detail', { voucherCode: '3225118500682251' })).toBe('/topup-transactions/3225118500682251');
    expect(() => endpointPath('voucher-detail')).toThrow(/"voucherCode" is required/);
    expect(bodyFieldProblems('initiate-claim', { voucherCode: 'v', idempotencyKey: 'k' })).toEqual([]);
    expect(bodyFieldProblems('initiate-claim', { voucherCode: 1, amount: '5' })).toEqual([
      '"voucherCode" expected a string, got number',
      '"amount" expected a number, got string',
      '"idempotencyKey" is required',
    ]);
    expect(bodyFieldProblems('redeem-gift', null)).toEqual(['the body is not a JSON object']);
  });
});
