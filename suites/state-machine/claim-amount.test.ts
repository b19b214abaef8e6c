import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveClaimAmount } from './claim-amount';
import { initiateClaim, newVoucher, recordClaim, redeemGift } from './voucher-model';

describe('resolveClaimAmount', () => {
  it('"leave" claims what, redeemed with its fee, leaves exactly the amount asked for', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.bigInt({ min: 0n, max: 10n ** 7n }),
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        (left, serviceFee, excess) => {
          const v = newVoucher({ amount: left + serviceFee + excess, serviceFee, otpLifetimeSeconds: 300 });
          const amount = resolveClaimAmount({ kind: 'leave', amount: left }, v);
          expect(amount).toBe(excess);
          const claimed = recordClaim(v, initiateClaim(v, amount).reserved!, '111111');
          expect(redeemGift(claimed, '111111').state.remaining).toBe(left);
        },
      ),
    );
  });
});
