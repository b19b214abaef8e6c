/**
 * Which verification code a redeem sends (docs/design.md › Balance reservation: each claim has its own
 * OTP, single use, bound to its claim, valid 300 s): the right one of a pending claim, a spent one
 * (its claim redeemed, released or expired), one no claim was sent, or none at all.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { VoucherState } from './voucher-model';
import { pendingClaims } from './voucher-model';

export type OtpChoice =
  | { readonly kind: 'pending'; readonly ref: number }
  | { readonly kind: 'spent'; readonly ref: number }
  | { readonly kind: 'wrong'; readonly code: number }
  | { readonly kind: 'missing' };

const ref = fc.nat({ max: 7 });

export const otpChoiceArbitrary: Arbitrary<OtpChoice> = fc.oneof(
  { weight: 6, arbitrary: ref.map((r): OtpChoice => ({ kind: 'pending', ref: r })) },
  { weight: 2, arbitrary: ref.map((r): OtpChoice => ({ kind: 'spent', ref: r })) },
  { weight: 1, arbitrary: fc.nat({ max: 999_999 }).map((code): OtpChoice => ({ kind: 'wrong', code })) },
  { weight: 1, arbitrary: fc.constant<OtpChoice>({ kind: 'missing' }) },
);

export const spentClaims = (v: VoucherState) => v.claims.filter((c) => c.status !== 'pending');

/** Whether the voucher has a claim of the kind the choice names (fast-check's `check`). */
export function otpChoiceApplies(choice: OtpChoice, v: VoucherState): boolean {
  if (choice.kind === 'pending') return pendingClaims(v).length > 0;
  if (choice.kind === 'spent') return spentClaims(v).length > 0;
  return true;
}

const sixDigits = (n: number): string => String(n % 1_000_000).padStart(6, '0');

/**
 * The code to send. A pending claim is counted back from the newest (ref 0: the claim just made,
 * as a merchant redeems it), so that with two pending the older one is not redeemed by default;
 * a spent one is counted from the oldest.
 */
export function resolveOtp(choice: OtpChoice, v: VoucherState): string | undefined {
  switch (choice.kind) {
    case 'pending': {
      const pending = pendingClaims(v);
      return pending[pending.length - 1 - (choice.ref % pending.length)]?.otp;
    }
    case 'spent': {
      const spent = spentClaims(v);
      return spent[choice.ref % spent.length]?.otp;
    }
    case 'wrong': {
      // Never one the target sent in this run, so "wrong" is wrong whatever the target's OTPs were.
      const sent = new Set(v.claims.map((c) => c.otp));
      let code = choice.code;
      while (sent.has(sixDigits(code))) code += 1;
      return sixDigits(code);
    }
    case 'missing':
      return undefined;
  }
}

export function describeOtpChoice(choice: OtpChoice): string {
  switch (choice.kind) {
    case 'pending':
      return choice.ref === 0 ? 'OTP of newest pending claim' : `OTP of pending claim newest-${choice.ref}`;
    case 'spent':
      return `spent OTP ${choice.ref}`;
    case 'wrong':
      return `wrong OTP ${sixDigits(choice.code)}`;
    case 'missing':
      return 'no OTP';
  }
}
