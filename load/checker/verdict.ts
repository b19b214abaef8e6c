/**
 * The checker's verdict (docs/design.md › Invariants the load scenarios check): which invariants broke,
 * on which voucher, and the first operations that show it, so a person can see the bug.
 */
import type { HistoryOp } from '../../lib/history';

export const INVARIANTS = [
  'conservation',
  'no-over-reservation',
  'no-spurious-refusal',
  'one-effect-per-key',
  'one-redemption-per-otp',
  'acknowledged-present',
  'failed-absent',
] as const;

export type Invariant = (typeof INVARIANTS)[number];

/** A violation names at most this many operations: the first that break it. */
export const NAMED_OPS_LIMIT = 5;

export interface Violation {
  readonly invariant: Invariant;
  readonly voucher: string;
  readonly message: string;
  readonly ops: HistoryOp[];
}

/** An invariant the history can neither prove nor refute on a voucher (an info op whose amount is unknown, too many info ops). */
export interface Undetermined {
  readonly invariant: Invariant;
  readonly voucher: string;
  readonly message: string;
}

export interface OutcomeCounts {
  ok: number;
  fail: number;
  info: number;
}

export interface VerdictCounts {
  readonly claim: OutcomeCounts;
  readonly redeem: OutcomeCounts;
  readonly detail: OutcomeCounts;
  /** Distinct (voucher, endpoint, idempotency key) groups. */
  readonly keys: number;
  readonly ledgerEntries: number;
  readonly undetermined: number;
}

export interface Verdict {
  /** false: a violation; 'unknown': none found, but some invariant could not be decided on some voucher. */
  readonly valid: boolean | 'unknown';
  readonly vouchers: number;
  readonly ops: number;
  readonly violations: Violation[];
  /** The first undetermined judgements (at most UNDETERMINED_LIMIT; counts.undetermined has them all). */
  readonly undetermined: Undetermined[];
  readonly counts: VerdictCounts;
  /**
   * server: 5xx answers, documented 5xxx codes, and connection failures while a fault was injected;
   * harness: connection failures (status 0) with no injected fault — the load generator's own.
   */
  readonly faults: { server: number; harness: number };
  /** Whether a ledger was given: with one, keys, OTPs and acknowledged effects are judged exactly. */
  readonly ledger: boolean;
  /** Whether OTPs were available; without, the run stopped at claims and only reservations are judged. */
  readonly otpSource: boolean;
}

export const UNDETERMINED_LIMIT = 100;

/** The first operations, in invoke order, that a violation names. */
export function firstOps(ops: Iterable<HistoryOp>): HistoryOp[] {
  return [...ops].sort((a, b) => a.invokeMs - b.invokeMs || a.completeMs - b.completeMs).slice(0, NAMED_OPS_LIMIT);
}

/** Collects findings; one violation per (voucher, invariant, subject) keeps a broken run's verdict readable. */
export class Findings {
  readonly violations: Violation[] = [];
  readonly undetermined: Undetermined[] = [];
  undeterminedCount = 0;

  violate(invariant: Invariant, voucher: string, message: string, ops: Iterable<HistoryOp>): void {
    this.violations.push({ invariant, voucher, message, ops: firstOps(ops) });
  }

  undecided(invariant: Invariant, voucher: string, message: string): void {
    this.undeterminedCount++;
    if (this.undetermined.length < UNDETERMINED_LIMIT) this.undetermined.push({ invariant, voucher, message });
  }
}
