import { describe, expect, it } from 'vitest';
import type { ApiResponse } from './http-client';
import { voucherBalanceOf } from './voucher-balance';

const answer = (status: number, json: unknown): ApiResponse =>
  ({ status, json, text: JSON.stringify(json), headers: {} }) as unknown as ApiResponse;
const detail = {
  statusCode: 200,
  success: true,
  message: 'ok',
  data: { voucher: { amount: '100.000000', remainingBalance: '12.500001', status: 'ACTIVE' }, serviceFee: '0.500000' },
};

describe('voucherBalanceOf', () => {
  it('reads the amounts exactly, in micro-units', () => {
    expect(voucherBalanceOf(answer(200, detail), 'V1')).toEqual({
      amount: 100_000_000n,
      remaining: 12_500_001n,
      serviceFee: 500_000n,
      status: 'ACTIVE',
    });
  });

  it.each([
    ['an error status', answer(404, { statusCode: 4042, success: false, message: 'x', data: null })],
    ['no serviceFee', answer(200, { ...detail, data: { voucher: detail.data.voucher } })],
    [
      'a number for remainingBalance',
      answer(200, { ...detail, data: { ...detail.data, voucher: { ...detail.data.voucher, remainingBalance: 12.5 } } }),
    ],
    ['no body', answer(200, undefined)],
  ])('refuses %s, naming the voucher and the fields it needs', (_, res) => {
    expect(() => voucherBalanceOf(res, 'V1')).toThrow(
      expect.objectContaining({
        code: 'TARGET_MALFORMED_RESPONSE',
        message: expect.stringMatching(/voucher detail of V1 answered HTTP \d+ without data\.voucher\.amount/),
      }),
    );
  });

  it('refuses an amount that is not a decimal string of micro-units', () => {
    const res = answer(200, { ...detail, data: { ...detail.data, serviceFee: '0.5000001' } });
    expect(() => voucherBalanceOf(res, 'V1')).toThrow(
      expect.objectContaining({ message: expect.stringContaining('data.serviceFee') }),
    );
  });
});
