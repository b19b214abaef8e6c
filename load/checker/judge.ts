/**
 * Hands a run's history to the checker (load/checker/checker.ts) and its verdict to the JUnit
 * writer (reports/verdict-junit.ts).
 */
import type { FinalVoucherState, HistoryOp } from '../../lib';
import { checkHistory } from './checker';
import type { LedgerEntry, Verdict } from './checker';
import { verdictToJunit } from '../../reports/verdict-junit';

export type { Verdict };

export interface CheckInput {
  readonly ops: readonly HistoryOp[];
  readonly finals: readonly FinalVoucherState[];
  readonly initial: Map<string, { amount: bigint; serviceFee: bigint }>;
  /** The sandbox ledger (GET /admin/ledger, read by `ledgerFromAdminJson`). */
  readonly ledger?: readonly LedgerEntry[];
  readonly otpSource: boolean;
  /** The OTP is one fixed test code: a redemption cannot tell which claim it consumed. */
  readonly fixedOtp: boolean;
}

export function judgeHistory(input: CheckInput): { verdict: Verdict; junit: string } {
  const verdict = checkHistory(input);
  return { verdict, junit: verdictToJunit(verdict) };
}

/** JSON with bigints as base-10 strings (verdicts and ledger replays carry amounts). */
export function verdictJson(verdict: unknown): string {
  return JSON.stringify(verdict, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2);
}
