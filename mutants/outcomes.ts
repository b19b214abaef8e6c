/**
 * What one gate run comes back with, small enough to cross a process boundary: check ids and
 * statuses (messages redacted), certify's blocking list, the error-code coverage, the load verdict.
 * Pure; the judging is gate.ts.
 */
import type { CheckResult, CheckStatus } from '../suites/check-result';
import { errorCoverage } from '../suites/error-coverage';
import { isRequired } from '../reports/report-model';

export interface CheckNote {
  readonly id: string;
  readonly status: CheckStatus;
  readonly message?: string;
}

export interface CoverageLine {
  readonly codesVerified: number;
  readonly codesDocumented: number;
  readonly pairsVerified: number;
  readonly pairsDocumented: number;
  /** The error checks of the pairs not verified. */
  readonly notVerified: readonly string[];
}

export interface ChecksOutcome {
  readonly checks: number;
  readonly passed: number;
  /** Required checks that failed or broke: what makes certify exit 1, so what killed a defect. */
  readonly blocking: readonly CheckNote[];
  /** Every check that did not pass, findings and skips included: against the correct sandbox, none may. */
  readonly notPassing: readonly CheckNote[];
  readonly coverage: CoverageLine;
  readonly durationMs: number;
}

export type Invariants = 'hold' | 'broken' | 'undetermined';

export interface LoadOutcome {
  readonly scenario: string;
  /** The load command's exit code: 0 pass, 1 a threshold or an invariant failed. */
  readonly exitCode: number;
  readonly invariants: Invariants;
  /** The first violations the history checker or the ledger replay named. */
  readonly violations: readonly string[];
  /** Where the load command wrote its reports. */
  readonly out: string;
  readonly durationMs: number;
}

/** A run that could not finish (a worker crashed or timed out, k6 failed): no verdict either way. */
export interface RunError {
  readonly error: string;
}

export type Ran<T> = T | RunError;

export const isRunError = (ran: Ran<unknown>): ran is RunError =>
  typeof ran === 'object' && ran !== null && 'error' in ran;

export function summarizeChecks(
  results: readonly CheckResult[],
  redact: (text: string) => string,
  durationMs: number,
): ChecksOutcome {
  const note = (r: CheckResult): CheckNote => {
    const text = r.message ?? r.reason;
    return text === undefined ? { id: r.id, status: r.status } : { id: r.id, status: r.status, message: redact(text) };
  };
  const coverage = errorCoverage(results);
  return {
    checks: results.length,
    passed: results.filter((r) => r.status === 'pass').length,
    blocking: results
      .filter((r) => isRequired(r, new Set()) && (r.status === 'fail' || r.status === 'error'))
      .map(note),
    notPassing: results.filter((r) => r.status !== 'pass').map(note),
    coverage: {
      codesVerified: coverage.codesVerified,
      codesDocumented: coverage.codesDocumented,
      pairsVerified: coverage.pairsVerified,
      pairsDocumented: coverage.pairsDocumented,
      notVerified: coverage.pairs.filter((p) => p.status !== 'verified').map((p) => p.checkId),
    },
    durationMs,
  };
}
