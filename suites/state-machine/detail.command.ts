/** GET /topup-transactions/:voucherCode (2. Get Voucher Detail Information): balance and status as the model has them. */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { expectDetail } from './expected-response';
import type { RunModel, VoucherCommand } from './run-model';
import type { VoucherUnderTest } from './voucher-under-test';

export class DetailCommand implements VoucherCommand {
  check(): boolean {
    return true;
  }

  async run(m: RunModel, r: VoucherUnderTest): Promise<void> {
    const label = this.toString();
    expectDetail(label, m.voucher, await r.detail(label));
  }

  toString(): string {
    return 'detail()';
  }
}

export const detailCommand: Arbitrary<VoucherCommand> = fc.constant(new DetailCommand());
