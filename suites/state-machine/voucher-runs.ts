/**
 * What one model-based run is made of: a fresh voucher of a random amount (on a target without the
 * admin API, a listed voucher brought down to it) and up to 12 commands on it. Amounts sit near the
 * service fee and the claim sizes so that 4091, 4096, an exact zero (REDEEMED) and several pending
 * claims all come up within a few commands.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { formatMoney } from '../../lib/money';
import type { Micro } from '../../lib/money';
import { advanceClockCommand } from './advance-clock.command';
import { detailCommand } from './detail.command';
import { initiateClaimCommand } from './initiate-claim.command';
import { redeemCommand } from './redeem.command';
import { repeatIdempotentCommand } from './repeat-idempotent.command';
import type { VoucherCommand } from './run-model';

/** The voucher a run starts from; printed in the shrunk counterexample. */
export class NewVoucher {
  constructor(readonly amount: Micro) {}

  toString(): string {
    return `voucher(${formatMoney(this.amount)})`;
  }
}

/** The largest voucher a run starts from: what a listed voucher must hold to be brought down to any of them. */
export const LARGEST_NEW_VOUCHER: Micro = 20_000_000n;

export const newVoucherArbitrary: Arbitrary<NewVoucher> = fc
  .oneof(
    fc.bigInt({ min: 2_000_000n, max: LARGEST_NEW_VOUCHER }),
    // Whole tenths: the decimals a float cannot hold, which make drift show (docs/design.md › Money).
    fc.integer({ min: 20, max: Number(LARGEST_NEW_VOUCHER / 100_000n) }).map((tenths) => BigInt(tenths) * 100_000n),
  )
  .map((amount) => new NewVoucher(amount));

export const MAX_COMMANDS = 12;

/**
 * Up to MAX_COMMANDS commands. Clock moves only where the target's clock moves at once (the
 * sandbox's): waiting out 301 s of real time per move (certify --slow) would make a run last an hour.
 */
export function voucherCommandsArbitrary(options: { clockMoves: boolean }): Arbitrary<Iterable<VoucherCommand>> {
  // fc.commands picks uniformly among the arbitraries: one listed twice is chosen twice as often.
  return fc.commands(
    [
      initiateClaimCommand,
      initiateClaimCommand,
      initiateClaimCommand,
      redeemCommand,
      redeemCommand,
      redeemCommand,
      detailCommand,
      repeatIdempotentCommand,
      ...(options.clockMoves ? [advanceClockCommand] : []),
    ],
    // 'max': lengths spread evenly up to MAX_COMMANDS, rather than fast-check's default of short ones.
    { maxCommands: MAX_COMMANDS, size: 'max' },
  );
}
