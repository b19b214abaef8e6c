import { describe, expect, it } from 'vitest';
import type { ApiResponse } from '../lib/node/http-client';
import { amountFormatProblems, iso8601Problem, readVoucherDetail } from './voucher-detail';

/** The document's own example (2. Get Voucher Detail Information › Success Response). */
const DOC_EXAMPLE = {
  statusCode: 200,
  success: true,
  message: 'Successful',
  data: {
    voucher: {
      id: 118,
      code: '2585771156933526',
      serialNumber: '1000000000046',
      amount: '50.000000',
      remainingBalance: '0.005000',
      status: 'REDEEM_INITIATED',
      expirationDate: '2025-12-21T22:10:17.000Z',
    },
    serviceFee: '1.000000',
  },
};

const answer = (json: unknown, status = 200) => ({ status, json }) as ApiResponse;

function read(json: unknown) {
  const result = readVoucherDetail(answer(json));
  if (!('detail' in result)) throw new Error(result.problems.join('; '));
  return result.detail;
}

describe('reading the voucher detail', () => {
  it("reads the document's example exactly, in micro-units", () => {
    expect(read(DOC_EXAMPLE)).toMatchObject({
      id: 118,
      amount: 50_000_000n,
      remainingBalance: 5_000n,
      serviceFee: 1_000_000n,
      status: 'REDEEM_INITIATED',
    });
  });

  it('names each missing or mistyped field', () => {
    const voucher = { ...DOC_EXAMPLE.data.voucher, id: '118', remainingBalance: 'lots' };
    const result = readVoucherDetail(
      answer({ ...DOC_EXAMPLE, success: 'yes', data: { ...DOC_EXAMPLE.data, voucher } }),
    );
    expect(result).toEqual({
      problems: [
        '"success" expected true, got "yes"',
        '"data.voucher.id" expected a number, got "118"',
        '"data.voucher.remainingBalance" is "lots", not an amount',
      ],
    });
    expect(readVoucherDetail(answer(DOC_EXAMPLE, 404))).toEqual({
      problems: ['answered HTTP 404 with statusCode 200, expected HTTP 200'],
    });
  });

  it('tells the amount formats apart', () => {
    const spelled = (amount: unknown) =>
      read({ ...DOC_EXAMPLE, data: { ...DOC_EXAMPLE.data, voucher: { ...DOC_EXAMPLE.data.voucher, amount } } });
    expect(amountFormatProblems(spelled('50.000000'), 'decimal-6')).toEqual([]);
    expect(amountFormatProblems(spelled('50'), 'decimal-6')).toEqual([
      '"amount" is "50", expected a decimal string with exactly 6 places, such as "50.000000"',
    ]);
    expect(amountFormatProblems(spelled('50'), 'decimal')).toEqual([]);
    expect(amountFormatProblems(spelled(50), 'number')).toHaveLength(2); // remainingBalance and serviceFee are strings
  });

  it('accepts ISO 8601 date-times and refuses what Date.toString writes', () => {
    expect(iso8601Problem('2025-12-21T22:10:17.000Z')).toBeUndefined();
    expect(iso8601Problem('2025-12-21T22:10:17+03:00')).toBeUndefined();
    expect(iso8601Problem(new Date(0).toString())).toMatch(/not an ISO 8601/);
    expect(iso8601Problem('2025-13-45T99:99:99Z')).toMatch(/not an ISO 8601/);
  });
});
