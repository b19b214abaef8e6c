import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AREAS } from '../suites/check-result';
import { printableText } from './escape-markup';
import { summarizeReport } from './report-model';
import type { CertifyReport } from './report-model';
import { sanitizeReport } from './sanitize';
import { exchangeEvidence, makeReport, makeResult, reportArb } from './test-support/results';
import { childrenNamed, parseXml, textOf } from './test-support/xml-parser';
import type { XmlElement } from './test-support/xml-parser';
import { writeJunit } from './write-junit';

const junitOf = (report: CertifyReport) => parseXml(writeJunit(sanitizeReport(report, (t) => t)));
const areaSuites = (root: XmlElement) =>
  childrenNamed(root, 'testsuite').filter((s) => s.attributes.name !== 'completeness');
const cases = (root: XmlElement) => areaSuites(root).flatMap((s) => childrenNamed(s, 'testcase'));
const allCases = (root: XmlElement) => childrenNamed(root, 'testsuite').flatMap((s) => childrenNamed(s, 'testcase'));
const outcome = (tc: XmlElement) =>
  tc.children.find((c): c is XmlElement => typeof c !== 'string' && c.name !== 'system-out');

describe('writeJunit', () => {
  it('is well-formed XML for any messages and evidence, and says them back exactly (as printable text)', () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const root = junitOf(report);
        const baseline = new Set(report.baselineIds);
        expect(root.name).toBe('testsuites');
        expect(childrenNamed(root, 'testsuite').map((s) => s.attributes.name)).toEqual([
          'completeness',
          ...AREAS.filter((a) => report.results.some((r) => r.area === a)),
        ]);
        const all = cases(root);
        expect(all.map((tc) => tc.attributes.name)).toEqual(
          AREAS.flatMap((a) => report.results.filter((r) => r.area === a).map((r) => printableText(r.id))),
        );
        for (const tc of all) {
          const result = report.results.find((r) => printableText(r.id) === tc.attributes.name)!;
          const el = outcome(tc);
          if (
            result.kind === 'requirement' &&
            !baseline.has(result.id) &&
            (result.status === 'fail' || result.status === 'error')
          ) {
            expect(el?.name).toBe(result.status === 'fail' ? 'failure' : 'error');
            expect(el?.attributes.message).toBe(printableText(result.message ?? ''));
            expect(textOf(el!)).toContain(printableText(result.message ?? ''));
          } else if (result.status === 'pass') {
            expect(el).toBeUndefined();
          } else {
            expect(el?.name).toBe('skipped');
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('has exactly as many failures and errors as checks that fail the run, in every header', () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const root = junitOf(report);
        const count = (name: string) => allCases(root).filter((tc) => outcome(tc)?.name === name).length;
        const summary = summarizeReport(report);
        // The checks that fail the run, and one more when required checks were skipped (INCOMPLETE).
        const skipped = summary.completeness.skipped > 0;
        expect(count('failure') + count('error')).toBe(summary.totals.blocking + (skipped ? 1 : 0));
        if (summary.verdict === 'incomplete') expect(count('failure')).toBe(1);
        for (const [el, tcs] of [
          [root, allCases(root)],
          ...childrenNamed(root, 'testsuite').map((s) => [s, childrenNamed(s, 'testcase')] as const),
        ] as const) {
          expect(Number(el.attributes.tests)).toBe(tcs.length);
          for (const [attr, name] of [
            ['failures', 'failure'],
            ['errors', 'error'],
            ['skipped', 'skipped'],
          ] as const) {
            expect(Number(el.attributes[attr])).toBe(tcs.filter((tc) => outcome(tc)?.name === name).length);
          }
        }
      }),
    );
  });

  it('writes failures with their evidence and replay command, and the rest as skipped with what happened', () => {
    const root = junitOf(
      makeReport(
        [
          makeResult({
            id: 'sig.rejects-der',
            area: 'signature',
            title: 'A DER signature is refused',
            severity: 'critical',
            status: 'fail',
            message: 'accepted a DER signature',
            evidence: [exchangeEvidence()],
            seed: 9,
            path: '0:1',
            counterexample: '["x"]',
          }),
          makeResult({ id: 'auth.known', status: 'fail', message: 'known bug' }),
          makeResult({
            id: 'contradictions.initiate-path',
            area: 'contradictions',
            kind: 'finding',
            status: 'fail',
            message: 'serves only /initiate-redeem',
          }),
          makeResult({
            id: 'err.redeem.5031',
            area: 'errors',
            status: 'skip',
            reason: 'not provokable from outside on this target',
          }),
          makeResult({ id: 'auth.login', note: 'token valid 300 s' }),
          makeResult({ id: 'auth.broke', status: 'error', message: 'socket hang up' }),
        ],
        ['auth.known'],
      ),
    );
    const byName = Object.fromEntries(cases(root).map((tc) => [tc.attributes.name, tc]));
    const der = outcome(byName['sig.rejects-der']!)!;
    expect(der).toMatchObject({
      name: 'failure',
      attributes: { message: 'accepted a DER signature', type: 'critical' },
    });
    expect(textOf(der)).toContain("curl -X POST 'http://127.0.0.1:40123/topup-transactions/redeem-gift'");
    expect(textOf(der)).toContain('> POST http://127.0.0.1:40123/topup-transactions/redeem-gift');
    expect(textOf(der)).toContain('< HTTP 200');
    expect(textOf(der)).toContain('seed 9, path "0:1", counterexample ["x"]');
    expect(outcome(byName['auth.known']!)?.attributes.message).toBe('in baseline, failed: known bug');
    expect(outcome(byName['contradictions.initiate-path']!)?.attributes.message).toBe(
      'finding, failed: serves only /initiate-redeem',
    );
    expect(outcome(byName['err.redeem.5031']!)?.attributes.message).toBe('not provokable from outside on this target');
    expect(textOf(childrenNamed(byName['auth.login']!, 'system-out')[0]!)).toBe('token valid 300 s');
    expect(outcome(byName['auth.broke']!)).toMatchObject({ name: 'error', attributes: { message: 'socket hang up' } });
    expect(byName['sig.rejects-der']!.attributes).toMatchObject({ classname: 'omnivas.signature', time: '0.003' });
  });

  it('fails a completeness testcase first when required checks were skipped, with the count and the reasons', () => {
    const report = makeReport([
      makeResult({ id: 'auth.a' }),
      makeResult({ id: 'err.b', area: 'errors', status: 'skip', reason: 'needs "testHooks": true' }),
    ]);
    const first = (r: CertifyReport) => allCases(junitOf(r))[0]!;
    const failing = outcome(first(report));
    expect(first(report).attributes.name).toBe('certify.completeness');
    expect(failing?.name).toBe('failure');
    expect(failing?.attributes.message).toBe('INCOMPLETE: 1 of 2 required checks did not run (coverage 50%)');
    expect(textOf(failing!)).toContain('1 skipped: needs "testHooks": true\n  err.b');
    expect(outcome(first({ ...report, acceptance: { allowIncomplete: true } }))).toBeUndefined();
    expect(outcome(first({ ...report, baselineIds: ['err.b'] }))).toBeUndefined();
  });
});
