/**
 * What fast-check's model run carries: the model voucher and, for each POST of the run, the answer
 * the model expected (a repeat with the same idempotency key must get it again, docs/design.md ›
 * Idempotency). Commands are fast-check AsyncCommands over it and the voucher under test.
 */
import type { AsyncCommand } from 'fast-check';
import type { VoucherUnderTest } from './voucher-under-test';
import type { Outcome, VoucherState } from './voucher-model';

export interface RunModel {
  voucher: VoucherState;
  readonly posts: Outcome[];
}

export type VoucherCommand = AsyncCommand<RunModel, VoucherUnderTest>;
