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
  /** Checks named in the baseline file: reported, but they do not fail the run (nor, skipped, leave it incomplete). */
  readonly baselineIds: readonly string[];
  /**
   * Answer times per endpoint over the whole run (contract/latency.ts, from the answer collector);
   * absent when the runner kept none. The latency checks judge them; the report shows them.
   */
  readonly latency?: readonly EndpointLatency[];
  /** Whether a run that skipped required checks may still pass (certify --allow-incomplete, --min-coverage). */
  readonly acceptance?: Acceptance;
}

/**
 * What a run that skipped required checks may still pass with. The default accepts nothing: a
 * pre-release gate that never tried two thirds of the rules has not certified anything.
 */
export interface Acceptance {
  /** certify --allow-incomplete: skipped required checks do not keep the run from passing. */
  readonly allowIncomplete?: boolean;
  /** certify --min-coverage PCT: pass when at least this percentage (0–100) of the required checks ran. */
  readonly minCoveragePct?: number;
}

/**
 * `pass`: every required check ran and passed (or the skips were accepted); `incomplete`: none
 * failed, but required checks were skipped; `fail`: a required check failed or broke.
 */
export type Verdict = 'pass' | 'incomplete' | 'fail';

/** Why required checks did not run, grouped by reason, most checks first. */
export interface SkipReason {
  readonly reason: string;
  readonly checkIds: readonly string[];
}

export interface Completeness {
  /** Requirements outside the baseline: the checks a full certification runs. */
  readonly required: number;
  /** Of those, the ones that ran (passed, failed or broke). */
  readonly ran: number;
  /** Of those, the ones skipped: what leaves the run incomplete. */
  readonly skipped: number;
  /** ran / required in percent, rounded down to one decimal; 100 when nothing is required. */
  readonly coveragePct: number;
  /** Skips that the acceptance lets pass (always false when nothing was skipped). */
  readonly accepted: boolean;
  readonly reasons: readonly SkipReason[];
}

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
  readonly completeness: Completeness;
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

const floorTenth = (value: number): number => Math.floor(value * 10) / 10;

/** How much of what a full certification runs this run ran, and why the rest did not. */
export function completenessOf(
  results: readonly CheckResult[],
  baseline: ReadonlySet<string>,
  acceptance: Acceptance = {},
): Completeness {
  const required = results.filter((r) => isRequired(r, baseline));
  const skippedResults = required.filter((r) => r.status === 'skip');
  const ran = required.length - skippedResults.length;
  const coveragePct = required.length === 0 ? 100 : floorTenth((ran * 100) / required.length);
  const byReason = new Map<string, string[]>();
  for (const r of skippedResults) {
    const reason = r.reason ?? '(no reason given)';
    byReason.set(reason, [...(byReason.get(reason) ?? []), r.id]);
  }
  const reasons = [...byReason].map(([reason, checkIds]) => ({ reason, checkIds }));
  reasons.sort((a, b) => b.checkIds.length - a.checkIds.length);
  const accepted =
    skippedResults.length > 0 &&
    (acceptance.allowIncomplete === true ||
      (acceptance.minCoveragePct !== undefined && (ran * 100) / required.length >= acceptance.minCoveragePct));
  return { required: required.length, ran, skipped: skippedResults.length, coveragePct, accepted, reasons };
}

/**
 * `fail` when a required check failed or broke; `incomplete` when none did but required checks
 * were skipped and the acceptance does not let that pass; `pass` only otherwise. A baseline entry
 * waives a check's skip as it waives its failure.
 */
export function verdictOf(
  results: readonly CheckResult[],
  baseline: ReadonlySet<string>,
  acceptance: Acceptance = {},
): Verdict {
  if (tally(results, baseline).blocking > 0) return 'fail';
  const c = completenessOf(results, baseline, acceptance);
  return c.skipped === 0 || c.accepted ? 'pass' : 'incomplete';
}

export function summarizeReport(report: CertifyReport): ReportSummary {
  const baseline = new Set(report.baselineIds);
  const { results, acceptance } = report;
  return {
    verdict: verdictOf(results, baseline, acceptance),
    completeness: completenessOf(results, baseline, acceptance),
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
        verdict: inArea.length === 0 ? undefined : verdictOf(inArea, baseline, acceptance),
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
