/** redeem-gift (3. Redeem Gift) with a right, spent, wrong or missing verification code. */
import type { Arbitrary } from 'fast-check';
import { expectOutcome } from './expected-response';
import { describeOtpChoice, otpChoiceApplies, otpChoiceArbitrary, resolveOtp } from './otp-choice';
import type { OtpChoice } from './otp-choice';
import type { RunModel, VoucherCommand } from './run-model';
import type { VoucherUnderTest } from './voucher-under-test';
import { redeemGift } from './voucher-model';

export class RedeemCommand implements VoucherCommand {
  constructor(readonly otp: OtpChoice) {}

  check(m: Readonly<RunModel>): boolean {
    return otpChoiceApplies(this.otp, m.voucher);
  }

  async run(m: RunModel, r: VoucherUnderTest): Promise<void> {
    const code = resolveOtp(this.otp, m.voucher);
    const { state, outcome, redeemed } = redeemGift(m.voucher, code);
    const named = m.voucher.claims.find((c) => c.otp === code);
    const label = `${this.toString()} = ${code ?? 'field left out'}${named === undefined ? '' : ` (claim #${named.index}${redeemed === undefined ? '' : ', redeemed'})`}`;
    expectOutcome(label, outcome, await r.redeem(label, code));
    m.posts.push(outcome);
    m.voucher = state;
  }

  toString(): string {
    return `redeem(${describeOtpChoice(this.otp)})`;
  }
}

export const redeemCommand: Arbitrary<VoucherCommand> = otpChoiceArbitrary.map((otp) => new RedeemCommand(otp));
