/**
 * The money in a voucher detail answer (merchant API v1.0 › 2. Get Voucher Detail Information),
 * for the commands and checks that need a voucher's balance rather than judge the answer
 * (suites/voucher-detail.ts judges every field and its spelling): amount, remainingBalance and
 * serviceFee in micro-units, and the status. One reader, so smoke, the idempotency checks and the
 * load command's final states fail alike when a target leaves the money out.
 */
import { HarnessError } from '../errors';
import { moneyFromDecimal, type Micro } from '../money';
import type { ApiResponse } from './http-client';

export interface VoucherBalance {
  readonly amount: Micro;
  readonly remaining: Micro;
  readonly serviceFee: Micro;
  /** As the target spelled it (ACTIVE, REDEEM_INITIATED, REDEEMED in the document's table). */
  readonly status: string;
}

export function voucherBalanceOf(res: ApiResponse, voucherCode: string): VoucherBalance {
  const data = (res.json as { data?: { voucher?: Record<string, unknown>; serviceFee?: unknown } } | undefined)?.data;
  const voucher = data?.voucher;
  const { amount, remainingBalance, status } = voucher ?? {};
  const fee = data?.serviceFee;
  if (
    res.status !== 200 ||
    typeof amount !== 'string' ||
    typeof remainingBalance !== 'string' ||
    typeof fee !== 'string'
  ) {
    throw new HarnessError(
      'TARGET_MALFORMED_RESPONSE',
      `GET voucher detail of ${voucherCode} answered HTTP ${res.status} without data.voucher.amount, data.voucher.remainingBalance and data.serviceFee as decimal strings`,
    );
  }
  return {
    amount: moneyFromDecimal(amount, 'data.voucher.amount'),
    remaining: moneyFromDecimal(remainingBalance, 'data.voucher.remainingBalance'),
    serviceFee: moneyFromDecimal(fee, 'data.serviceFee'),
    status: String(status),
  };
}
