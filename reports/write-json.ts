/** summary.json: the whole report for machines, evidence unabridged, plus the derived verdict, totals and coverage. */
import type { CheckResult } from '../suites/check-result';
import { summarizeReport } from './report-model';
import type { SanitizedReport } from './sanitize';

/** Bumped when a field changes meaning, so consumers can refuse what they do not understand. */
export const SUMMARY_FORMAT = 'omnivas-harness/certify-summary@1';

function checkEntry(r: CheckResult, baseline: ReadonlySet<string>) {
  return {
    id: r.id,
    title: r.title,
    area: r.area,
    severity: r.severity,
    source: r.source,
    basis: r.basis,
    kind: r.kind,
    needs: r.needs,
    baselined: baseline.has(r.id),
    status: r.status,
    message: r.message,
    reason: r.reason,
    note: r.note,
    durationMs: r.durationMs,
    seed: r.seed,
    path: r.path,
    counterexample: r.counterexample,
    evidence: r.evidence,
  };
}

export function writeJson(report: SanitizedReport): string {
  const summary = summarizeReport(report);
  const baseline = new Set(report.baselineIds);
  const { coverage } = summary;
  const doc = {
    format: SUMMARY_FORMAT,
    harnessVersion: report.harnessVersion,
    target: report.target,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    seed: report.seed,
    verdict: summary.verdict,
    // Up front with the verdict: an INCOMPLETE run says how much did not run and why.
    completeness: summary.completeness,
    acceptance: report.acceptance ?? {},
    totals: summary.totals,
    areas: summary.areas,
    basis: summary.basis,
    errorCodeCoverage: {
      pairsVerified: coverage.pairsVerified,
      pairsDocumented: coverage.pairsDocumented,
      codesVerified: coverage.codesVerified,
      codesDocumented: coverage.codesDocumented,
      pairs: coverage.pairs,
    },
    baselineIds: report.baselineIds,
    // p50/p95/max answer time in ms per endpoint; [] when the run kept none.
    latency: report.latency ?? [],
    checks: report.results.map((r) => checkEntry(r, baseline)),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
