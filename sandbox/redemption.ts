/**
 * The two steps of a redemption (API reference › Gift Voucher Redemption › 1. Initiate Claim and
 * 3. Redeem Gift), with the rules docs/design.md adds where the document is silent. Initiation's
 * availability check and its reservation run with no await between them, so concurrent claims
 * can never reserve more than the balance (docs/design.md › Invariants, 2).
 */
import { formatMoney, type Micro } from '../lib/money';
import { randomDigits, type RandomSource } from '../lib/random';
import type { SandboxClock } from './clock';
import type { ActiveDefects } from './defects';
import { FEES_ACCOUNT, type Ledger } from './ledger';
import type { SmsOutbox } from './outbox';
import { refuseWithCode } from './refusal';
import {
  availableBalance,
  CLAIM_LIFETIME_MS,
  expireClaims,
  releaseAllClaims,
  reserveClaim,
  settleClaim,
  voucherStatus,
} from './reservations';
import { merchantAccount, voucherAccount, type Claim, type Merchant, type SandboxState, type Voucher } from './state';

export interface RedemptionContext {
  readonly state: SandboxState;
  readonly ledger: Ledger;
  readonly clock: SandboxClock;
  readonly random: RandomSource;
  readonly defects: ActiveDefects;
  readonly outbox: SmsOutbox;
}

export interface Redemption {
  /** "Reference number from telebirr confirming fund transfer to merchant". */
  readonly referenceNumber: string;
  /** "OmniVAS unique reference for tracking and support inquiries": the redemption's ledger sequence number, so unique. */
  readonly omnivasReferenceNumber: string;
}

/** Tries for an OTP no other pending claim on the voucher holds; a crowded voucher may share one. */
const OTP_ATTEMPTS = 100;

function newOtp(ctx: RedemptionContext, voucher: Voucher): string {
  const fixed = voucher.fixedOtp ?? ctx.state.fixedOtp;
  if (fixed !== undefined) return fixed;
  let otp = randomDigits(ctx.random, 6);
  for (let i = 1; i < OTP_ATTEMPTS && voucher.otpsInUse.has(otp); i++) otp = randomDigits(ctx.random, 6);
  return otp;
}

/** Releases the voucher's expired claims, so what is read of it is as of now. */
export function refreshVoucher(ctx: RedemptionContext, voucher: Voucher): Voucher {
  expireClaims(voucher, ctx.clock.now(), ctx.ledger, ctx.defects);
  return voucher;
}

/** The voucher a request names, as of now; 4041 when there is none. */
export function currentVoucher(ctx: RedemptionContext, code: string): Voucher {
  const voucher = ctx.state.vouchers.get(code);
  if (!voucher) throw refuseWithCode(4041);
  return refreshVoucher(ctx, voucher);
}

/**
 * Reserves `requested` (default: all that is available) and texts a fresh OTP to the owner.
 * The table of 1. Initiate Claim lists 4041, 4042, 4091: expiry and restriction are checked at
 * redemption (3. Redeem Gift lists 4036 and 4031).
 */
export async function initiateClaim(
  ctx: RedemptionContext,
  merchant: Merchant,
  voucherCode: string,
  requested: Micro | undefined,
): Promise<Claim> {
  const voucher = currentVoucher(ctx, voucherCode);
  if (voucherStatus(voucher, ctx.defects) === 'REDEEMED') throw refuseWithCode(4042);
  const available = availableBalance(voucher);
  const amount = requested ?? available;
  // A requested amount is positive (validated); the whole-balance default can be nothing at all.
  const refused =
    requested === undefined ? available <= 0n : amount > available && !ctx.defects.has('amount-over-balance-accepted');
  if (refused) throw refuseWithCode(4091);
  // The seeded race: yield between the check and the write, so concurrent claims all pass the check.
  if (ctx.defects.has('reservation-check-then-act')) await new Promise((resolve) => setImmediate(resolve));
  const now = ctx.clock.now();
  const claim: Claim = {
    id: ctx.state.newClaimId(),
    voucherCode,
    merchantId: merchant.id,
    amount,
    otp: newOtp(ctx, voucher),
    createdAt: now,
    expiresAt: now + CLAIM_LIFETIME_MS,
    status: 'pending',
  };
  reserveClaim(voucher, claim, ctx.ledger);
  ctx.outbox.send({
    to: voucher.ownerMsisdn,
    voucherCode,
    claimId: claim.id,
    otp: claim.otp,
    text: `OmniVAS: your verification code is ${claim.otp}. Give it to ${merchant.name} to redeem ${formatMoney(amount)} from voucher ${voucherCode}. It is valid for 5 minutes.`,
  });
  return claim;
}

