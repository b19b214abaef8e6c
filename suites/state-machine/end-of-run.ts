/**
 * After a sequence, its end state: the OTP of the last claim redeemed sent again (refused, nothing
 * consumed: an OTP is single use), then the balance and status, then the available balance from
 * both sides (one micro-unit over it must be 4091, all of it must be accepted: docs/design.md ›
 * Balance reservation), so an OTP kept alive, or a reservation kept or lost, shows even when no
 * command happened to touch it.
 */
import { DetailCommand } from './detail.command';
import { isCheckFailure } from '../check';
import { InitiateClaimCommand } from './initiate-claim.command';
import { spentClaims } from './otp-choice';
import { RedeemCommand } from './redeem.command';
import type { RunModel, VoucherCommand } from './run-model';
import type { VoucherUnderTest } from './voucher-under-test';

const BALANCE_AND_STATUS: readonly VoucherCommand[] = [
  new DetailCommand(),
  new InitiateClaimCommand({ kind: 'over' }),
  new InitiateClaimCommand({ kind: 'share', percent: 100 }),
];

/**
 * The last redeemed claim's OTP, when a run redeemed one. Without it a target that leaves a
 * redeemed claim usable shows only in the runs that happen to send a spent code after the
 * redemption and before another claim hides the status.
 */
function reuseOfLastRedeemedOtp(model: RunModel): VoucherCommand[] {
  const redeemed = spentClaims(model.voucher).map((c) => c.status === 'redeemed');
  const ref = redeemed.lastIndexOf(true);
  return ref < 0 ? [] : [new RedeemCommand({ kind: 'spent', ref })];
}

export async function checkEndState(model: RunModel, real: VoucherUnderTest): Promise<void> {
  for (const command of [...reuseOfLastRedeemedOtp(model), ...BALANCE_AND_STATUS]) {
    try {
      await command.run(model, real);
    } catch (err) {
      if (isCheckFailure(err)) err.message = `at the end of the run, ${err.message}`;
      throw err;
    }
  }
}
