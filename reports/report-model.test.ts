import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AREAS } from '../suites/check-result';
import type { CheckResult } from '../suites/check-result';
import { summarizeReport } from './report-model';
import type { CertifyReport } from './report-model';
import { makeReport, makeResult, reportArb, resultArb } from './test-support/results';

const withResults = (
  report: ReturnType<typeof makeReport>,
  results: readonly CheckResult[],
  baselineIds = report.baselineIds,
) => ({ ...report, results, baselineIds });
const freshFailure = resultArb(fc.constant('auth.fresh-failure-id')).map((r) => ({
  ...r,
  kind: 'requirement' as const,
}));

describe('summarizeReport', () => {
  it('counts an example run', () => {
    const s = summarizeReport(
      makeReport(
        [
          makeResult({ id: 'auth.a' }),
          makeResult({ id: 'auth.b', status: 'fail', message: 'x' }),
          makeResult({ id: 'sig.c', area: 'signature', status: 'error', message: 'broke' }),
          makeResult({ id: 'sig.d', area: 'signature', status: 'fail', message: 'known' }),
          makeResult({
            id: 'contradictions.path',
            area: 'contradictions',
            kind: 'finding',
            status: 'fail',
            message: 'only /initiate-redeem',
          }),
          makeResult({
            id: 'err.redeem.5031',
            area: 'errors',
            status: 'skip',
            reason: 'not provokable from outside on this target',
            needs: ['faults'],
            basis: 'assumption',
            source: { doc: 'docs/design.md', section: 'x' },
          }),
        ],
        ['sig.d'],
      ),
    );
    expect(s.totals).toEqual({
      checks: 6,
      pass: 1,
      fail: 3,
      skip: 1,
      error: 1,
      blocking: 2,
      findings: 1,
      baselined: 1,
    });
    expect(s.verdict).toBe('fail');
    expect(s.blocking.map((r) => r.id)).toEqual(['auth.b', 'sig.c']);
    expect(s.knownFailures.map((r) => r.id)).toEqual(['sig.d']);
    expect(s.findings.map((r) => r.id)).toEqual(['contradictions.path']);
    expect(s.needingPowers.map((r) => r.id)).toEqual(['err.redeem.5031']);
    expect(s.assumptions.map((r) => r.id)).toEqual(['err.redeem.5031']);
    expect(s.basis).toEqual({ document: 5, assumption: 1 });
    const byArea = Object.fromEntries(s.areas.map((a) => [a.area, a.verdict]));
    expect(byArea).toMatchObject({
      auth: 'fail',
      signature: 'fail',
      contradictions: 'pass',
      errors: 'incomplete',
      replay: undefined,
    });
    expect(s.completeness).toEqual({
      required: 4,
      ran: 3,
      skipped: 1,
      coveragePct: 75,
      accepted: false,
      reasons: [{ reason: 'not provokable from outside on this target', checkIds: ['err.redeem.5031'] }],
    });
  });

  it('passes a run whose only problems are baselined, findings or baselined skips', () => {
    const s = summarizeReport(
      makeReport(
        [
          makeResult({ id: 'auth.a' }),
          makeResult({ id: 'auth.b', status: 'error', message: 'm' }),
          makeResult({ id: 'auth.c', kind: 'finding', status: 'fail', message: 'm' }),
          makeResult({ id: 'auth.d', status: 'skip', reason: 'r' }),
          makeResult({ id: 'auth.e', kind: 'finding', status: 'skip', reason: 'r' }),
        ],
        ['auth.b', 'auth.d'],
      ),
    );
    expect(s.verdict).toBe('pass');
    expect(s.totals.blocking).toBe(0);
    expect(s.completeness).toMatchObject({ required: 1, ran: 1, skipped: 0, coveragePct: 100 });
  });

  it('calls a run INCOMPLETE when a required check was skipped, unless the skips are accepted', () => {
    const report = makeReport([
      makeResult({ id: 'auth.a' }),
      makeResult({ id: 'auth.b' }),
      makeResult({ id: 'auth.c', status: 'skip', reason: 'needs fixtures.secondMerchant' }),
      makeResult({ id: 'err.d', area: 'errors', status: 'skip', reason: 'needs testHooks' }),
      makeResult({ id: 'err.e', area: 'errors', status: 'skip', reason: 'needs testHooks' }),
    ]);
    const s = summarizeReport(report);
    expect(s.verdict).toBe('incomplete');
    expect(s.completeness).toEqual({
      required: 5,
      ran: 2,
      skipped: 3,
      coveragePct: 40,
      accepted: false,
      reasons: [
        { reason: 'needs testHooks', checkIds: ['err.d', 'err.e'] },
        { reason: 'needs fixtures.secondMerchant', checkIds: ['auth.c'] },
      ],
    });
    const verdictWith = (acceptance: CertifyReport['acceptance']) => summarizeReport({ ...report, acceptance }).verdict;
    expect(verdictWith({ allowIncomplete: true })).toBe('pass');
    expect(verdictWith({ minCoveragePct: 40 })).toBe('pass');
    expect(verdictWith({ minCoveragePct: 40.1 })).toBe('incomplete');
    expect(verdictWith({ allowIncomplete: false })).toBe('incomplete');
    // A failure is a failure whatever the acceptance.
    const failing = {
      ...report,
      results: [...report.results, makeResult({ id: 'auth.f', status: 'fail', message: 'm' })],
    };
    expect(summarizeReport({ ...failing, acceptance: { allowIncomplete: true } }).verdict).toBe('fail');
    // A baseline entry waives a skip as it waives a failure.
    expect(summarizeReport({ ...report, baselineIds: ['auth.c', 'err.d', 'err.e'] }).verdict).toBe('pass');
  });

  it('keeps totals and per-area tallies consistent for any run', () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const { totals, areas, basis } = summarizeReport(report);
        expect(totals.pass + totals.fail + totals.skip + totals.error).toBe(report.results.length);
        expect(areas.map((a) => a.area)).toEqual([...AREAS]);
        for (const key of ['checks', 'pass', 'fail', 'skip', 'error', 'blocking'] as const) {
          expect(areas.reduce((sum, a) => sum + a[key], 0)).toBe(totals[key]);
        }
        expect(basis.document + basis.assumption).toBe(report.results.length);
        expect(totals.blocking).toBeLessThanOrEqual(totals.fail + totals.error);
      }),
    );
  });

  it('fails the run for a new failing requirement, and not once it is baselined or a finding', () => {
    fc.assert(
      fc.property(
        reportArb,
        freshFailure.filter((r) => r.status === 'fail' || r.status === 'error'),
        (report, failing) => {
          const before = summarizeReport(report).verdict;
          expect(summarizeReport(withResults(report, [...report.results, failing])).verdict).toBe('fail');
          expect(
            summarizeReport(withResults(report, [...report.results, failing], [...report.baselineIds, failing.id]))
              .verdict,
          ).toBe(before);
          expect(
            summarizeReport(withResults(report, [...report.results, { ...failing, kind: 'finding' }])).verdict,
          ).toBe(before);
        },
      ),
    );
  });

  it('passes exactly when every required check outside the baseline ran and passed', () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const required = report.results.filter((r) => r.kind === 'requirement' && !report.baselineIds.includes(r.id));
        const broken = required.some((r) => r.status === 'fail' || r.status === 'error');
        const skipped = required.some((r) => r.status === 'skip');
        expect(summarizeReport(report).verdict).toBe(broken ? 'fail' : skipped ? 'incomplete' : 'pass');
        expect(summarizeReport({ ...report, acceptance: { allowIncomplete: true } }).verdict).toBe(
          broken ? 'fail' : 'pass',
        );
      }),
    );
  });

  it('never turns a pass into a fail when a check is skipped instead, only into INCOMPLETE', () => {
    fc.assert(
      fc.property(reportArb, fc.nat(), (generated, pick) => {
        fc.pre(generated.results.length > 0);
        // A passing run: every required check outside the baseline passed or skipped.
        const baseline = new Set(generated.baselineIds);
        const passing = withResults(
          generated,
          generated.results.map((r) =>
            r.kind === 'requirement' && !baseline.has(r.id) && r.status !== 'skip'
              ? { ...r, status: 'pass' as const }
              : r,
          ),
        );
        const allowed = { ...passing, acceptance: { allowIncomplete: true } };
        expect(summarizeReport(allowed).verdict).toBe('pass');
        const i = pick % passing.results.length;
        const skippedOne = passing.results[i]!;
        const results = passing.results.map((r, j) => (j === i ? { ...r, status: 'skip' as const, reason: 'r' } : r));
        const required = skippedOne.kind === 'requirement' && !baseline.has(skippedOne.id);
        expect(summarizeReport(withResults(allowed, results)).verdict).toBe('pass');
        const strict = withResults(passing, results);
        const skipsBefore = passing.results.some(
          (r) => r.kind === 'requirement' && !baseline.has(r.id) && r.status === 'skip',
        );
        expect(summarizeReport(strict).verdict).toBe(required || skipsBefore ? 'incomplete' : 'pass');
      }),
    );
  });
});
