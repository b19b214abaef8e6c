/**
 * The sandbox's clock: real time plus an offset an administrator moves. Token lifetimes (300 s),
 * OTP validity (300 s), the partner replay window (±300 s), voucher expiry and idempotency-key
 * retention are all measured on it, so tests can cross those lines without waiting.
 *
 * It only moves forward: claims expire in the order they were made, idempotency keys age in
 * insertion order and ledger times never decrease, which the stores rely on.
 */
import { HarnessError } from '../lib/errors';

export class SandboxClock {
  #offsetMs = 0;

  /** `startAt` (ms since the epoch) pins where the clock starts; time then flows as usual. */
  constructor(startAt?: number) {
    if (startAt !== undefined) this.#offsetMs = startAt - Date.now();
  }

  /** Milliseconds since the epoch. */
  now(): number {
    return Date.now() + this.#offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `"advanceSeconds" expected a non-negative number of seconds, got ${seconds}: the sandbox clock only moves forward`,
      );
    }
    this.#offsetMs += seconds * 1000;
  }

  /** Moves the clock to `ms`; refuses the past. */
  setTo(ms: number): void {
    const now = this.now();
    if (!Number.isFinite(ms) || ms < now) {
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `"set" must not be before the sandbox's current time ${new Date(now).toISOString()}: the sandbox clock only moves forward (use POST /admin/reset to start over)`,
      );
    }
    this.#offsetMs += ms - now;
  }
}
