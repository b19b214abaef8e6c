/**
 * junit.xml for CI: one testsuite per area that ran, one testcase per check, and first a
 * `completeness` testcase that fails when required checks were skipped. The failures and
 * errors in it are exactly what fails the run, so a CI that goes red on JUnit failures
 * agrees with certify's exit code: findings and baselined checks that did not pass are written as
 * <skipped> with what happened (pytest does the same for expected failures).
 */
import type { CheckResult } from '../suites/check-result';
import { escapeText, xmlAttributes } from './escape-markup';
import { evidenceText, replayText, sourceText } from './evidence-text';
import { isRequired, summarizeReport } from './report-model';
import type { ReportSummary } from './report-model';
import type { SanitizedReport } from './sanitize';

type CaseOutcome =
  | { readonly element: undefined; readonly output?: string }
  | { readonly element: 'failure' | 'error' | 'skipped'; readonly message: string; readonly body: string };

function details(r: CheckResult, headline: string): string {
  return [
    `${r.title} (${r.id})`,
    `severity ${r.severity}; ${r.basis}: ${sourceText(r)}`,
    headline,
    replayText(r),
    r.evidence.length > 0 ? `\n${evidenceText(r.evidence)}` : undefined,
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}

function caseOutcome(r: CheckResult, baseline: ReadonlySet<string>): CaseOutcome {
  if (r.status === 'pass')
    return r.note === undefined ? { element: undefined } : { element: undefined, output: r.note };
  if (r.status === 'skip') return { element: 'skipped', message: r.reason ?? '', body: '' };
  const what = r.message ?? '';
  if (!isRequired(r, baseline)) {
    const why = r.kind === 'finding' ? 'finding' : 'in baseline';
    return {
      element: 'skipped',
      message: `${why}, ${r.status === 'fail' ? 'failed' : 'broke'}: ${what}`,
      body: details(r, what),
    };
  }
  return { element: r.status === 'fail' ? 'failure' : 'error', message: what, body: details(r, what) };
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function testcase(r: CheckResult, baseline: ReadonlySet<string>): string {
  const open = `    <testcase${xmlAttributes({ classname: `omnivas.${r.area}`, name: r.id, time: seconds(r.durationMs) })}`;
  const outcome = caseOutcome(r, baseline);
  if (outcome.element === undefined) {
    return outcome.output === undefined
      ? `${open}/>`
      : `${open}>\n      <system-out>${escapeText(outcome.output)}</system-out>\n    </testcase>`;
  }
  const typeAttr: Record<string, string> = outcome.element === 'skipped' ? {} : { type: r.severity };
  const child = `<${outcome.element}${xmlAttributes({ message: outcome.message, ...typeAttr })}>${escapeText(outcome.body)}</${outcome.element}>`;
  return `${open}>\n      ${child}\n    </testcase>`;
}

/** Required checks were skipped and nothing accepts it: the completeness testcase fails (as the verdict does, unless it already failed). */
const unaccepted = (summary: ReportSummary): boolean =>
  summary.completeness.skipped > 0 && !summary.completeness.accepted;

/**
 * First, one testcase for the run's coverage: a failure when required checks were skipped and not
 * accepted (certify exits 4, INCOMPLETE), so a CI that reads JUnit cannot show such a run green.
 */
function completenessSuite(summary: ReportSummary, properties: string, timestamp: string): string {
  const c = summary.completeness;
  const reasons = c.reasons.map((r) => `${r.checkIds.length} skipped: ${r.reason}\n  ${r.checkIds.join(', ')}`);
  const headline = `${c.skipped} of ${c.required} required checks did not run (coverage ${c.coveragePct}%)`;
  const open = `    <testcase${xmlAttributes({ classname: 'omnivas.certify', name: 'certify.completeness', time: '0.000' })}`;
  const testcase =
    c.skipped === 0
      ? `${open}/>`
      : c.accepted
        ? `${open}>\n      <system-out>${escapeText(`accepted: ${headline}\n${reasons.join('\n')}`)}</system-out>\n    </testcase>`
        : `${open}>\n      <failure${xmlAttributes({ message: `INCOMPLETE: ${headline}`, type: 'incomplete' })}>${escapeText(reasons.join('\n'))}</failure>\n    </testcase>`;
  const failures = unaccepted(summary) ? 1 : 0;
  return [
    `  <testsuite${xmlAttributes({ name: 'completeness', tests: 1, failures, errors: 0, skipped: 0, time: '0.000', timestamp })}>`,
    '    <properties>',
    properties,
    '    </properties>',
    testcase,
    '  </testsuite>',
  ].join('\n');
}

export function writeJunit(report: SanitizedReport): string {
  const baseline = new Set(report.baselineIds);
  const summary = summarizeReport(report);
  // Counted from the outcomes written, so the header totals cannot disagree with the testcases.
  const count = (results: readonly CheckResult[], element: string) =>
    results.filter((r) => caseOutcome(r, baseline).element === element).length;
  const totalsOf = (results: readonly CheckResult[]) => ({
    tests: results.length,
    failures: count(results, 'failure'),
    errors: count(results, 'error'),
    skipped: count(results, 'skipped'),
    time: seconds(results.reduce((sum, r) => sum + r.durationMs, 0)),
  });
  const properties = Object.entries({
    target: report.target.name,
    baseUrl: report.target.baseUrl,
    profile: report.target.profile,
    harnessVersion: report.harnessVersion,
    seed: report.seed,
    verdict: summary.verdict,
    requiredChecks: summary.completeness.required,
    requiredSkipped: summary.completeness.skipped,
    coveragePct: summary.completeness.coveragePct,
  })
    .map(([name, value]) => `      <property${xmlAttributes({ name, value })}/>`)
    .join('\n');
  const suites = summary.areas
    .filter((a) => a.checks > 0)
    .map((a) => {
      const inArea = report.results.filter((r) => r.area === a.area);
      const header = `  <testsuite${xmlAttributes({ name: a.area, ...totalsOf(inArea), timestamp: report.startedAt })}>`;
      return [
        header,
        '    <properties>',
        properties,
        '    </properties>',
        ...inArea.map((r) => testcase(r, baseline)),
        '  </testsuite>',
      ].join('\n');
    });
  const completeness = completenessSuite(summary, properties, report.startedAt);
  const totals = totalsOf(report.results);
  const rootTotals = {
    ...totals,
    tests: totals.tests + 1,
    failures: totals.failures + (unaccepted(summary) ? 1 : 0),
  };
  const root = `<testsuites${xmlAttributes({ name: `omnivas-harness certify: ${report.target.name}`, ...rootTotals, timestamp: report.startedAt })}>`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', root, completeness, ...suites, '</testsuites>', ''].join('\n');
}
