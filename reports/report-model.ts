/**
 * The certify report: what a run did, and the pure derivations every writer shows (totals, per-area
 * tallies, verdict, error-code coverage). Writers compute nothing of their own, so summary.json,
 * junit.xml and report.html cannot disagree about the verdict.
 */
import type { EndpointLatency } from '../contract/latency';
import { AREAS } from '../suites/check-result';
import type { Area, Basis, CheckResult } from '../suites/check-result';
import { errorCoverage } from '../suites/error-coverage';
import type { ErrorCoverage } from '../suites/error-coverage';

export interface ReportTarget {
  readonly name: string;
  readonly baseUrl: string;
  /** The authentication profile, e.g. 'merchant-v1' or 'partner' (docs/design.md, "Two authentication profiles"). */
  readonly profile: string;
  /** True for the embedded sandbox, the only target with admin, clock, fault and outbox powers. */
  readonly sandbox: boolean;
}

export interface CertifyReport {
  readonly harnessVersion: string;
  readonly target: ReportTarget;
  /** ISO 8601; writers are pure, so the times are data, never read from a clock. */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly seed: number;
  readonly results: readonly CheckResult[];
  /** Checks named in the baseline file: reported, but they do not fail the run. */
  readonly baselineIds: readonly string[];
  /**
   * Answer times per endpoint over the whole run (contract/latency.ts, from the answer collector);
   * absent when the runner kept none. The latency checks judge them; the report shows them.
   */
  readonly latency?: readonly EndpointLatency[];
}

export type Verdict = 'pass' | 'fail';

export interface Tally {
  readonly checks: number;
  readonly pass: number;
  readonly fail: number;
  readonly skip: number;
  readonly error: number;
  /** Failures and errors of required checks outside the baseline: the ones that fail the run. */
  readonly blocking: number;
}

export interface Totals extends Tally {
  readonly findings: number;
  readonly baselined: number;
}

export interface AreaTally extends Tally {
  readonly area: Area;
  /** `undefined` when no check of the area ran (e.g. certify --only). */
  readonly verdict: Verdict | undefined;
}

export interface ReportSummary {
  readonly verdict: Verdict;
  readonly totals: Totals;
  readonly areas: readonly AreaTally[];
  readonly coverage: ErrorCoverage;
  readonly basis: Readonly<Record<Basis, number>>;
  /** Checks that need sandbox-only powers: a merchant's run against the test environment skips them. */
  readonly needingPowers: readonly CheckResult[];
  readonly assumptions: readonly CheckResult[];
  readonly findings: readonly CheckResult[];
  /** Required checks outside the baseline that failed or broke, in run order. */
  readonly blocking: readonly CheckResult[];
  /** Required checks in the baseline that failed or broke. */
  readonly knownFailures: readonly CheckResult[];
  readonly skipped: readonly CheckResult[];
}

/** Whether a result can fail the run: a requirement outside the baseline. */
export function isRequired(result: CheckResult, baseline: ReadonlySet<string>): boolean {
  return result.kind === 'requirement' && !baseline.has(result.id);
}

function isBroken(result: CheckResult): boolean {
  return result.status === 'fail' || result.status === 'error';
}

function tally(results: readonly CheckResult[], baseline: ReadonlySet<string>): Tally {
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
  return {
    checks: results.length,
    pass: count('pass'),
    fail: count('fail'),
    skip: count('skip'),
    error: count('error'),
    blocking: results.filter((r) => isRequired(r, baseline) && isBroken(r)).length,
  };
}

/**
 * `pass` only when no required check failed or broke. Skips do not fail the run: a merchant's
 * target cannot provoke fault-injected codes, and the report shows those skips instead.
 */
export function verdictOf(results: readonly CheckResult[], baseline: ReadonlySet<string>): Verdict {
  return tally(results, baseline).blocking === 0 ? 'pass' : 'fail';
}

export function summarizeReport(report: CertifyReport): ReportSummary {
  const baseline = new Set(report.baselineIds);
  const { results } = report;
  return {
    verdict: verdictOf(results, baseline),
    totals: {
      ...tally(results, baseline),
      findings: results.filter((r) => r.kind === 'finding').length,
      baselined: results.filter((r) => baseline.has(r.id)).length,
    },
    areas: AREAS.map((area): AreaTally => {
      const inArea = results.filter((r) => r.area === area);
      return {
        area,
        ...tally(inArea, baseline),
        verdict: inArea.length === 0 ? undefined : verdictOf(inArea, baseline),
      };
    }),
    coverage: errorCoverage(results),
    basis: {
      document: results.filter((r) => r.basis === 'document').length,
      assumption: results.filter((r) => r.basis === 'assumption').length,
    },
    needingPowers: results.filter((r) => r.needs.length > 0),
    assumptions: results.filter((r) => r.basis === 'assumption'),
    findings: results.filter((r) => r.kind === 'finding'),
    blocking: results.filter((r) => isRequired(r, baseline) && isBroken(r)),
    knownFailures: results.filter((r) => r.kind === 'requirement' && baseline.has(r.id) && isBroken(r)),
    skipped: results.filter((r) => r.status === 'skip'),
  };
}
