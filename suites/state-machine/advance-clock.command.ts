/**
 * Moves the target's clock: a short wait inside an OTP's life, or just past it (docs/design.md ›
 * Balance reservation: valid 300 s). The short wait is 40% of the life, so no sum of waits lands
 * within seconds of the boundary, where real time passing during the run could tip it.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { RunModel, VoucherCommand } from './run-model';
import type { VoucherUnderTest } from './voucher-under-test';
import { advanceClock } from './voucher-model';

export type Wait = 'short' | 'past-otp-life';

export const waitSeconds = (wait: Wait, otpLifetimeSeconds: number): number =>
  wait === 'short' ? Math.floor(otpLifetimeSeconds * 0.4) : otpLifetimeSeconds + 1;

export class AdvanceClockCommand implements VoucherCommand {
  constructor(readonly wait: Wait) {}

  check(): boolean {
    return true;
  }

  async run(m: RunModel, r: VoucherUnderTest): Promise<void> {
    const seconds = waitSeconds(this.wait, m.voucher.otpLifetimeSeconds);
    await r.advanceClock(seconds);
    m.voucher = advanceClock(m.voucher, seconds);
  }

  toString(): string {
    return this.wait === 'short' ? 'advanceClock(40% of OTP life)' : 'advanceClock(OTP life + 1 s)';
  }
}

export const advanceClockCommand: Arbitrary<VoucherCommand> = fc
  .constantFrom<Wait>('short', 'past-otp-life')
  .map((wait) => new AdvanceClockCommand(wait));
