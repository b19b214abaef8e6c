/**
 * Hands a run's history to the checker (load/checker/checker.ts) and its verdict to the JUnit
 * writer (reports/verdict-junit.ts).
 */
import type { FinalVoucherState, HistoryOp } from '../../lib';
import { checkHistory, ledgerFromAdminJson } from './checker';
import type { Verdict } from './checker';
import { verdictToJunit } from '../../reports/verdict-junit';

export type { Verdict };

export interface CheckInput {
  readonly ops: readonly HistoryOp[];
  readonly finals: readonly FinalVoucherState[];
  readonly initial: Map<string, { amount: bigint; serviceFee: bigint }>;
  /** GET /admin/ledger's entries as the sandbox answers them. */
  readonly ledger?: readonly unknown[];
  readonly otpSource: boolean;
  /** The OTP is one fixed test code: a redemption cannot tell which claim it consumed. */
  readonly fixedOtp: boolean;
}

export function judgeHistory(input: CheckInput): { verdict: Verdict; junit: string } {
  const { ledger: adminEntries, ...rest } = input;
  const ledger = adminEntries === undefined ? undefined : ledgerFromAdminJson({ entries: adminEntries });
  const verdict = checkHistory({ ...rest, ...(ledger === undefined ? {} : { ledger }) });
  return { verdict, junit: verdictToJunit(verdict) };
}

/** JSON with bigints as base-10 strings (verdicts and ledger replays carry amounts). */
export function verdictJson(verdict: unknown): string {
  return JSON.stringify(verdict, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2);
}
