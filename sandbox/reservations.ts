/**
 * A voucher's reservations (docs/design.md › Behaviour where the API documents are silent › Balance
 * reservation): available = remainingBalance − Σ pending claims; a claim lives 300 s; states
 * ACTIVE → REDEEM_INITIATED → REDEEMED / ACTIVE. Every reservation and release is in the ledger.
 */
import type { Micro } from '../lib/money';
import type { ActiveDefects } from './defects';
import type { Ledger } from './ledger';
import { voucherAccount, type Claim, type ClaimStatus, type Voucher } from './state';

/** A claim and its OTP are valid 300 s. */
export const CLAIM_LIFETIME_MS = 300_000;

export type VoucherStatus = 'ACTIVE' | 'REDEEM_INITIATED' | 'REDEEMED';

export function availableBalance(voucher: Voucher): Micro {
  return voucher.remaining - voucher.reserved;
}

export function voucherStatus(voucher: Voucher, defects: ActiveDefects): VoucherStatus {
  if (voucher.remaining <= 0n && !defects.has('status-not-redeemed-at-zero')) return 'REDEEMED';
  return voucher.claims.size > 0 ? 'REDEEM_INITIATED' : 'ACTIVE';
}

export function reserveClaim(voucher: Voucher, claim: Claim, ledger: Ledger): void {
  voucher.claims.set(claim.id, claim);
  voucher.reserved += claim.amount;
  voucher.otpsInUse.set(claim.otp, (voucher.otpsInUse.get(claim.otp) ?? 0) + 1);
  ledger.hold('claim-reserved', voucherAccount(voucher.code), claim.amount, {
    voucherCode: voucher.code,
    claimId: claim.id,
  });
}

/**
 * Ends a claim: a pending one gives its reservation back (once, whatever happens next). `keep`
 * leaves it findable, which only the otp-reusable defect asks for.
 */
export function settleClaim(
  voucher: Voucher,
  claim: Claim,
  status: Exclude<ClaimStatus, 'pending'>,
  ledger: Ledger,
  keep = false,
): void {
  if (claim.status === 'pending') {
    voucher.reserved -= claim.amount;
    const uses = (voucher.otpsInUse.get(claim.otp) ?? 1) - 1;
    if (uses === 0) voucher.otpsInUse.delete(claim.otp);
    else voucher.otpsInUse.set(claim.otp, uses);
    ledger.hold('claim-released', voucherAccount(voucher.code), claim.amount, {
      voucherCode: voucher.code,
      claimId: claim.id,
    });
  }
  claim.status = status;
  if (!keep) voucher.claims.delete(claim.id);
}

/** Releases the claims past their 300 s, oldest first (claims are kept in expiry order). */
export function expireClaims(voucher: Voucher, now: number, ledger: Ledger, defects: ActiveDefects): void {
  if (defects.has('otp-never-expires')) return;
  for (const claim of voucher.claims.values()) {
    if (claim.expiresAt > now) return;
    settleClaim(voucher, claim, 'expired', ledger);
  }
}

/** When the balance is gone, the claims still pending can never be redeemed. */
export function releaseAllClaims(voucher: Voucher, ledger: Ledger): void {
  for (const claim of [...voucher.claims.values()]) settleClaim(voucher, claim, 'released', ledger);
}
