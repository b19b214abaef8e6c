import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Micro } from '../../lib/money';
import type { Outcome, VoucherState } from './voucher-model';
import {
  advanceClock,
  availableBalance,
  initiateClaim,
  newVoucher,
  pendingClaims,
  recordClaim,
  redeemGift,
  voucherStatus,
} from './voucher-model';

const UNIT = 1_000_000n;
const fresh = (amount: Micro = 10n * UNIT, serviceFee: Micro = UNIT) =>
  newVoucher({ amount, serviceFee, otpLifetimeSeconds: 300 });

/** Initiates and, when accepted, records the claim with `otp`. */
function claim(v: VoucherState, amount: Micro | undefined, otp: string): { state: VoucherState; outcome: Outcome } {
  const { outcome, reserved } = initiateClaim(v, amount);
  return { outcome, state: reserved === undefined ? v : recordClaim(v, reserved, otp) };
}

const refusedWith = (...codes: number[]) => ({ kind: 'refused', codes });

describe('voucher model', () => {
  it('a redemption consumes amount + serviceFee and leaves the voucher ACTIVE', () => {
    const { state } = claim(fresh(), 2_500_000n, '111111');
    expect(voucherStatus(state)).toBe('REDEEM_INITIATED');
    const redeemed = redeemGift(state, '111111');
    expect(redeemed.outcome).toEqual({ kind: 'ok' });
    expect(redeemed.state.remaining).toBe(6_500_000n);
    expect(voucherStatus(redeemed.state)).toBe('ACTIVE');
  });

  it('no amount reserves the whole available balance, whose redemption cannot pay the fee: 4096 releases it', () => {
    const { state } = claim(fresh(), undefined, '111111');
    expect(availableBalance(state)).toBe(0n);
    const refused = redeemGift(state, '111111');
    expect(refused.outcome).toEqual(refusedWith(4096));
    expect(voucherStatus(refused.state)).toBe('ACTIVE');
    expect(availableBalance(refused.state)).toBe(10n * UNIT);
  });

  it('refuses one micro-unit over the available balance with 4091, and the whole-balance default when nothing is available', () => {
    const { state } = claim(fresh(), 4n * UNIT, '111111');
    expect(initiateClaim(state, 6n * UNIT + 1n).outcome).toEqual(refusedWith(4091));
    expect(initiateClaim(state, 6n * UNIT).outcome).toEqual({ kind: 'ok' });
    const full = claim(state, undefined, '222222').state;
    expect(initiateClaim(full, undefined).outcome).toEqual(refusedWith(4091));
  });

  it('reaches REDEEMED at exactly zero, releasing the other claims; then 4042 on initiate, 4032 on redeem, 4033 without a code', () => {
    let v = claim(fresh(), 9n * UNIT, '111111').state;
    v = claim(v, UNIT, '222222').state;
    const { state } = redeemGift(v, '111111');
    expect(state.remaining).toBe(0n);
    expect(voucherStatus(state)).toBe('REDEEMED');
    expect(pendingClaims(state)).toEqual([]);
    expect(initiateClaim(state, UNIT).outcome).toEqual(refusedWith(4042));
    expect(redeemGift(state, '222222').outcome).toEqual(refusedWith(4032));
    expect(redeemGift(state, undefined).outcome).toEqual(refusedWith(4033));
  });

  it('an OTP redeems its own claim once; a spent or wrong one gets 4034 with nothing pending, 4035 otherwise', () => {
    let v = claim(fresh(), UNIT, '111111').state;
    v = claim(v, 3n * UNIT, '222222').state;
    expect(redeemGift(v, '999999').outcome).toEqual(refusedWith(4035));
    v = redeemGift(v, '222222').state;
    expect(v.remaining).toBe(6n * UNIT);
    expect(redeemGift(v, '222222').outcome).toEqual(refusedWith(4035));
    v = redeemGift(v, '111111').state;
    expect(redeemGift(v, '111111').outcome).toEqual(refusedWith(4034));
  });

  it('a claim dies 300 s after initiation, releasing its reservation', () => {
    let v = claim(fresh(), 2n * UNIT, '111111').state;
    v = advanceClock(v, 299);
    expect(pendingClaims(v)).toHaveLength(1);
    v = advanceClock(v, 1);
    expect(pendingClaims(v)).toEqual([]);
    expect(voucherStatus(v)).toBe('ACTIVE');
    expect(redeemGift(v, '111111').outcome).toEqual(refusedWith(4034));
  });

  it("accepts 4044 besides 4096 when the claim alone exceeds a balance another redemption's fee reduced", () => {
    let v = claim(fresh(), 5n * UNIT, '111111').state;
    v = claim(v, 5n * UNIT, '222222').state;
    v = redeemGift(v, '111111').state;
    expect(v.remaining).toBe(4n * UNIT);
    const refused = redeemGift(v, '222222');
    expect(refused.outcome).toEqual(refusedWith(4096, 4044));
    expect(pendingClaims(refused.state)).toEqual([]);
  });

  it('conserves money exactly: amount = remaining + Σ(redeemed + fee), never negative, nothing pending once REDEEMED', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('initiate' as const),
        amount: fc.option(fc.bigInt({ min: 1n, max: 12n * UNIT }), { nil: undefined }),
      }),
      fc.record({ kind: fc.constant('redeem' as const), ref: fc.nat(9) }),
      fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 0, max: 400 }) }),
    );
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 20n * UNIT }),
        fc.bigInt({ min: 0n, max: 2n * UNIT }),
        fc.array(op, { maxLength: 25 }),
        (amount, fee, ops) => {
          let v = fresh(amount, fee);
          let consumed = 0n;
          for (const o of ops) {
            if (o.kind === 'initiate') v = claim(v, o.amount, String(100_000 + v.claims.length)).state;
            else if (o.kind === 'advance') v = advanceClock(v, o.seconds);
            else {
              const r = redeemGift(v, v.claims[o.ref % Math.max(1, v.claims.length)]?.otp ?? '000000');
              if (r.redeemed) consumed += r.redeemed.amount + fee;
              v = r.state;
            }
            expect(v.remaining).toBeGreaterThanOrEqual(0n);
            expect(v.remaining + consumed).toBe(amount);
            if (voucherStatus(v) === 'REDEEMED') expect(pendingClaims(v)).toEqual([]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
