/**
 * The SMS outbox: what the sandbox would have sent to voucher owners. Initiating a claim sends
 * its OTP here (1. Initiate Claim: "dispatches a verification code to the voucher owner via SMS");
 * a redemption sends a confirmation. The admin API reads it, so a test can learn an OTP the way a
 * cashier would: from the customer's phone.
 */
import type { SandboxClock } from './clock';

export interface SmsMessage {
  readonly seq: number;
  /** Sandbox clock, ms since the epoch. */
  readonly at: number;
  readonly to: string;
  readonly voucherCode: string;
  readonly claimId: string;
  /** Set on OTP messages. */
  readonly otp?: string;
  readonly text: string;
}

export class SmsOutbox {
  readonly #messages: SmsMessage[] = [];
  readonly #clock: SandboxClock;

  constructor(clock: SandboxClock) {
    this.#clock = clock;
  }

  send(message: Omit<SmsMessage, 'seq' | 'at'>): void {
    this.#messages.push({ seq: this.#messages.length + 1, at: this.#clock.now(), ...message });
  }

  /** Messages in the order sent, optionally only those to one number or about one voucher. */
  list(filter: { to?: string; voucherCode?: string } = {}): SmsMessage[] {
    return this.#messages.filter(
      (m) =>
        (filter.to === undefined || m.to === filter.to) &&
        (filter.voucherCode === undefined || m.voucherCode === filter.voucherCode),
    );
  }
}
