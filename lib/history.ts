/**
 * The history a load run records: one line per operation, as Jepsen records them. k6 scenarios
 * print each as a console line `OMNIVAS_OP <json>`; the checker (load/checker/checker.ts) reads
 * the lines of every runner (several k6 instances may run one test) and decides the invariants of
 * docs/design.md › Invariants the load scenarios check. Pure: it is bundled into the k6 scenarios.
 */

export const HISTORY_LINE_PREFIX = 'OMNIVAS_OP ';

/**
 * ok: the operation took effect (a documented success); fail: it definitely did not (a documented
 * refusal); info: unknown (timeout, reset connection, 5xx) — it may or may not have taken effect.
 */
export type OpOutcome = 'ok' | 'fail' | 'info';

export type OpKind = 'claim' | 'redeem' | 'detail';

export interface HistoryOp {
  /** Which k6 instance (or other client process) ran it: histories of several runners merge. */
  readonly runner: string;
  /**
   * Which merchant sent it, when a run has more than one (the storm's second merchant); absent:
   * the run's own merchant. Keys are scoped to their merchant (docs/design.md › Idempotency).
   */
  readonly merchant?: string;
  readonly vu: number;
  readonly iteration: number;
  readonly op: OpKind;
  readonly voucher: string;
  /** Integer micro-units as a base-10 string (bigint does not survive JSON): "12500000" is 12.5; null for a claim of the whole available balance. */
  readonly amount: string | null;
  readonly idempotencyKey: string;
  /** redeem: the idempotency key of the claim whose OTP it used (links a redemption to its claim). */
  readonly claimKey?: string;
  /** redeem: the OTP it sent. */
  readonly otp?: string;
  /** Epoch milliseconds when the request was sent and when its answer (or error) came. */
  readonly invokeMs: number;
  readonly completeMs: number;
  readonly outcome: OpOutcome;
  /** HTTP status (0 when no answer came). */
  readonly status: number;
  /** The envelope's statusCode (a documented code such as 4091), when the body had one. */
  readonly code?: number;
  /** detail: remainingBalance in integer micro-units as a base-10 string. */
  readonly remainingBalance?: string;
  /** Whether an injected fault (scenario 'faults') was active for this call. */
  readonly faultInjected?: boolean;
}

/** The voucher state after the run, from the detail endpoint (and the admin API on a sandbox). */
export interface FinalVoucherState {
  readonly voucher: string;
  /** Integer micro-units as base-10 strings, like HistoryOp.amount. */
  readonly amount: string;
  readonly remainingBalance: string;
  readonly serviceFee: string;
  readonly status: string;
}

export function formatHistoryLine(op: HistoryOp): string {
  return `${HISTORY_LINE_PREFIX}${JSON.stringify(op)}`;
}

/** The op on a line, or undefined for any other line (k6 prints plenty of its own). */
export function parseHistoryLine(line: string): HistoryOp | undefined {
  const at = line.indexOf(HISTORY_LINE_PREFIX);
  if (at < 0) return undefined;
  return JSON.parse(line.slice(at + HISTORY_LINE_PREFIX.length)) as HistoryOp;
}