/** The pending claim this merchant's OTP names, oldest first when a fixed OTP is shared. */
function claimForOtp(ctx: RedemptionContext, voucher: Voucher, merchant: Merchant, otp: string): Claim {
  const mine = [...voucher.claims.values()].filter((c) => c.merchantId === merchant.id);
  if (mine.length === 0) throw refuseWithCode(4034);
  const matched = mine.find((c) => c.otp === otp);
  if (!matched) throw refuseWithCode(ctx.defects.has('wrong-code-for-incorrect-otp') ? 4034 : 4035);
  // The seeded bug: the OTP is only checked to exist, and the oldest claim is the one redeemed.
  return ctx.defects.has('otp-not-bound-to-claim') ? mine[0]! : matched;
}

/** The service fee transfers a redemption makes (docs/design.md: amount + serviceFee is consumed). */
function serviceFees(ctx: RedemptionContext, merchant: Merchant): Micro[] {
  if (ctx.defects.has('fee-not-deducted') || merchant.serviceFee === 0n) return [];
  return ctx.defects.has('fee-deducted-twice') ? [merchant.serviceFee, merchant.serviceFee] : [merchant.serviceFee];
}

/** The seeded float bug: balance arithmetic in Number, truncated back to micro-units. */
function floatingPointRemainder(remaining: Micro, spent: Micro): Micro {
  return BigInt(Math.floor((Number(remaining) / 1e6 - Number(spent) / 1e6) * 1e6));
}

/** Redeems the claim the OTP names: amount to the merchant, the fee to OmniVAS. */
export function redeemClaim(
  ctx: RedemptionContext,
  merchant: Merchant,
  input: { voucherCode: string; verificationCode: string; msisdn: string | undefined },
): Redemption {
  const { defects, ledger } = ctx;
  if (merchant.removed) throw refuseWithCode(4043);
  const voucher = currentVoucher(ctx, input.voucherCode);
  if (
    voucher.restrictedMerchantId !== undefined &&
    voucher.restrictedMerchantId !== merchant.id &&
    !defects.has('restricted-voucher-any-merchant')
  )
    throw refuseWithCode(4031);
  if (ctx.clock.now() >= voucher.expiresAt && !defects.has('expired-voucher-redeemable')) throw refuseWithCode(4036);
  if (voucherStatus(voucher, defects) === 'REDEEMED') throw refuseWithCode(4032);
  if (voucher.partnerId !== undefined && ctx.state.partners.get(voucher.partnerId)?.enabled !== true)
    throw refuseWithCode(4045);
  const claim = claimForOtp(ctx, voucher, merchant, input.verificationCode);
  const fees = serviceFees(ctx, merchant);
  const spent = fees.reduce((sum, fee) => sum + fee, claim.amount);
  if (claim.amount > voucher.remaining) {
    settleClaim(voucher, claim, 'released', ledger);
    throw refuseWithCode(4044);
  }
  if (spent > voucher.remaining) {
    if (!defects.has('claim-kept-after-4096')) settleClaim(voucher, claim, 'released', ledger);
    throw refuseWithCode(4096);
  }
  settleClaim(voucher, claim, 'redeemed', ledger, defects.has('otp-reusable'));
  voucher.remaining = defects.has('money-in-floating-point')
    ? floatingPointRemainder(voucher.remaining, spent)
    : voucher.remaining - spent;
  merchant.received += claim.amount;
  const redemption: Redemption = {
    referenceNumber: `TBR${randomDigits(ctx.random, 9)}`,
    omnivasReferenceNumber: `TX-${String(ledger.entries().length + 1).padStart(7, '0')}`,
  };
  const refs = { voucherCode: voucher.code, claimId: claim.id, reference: redemption.omnivasReferenceNumber };
  ledger.transfer('redemption', voucherAccount(voucher.code), merchantAccount(merchant.id), claim.amount, refs);
  for (const fee of fees) ledger.transfer('service-fee', voucherAccount(voucher.code), FEES_ACCOUNT, fee, refs);
  if (voucherStatus(voucher, defects) === 'REDEEMED') releaseAllClaims(voucher, ledger);
  ctx.outbox.send({
    to: input.msisdn ?? voucher.ownerMsisdn,
    voucherCode: voucher.code,
    claimId: claim.id,
    text: `OmniVAS: ${formatMoney(claim.amount)} was redeemed from voucher ${voucher.code} at ${merchant.name} (reference ${redemption.omnivasReferenceNumber}). Remaining balance ${formatMoney(voucher.remaining)}.`,
  });
  return redemption;
}
