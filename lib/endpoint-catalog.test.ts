import { describe, expect, it } from 'vitest';
import { ENDPOINTS, bodyFieldProblems, endpointPath } from './endpoint-catalog';
import { thrownHarnessError } from './testing/thrown-harness-error';

describe('endpoint catalog', () => {
  it('signs exactly the POSTs under /topup-transactions (Authentication › Step 3, NOTE)', () => {
    const signed = Object.values(ENDPOINTS)
      .filter((e) => e.signed)
      .map((e) => e.id);
    expect(signed.sort()).toEqual(['initiate-claim', 'initiate-redeem', 'redeem-gift']);
    for (const e of Object.values(ENDPOINTS))
      expect(e.signed).toBe(e.method === 'POST' && e.path.startsWith('/topup-transactions/'));
  });

  it('lists both initiate paths with the same body', () => {
    expect(ENDPOINTS['initiate-redeem'].body).toEqual(ENDPOINTS['initiate-claim'].body);
    expect(ENDPOINTS['initiate-redeem'].note).toMatch(/end-to-end example/);
  });

  it('builds paths and checks bodies against the documented fields', () => {
    expect(endpointPath('voucher-detail', { voucherCode: '3225118500682251' })).toBe(
      '/topup-transactions/3225118500682251',
    );
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

// Found weak by mutation testing (npm run mutants:lib): fixed paths, the encoding of a hostile
// code, the refusal's code and the array and null cases were not pinned.
describe('endpoint paths and body checks, exactly', () => {
  it('returns a path without parameters as it is, whatever is passed', () => {
    expect(endpointPath('login')).toBe('/auth/login');
    expect(endpointPath('redeem-gift', { voucherCode: 'ignored' })).toBe('/topup-transactions/redeem-gift');
  });

  it('percent-encodes the voucher code so that it stays one path segment', () => {
    expect(endpointPath('voucher-detail', { voucherCode: '../auth/login?x=1#f' })).toBe(
      '/topup-transactions/..%2Fauth%2Flogin%3Fx%3D1%23f',
    );
  });

  it('refuses a missing voucher code with INVALID_ARGUMENT naming the endpoint', () => {
    const err = thrownHarnessError(() => endpointPath('voucher-detail', {}));
    expect([err.code, err.message]).toEqual([
      'INVALID_ARGUMENT',
      '"voucherCode" is required to build the path of "voucher-detail"',
    ]);
  });

  it('refuses an array body and names null values as null', () => {
    expect(bodyFieldProblems('login', [])).toEqual(['the body is not a JSON object']);
    expect(bodyFieldProblems('login', 'key')).toEqual(['the body is not a JSON object']);
    expect(bodyFieldProblems('login', { key: null })).toEqual(['"key" expected a string, got null']);
    expect(
      bodyFieldProblems('redeem-gift', {
        voucherCode: 'v',
        verificationCode: '1',
        idempotencyKey: 'k',
        msisdn: 251911,
      }),
    ).toEqual(['"msisdn" expected a string, got number']);
    expect(bodyFieldProblems('test', { anything: 1 })).toEqual([]);
  });
});
