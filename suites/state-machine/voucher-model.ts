/**
 * The voucher state machine as docs/design.md › Behaviour where the API documents are silent states it, in exact
 * bigint micro-units (docs/design.md › Money): what a conforming target must answer, with no I/O.
 * Every function returns a new state; the model-based check compares the target with it step by step.
 *
 * - Balance reservation: initiate reserves its amount (none: the whole available balance) out of
 *   available = remainingBalance − Σ pending claims; more than available is 4091. Each claim has its
 *   own OTP, single use, bound to it, valid `otpLifetimeSeconds` (300 s).
 * - Redeem with a claim's OTP consumes amount + serviceFee and releases the reservation; a balance
 *   that would go negative is 4096 and releases the claim. Wrong OTP 4035, missing 4033, no
 *   pending (or only expired) claim 4034.
 * - States: ACTIVE → REDEEM_INITIATED (a claim pending) → REDEEMED at zero, ACTIVE when some remains.
 */
import type { ApiErrorCode } from '../../lib/error-catalog';
import type { Micro } from '../../lib/money';

export type VoucherStatus = 'ACTIVE' | 'REDEEM_INITIATED' | 'REDEEMED';

export type ClaimStatus = 'pending' | 'redeemed' | 'released' | 'expired';

export interface ClaimState {
  /** Its place among the claims of the run, in the order they were accepted. */
  readonly index: number;
  readonly amount: Micro;
  /** The OTP the target sent for it: which claim a redeem names. */
  readonly otp: string;
  /** Model seconds since the run began. */
  readonly createdAt: number;
  readonly status: ClaimStatus;
}

export interface VoucherState {
  readonly remaining: Micro;
  readonly serviceFee: Micro;
  readonly otpLifetimeSeconds: number;
  /** Model seconds since the run began: only advanceClock moves it. */
  readonly now: number;
  readonly claims: readonly ClaimState[];
}

/**
 * What the target must answer. `codes` lists the acceptable documented codes, docs/design.md's first;
 * a second appears only where the documents leave a target two honest answers.
 */
export type Outcome =
  { readonly kind: 'ok' } | { readonly kind: 'refused'; readonly codes: readonly [ApiErrorCode, ...ApiErrorCode[]] };

/** An initiate's answer and, when accepted, what the claim reserves (recordClaim adds it once its OTP is known). */
export interface Initiation {
  readonly outcome: Outcome;
  readonly reserved?: Micro;
}

export interface Redemption {
  readonly state: VoucherState;
  readonly outcome: Outcome;
  readonly redeemed?: ClaimState;
}

const OK: Outcome = { kind: 'ok' };
const refused = (...codes: [ApiErrorCode, ...ApiErrorCode[]]): Outcome => ({ kind: 'refused', codes });

export function newVoucher(options: { amount: Micro; serviceFee: Micro; otpLifetimeSeconds: number }): VoucherState {
  return {
    remaining: options.amount,
    serviceFee: options.serviceFee,
    otpLifetimeSeconds: options.otpLifetimeSeconds,
    now: 0,
    claims: [],
  };
}

export const pendingClaims = (v: VoucherState): readonly ClaimState[] => v.claims.filter((c) => c.status === 'pending');

export function availableBalance(v: VoucherState): Micro {
  return pendingClaims(v).reduce((left, c) => left - c.amount, v.remaining);
}

export function voucherStatus(v: VoucherState): VoucherStatus {
  if (v.remaining <= 0n) return 'REDEEMED';
  return pendingClaims(v).length > 0 ? 'REDEEM_INITIATED' : 'ACTIVE';
}

function settle(
  v: VoucherState,
  which: (c: ClaimState) => boolean,
  status: Exclude<ClaimStatus, 'pending'>,
): VoucherState {
  return { ...v, claims: v.claims.map((c) => (c.status === 'pending' && which(c) ? { ...c, status } : c)) };
}

/** Time passes; a claim and its OTP die `otpLifetimeSeconds` after initiation (Balance reservation: valid 300 s). */
export function advanceClock(v: VoucherState, seconds: number): VoucherState {
  const now = v.now + seconds;
  return settle({ ...v, now }, (c) => now - c.createdAt >= v.otpLifetimeSeconds, 'expired');
}

export function initiateClaim(v: VoucherState, requested: Micro | undefined): Initiation {
  // 4042 "Voucher is already redeemed" (1. Initiate Claim › Error Codes).
  if (voucherStatus(v) === 'REDEEMED') return { outcome: refused(4042) };
  const available = availableBalance(v);
  const amount = requested ?? available;
  // No amount claims the whole available balance, which may be nothing at all.
  if (amount > available || amount <= 0n) return { outcome: refused(4091) };
  return { outcome: OK, reserved: amount };
}

export function recordClaim(v: VoucherState, amount: Micro, otp: string): VoucherState {
  return { ...v, claims: [...v.claims, { index: v.claims.length, amount, otp, createdAt: v.now, status: 'pending' }] };
}

/** Redeem with `code` (undefined: the field left out). */
export function redeemGift(v: VoucherState, code: string | undefined): Redemption {
  if (code === undefined || code === '') return { state: v, outcome: refused(4033) };
  // 4032 "Voucher is already redeemed" (3. Redeem Gift › Error Codes).
  if (voucherStatus(v) === 'REDEEMED') return { state: v, outcome: refused(4032) };
  const pending = pendingClaims(v);
  if (pending.length === 0) return { state: v, outcome: refused(4034) };
  // The OTP names its own claim; a fixed code shared by two claims would name the oldest.
  const claim = pending.find((c) => c.otp === code);
  if (claim === undefined) return { state: v, outcome: refused(4035) };
  const spent = claim.amount + v.serviceFee;
  if (spent > v.remaining) {
    // docs/design.md says 4096 and releases the claim. When the amount alone exceeds the balance (another
    // redemption's fee ate into it) the API's own 4044 "Voucher balance is insufficient" fits as well,
    // and is what the sandbox answers (sandbox/README.md › Money, reservations, OTPs).
    const codes: [ApiErrorCode, ...ApiErrorCode[]] = claim.amount > v.remaining ? [4096, 4044] : [4096];
    return { state: settle(v, (c) => c === claim, 'released'), outcome: refused(...codes) };
  }
  const after = settle({ ...v, remaining: v.remaining - spent }, (c) => c === claim, 'redeemed');
  // At zero the voucher is REDEEMED: the claims still pending can never be redeemed.
  const state = after.remaining === 0n ? settle(after, () => true, 'released') : after;
  return { state, outcome: OK, redeemed: claim };
}
