/**
 * What one model-based run is made of: a fresh voucher of a random amount and up to 12 commands on
 * it. Amounts sit near the service fee and the claim sizes so that 4091, 4096, an exact zero
 * (REDEEMED) and several pending claims all come up within a few commands.
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

export const newVoucherArbitrary: Arbitrary<NewVoucher> = fc
  .oneof(
    fc.bigInt({ min: 2_000_000n, max: 20_000_000n }),
    // Whole tenths: the decimals a float cannot hold, which make drift show (docs/design.md › Money).
    fc.integer({ min: 20, max: 200 }).map((tenths) => BigInt(tenths) * 100_000n),
  )
  .map((amount) => new NewVoucher(amount));

export const MAX_COMMANDS = 12;

// fc.commands picks uniformly among the arbitraries: one listed twice is chosen twice as often.
export const voucherCommandsArbitrary: Arbitrary<Iterable<VoucherCommand>> = fc.commands(
  [
    initiateClaimCommand,
    initiateClaimCommand,
    initiateClaimCommand,
    redeemCommand,
    redeemCommand,
    redeemCommand,
    detailCommand,
    repeatIdempotentCommand,
    advanceClockCommand,
  ],
  // 'max': lengths spread evenly up to MAX_COMMANDS, rather than fast-check's default of short ones.
  { maxCommands: MAX_COMMANDS, size: 'max' },
);
