/**
 * A voucher as JSON: the `voucher` object of the API reference's 2. Get Voucher Detail
 * Information (id, code, serialNumber, amount, remainingBalance, status, expirationDate), amounts
 * as 6-place strings, the date as ISO 8601. The partner and admin APIs add to it.
 */
import { formatMoney } from '../lib/money';
import type { ActiveDefects } from './defects';
import { availableBalance, voucherStatus } from './reservations';
import type { Voucher } from './state';

export interface VoucherJson {
  readonly id: number;
  readonly code: string;
  readonly serialNumber: string;
  readonly amount: string;
  readonly remainingBalance: string;
  readonly status: string;
  readonly expirationDate: string;
}

export function voucherJson(v: Voucher, defects: ActiveDefects): VoucherJson {
  return {
    id: v.id,
    code: v.code,
    serialNumber: v.serialNumber,
    amount: formatMoney(v.amount),
    remainingBalance: formatMoney(v.remaining),
    status: voucherStatus(v, defects),
    expirationDate: new Date(v.expiresAt).toISOString(),
  };
}

/** What a partner company sees of a voucher it issued. */
export function partnerVoucherJson(v: Voucher, defects: ActiveDefects): Record<string, unknown> {
  return { ...voucherJson(v, defects), ownerMsisdn: v.ownerMsisdn, restrictedMerchantId: v.restrictedMerchantId };
}

/** Everything, for the admin API: reservations and claims too (OTPs are in the SMS outbox). */
export function adminVoucherJson(v: Voucher, defects: ActiveDefects): Record<string, unknown> {
  return {
    ...partnerVoucherJson(v, defects),
    reservedBalance: formatMoney(v.reserved),
    availableBalance: formatMoney(availableBalance(v)),
    partnerId: v.partnerId,
    fixedOtp: v.fixedOtp,
    claims: [...v.claims.values()].map((c) => ({
      id: c.id,
      merchantId: c.merchantId,
      amount: formatMoney(c.amount),
      status: c.status,
      createdAt: new Date(c.createdAt).toISOString(),
      expiresAt: new Date(c.expiresAt).toISOString(),
    })),
  };
}
