/**
 * A guard, not an API call: 4096 (amount + serviceFee above the balance) cannot arise for a
 * merchant with no service fee, so a sequence that needs one is skipped there rather than
 * passing without testing anything.
 */
import { notApplicable } from '../context';
import type { RunModel, VoucherCommand } from './run-model';

export class NeedsServiceFeeCommand implements VoucherCommand {
  check(): boolean {
    return true;
  }

  async run(m: RunModel): Promise<void> {
    if (m.voucher.serviceFee === 0n)
      throw notApplicable(
        'this merchant pays no service fee, so 4096 (amount + serviceFee above the balance) cannot arise',
      );
  }

  toString(): string {
    return 'needsServiceFee()';
  }
}
