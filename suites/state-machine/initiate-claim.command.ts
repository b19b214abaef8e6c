/** initiate-claim (1. Initiate Claim) with an amount, or none for the whole available balance. */
import type { Arbitrary } from 'fast-check';
import { formatMoney } from '../../lib/money';
import { claimAmountArbitrary, describeClaimAmount, resolveClaimAmount } from './claim-amount';
import type { ClaimAmount } from './claim-amount';
import { divergence, expectOutcome } from './expected-response';
import type { RunModel, VoucherCommand } from './run-model';
import type { VoucherUnderTest } from './voucher-under-test';
import { initiateClaim, pendingClaims, recordClaim } from './voucher-model';

export class InitiateClaimCommand implements VoucherCommand {
  constructor(readonly amount: ClaimAmount) {}

  check(): boolean {
    return true;
  }

  async run(m: RunModel, r: VoucherUnderTest): Promise<void> {
    const requested = resolveClaimAmount(this.amount, m.voucher);
    const label = `${this.toString()} = ${requested === undefined ? 'amount left out' : formatMoney(requested)}`;
    const { outcome, reserved } = initiateClaim(m.voucher, requested);
    const smsBefore = await r.smsCount();
    expectOutcome(label, outcome, await r.initiate(label, requested));
    m.posts.push(outcome);
    if (reserved === undefined) return;
    const otp = await r.otpSince(smsBefore);
    // docs/design.md › Balance reservation: each claim gets its own OTP, bound to that claim. A fixed
    // test OTP is the same for every claim by design: the model then has the code name the oldest.
    const twin = r.otpPerClaim ? pendingClaims(m.voucher).find((c) => c.otp === otp) : undefined;
    if (twin !== undefined)
      throw divergence(
        label,
        `the new claim was sent OTP ${otp}, the same as pending claim #${twin.index}: a code must name one claim`,
      );
    m.voucher = recordClaim(m.voucher, reserved, otp);
  }

  toString(): string {
    return `initiate(${describeClaimAmount(this.amount)})`;
  }
}

export const initiateClaimCommand: Arbitrary<VoucherCommand> = claimAmountArbitrary.map(
  (amount) => new InitiateClaimCommand(amount),
);
