/**
 * After a sequence, its end state: the balance and status, then the available balance from both
 * sides (one micro-unit over it must be 4091, all of it must be accepted: docs/design.md › Balance
 * reservation), so a reservation kept or lost shows even when no command happened to touch it.
 */
import { DetailCommand } from './detail.command';
import { isCheckFailure } from '../check';
import { InitiateClaimCommand } from './initiate-claim.command';
import type { RunModel, VoucherCommand } from './run-model';
import type { VoucherUnderTest } from './voucher-under-test';

const END_OF_RUN: readonly VoucherCommand[] = [
  new DetailCommand(),
  new InitiateClaimCommand({ kind: 'over' }),
  new InitiateClaimCommand({ kind: 'share', percent: 100 }),
];

export async function checkEndState(model: RunModel, real: VoucherUnderTest): Promise<void> {
  for (const command of END_OF_RUN) {
    try {
      await command.run(model, real);
    } catch (err) {
      if (isCheckFailure(err)) err.message = `at the end of the run, ${err.message}`;
      throw err;
    }
  }
}
