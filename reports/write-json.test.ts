import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BODY_LIMIT } from './evidence-text';
import { summarizeReport } from './report-model';
import type { CertifyReport } from './report-model';
import { sanitizeReport } from './sanitize';
import { failingReport } from './test-support/sample-reports';
import { exchangeEvidence, makeReport, makeResult, reportArb } from './test-support/results';
import { writeHtml } from './write-html';
import { SUMMARY_FORMAT, writeJson } from './write-json';
import { writeJunit } from './write-junit';

const safe = (report: CertifyReport) => sanitizeReport(report, (t) => t);

describe('writeJson', () => {
  it("records every check's id, title, area, severity, source, basis, status and evidence, and the derived verdict", () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const doc = JSON.parse(writeJson(safe(report)));
        const summary = summarizeReport(report);
        expect(doc.format).toBe(SUMMARY_FORMAT);
        expect(doc.verdict).toBe(summary.verdict);
        expect(doc.totals).toEqual(summary.totals);
        expect(doc.errorCodeCoverage.pairsVerified).toBe(summary.coverage.pairsVerified);
        expect(doc.checks).toHaveLength(report.results.length);
        report.results.forEach((r, i) => {
          expect(doc.checks[i]).toMatchObject({
            id: r.id,
            title: r.title,
            area: r.area,
            severity: r.severity,
            source: r.source,
            basis: r.basis,
            kind: r.kind,
            status: r.status,
            baselined: report.baselineIds.includes(r.id),
          });
          expect(doc.checks[i].evidence).toEqual(JSON.parse(JSON.stringify(r.evidence)));
        });
      }),
      { numRuns: 100 },
    );
  });

  it('carries the run, the target, the coverage grid and the area tallies', () => {
    const doc = JSON.parse(writeJson(safe(failingReport())));
    expect(doc).toMatchObject({
      harnessVersion: '0.1.0',
      seed: 1234,
      startedAt: '2025-11-23T13:00:00.000Z',
      target: { name: 'embedded sandbox', sandbox: true },
      verdict: 'fail',
      baselineIds: ['detail.service-fee'],
    });
    expect(doc.errorCodeCoverage).toMatchObject({
      pairsVerified: 25,
      pairsDocumented: 26,
      codesVerified: 21,
      codesDocumented: 22,
    });
    expect(doc.errorCodeCoverage.pairs).toHaveLength(26);
    expect(doc.areas.find((a: { area: string }) => a.area === 'signature')).toMatchObject({
      fail: 2,
      blocking: 2,
      verdict: 'fail',
    });
    expect(doc.checks.find((c: { id: string }) => c.id === 'sig.rejects-tampered')).toMatchObject({
      seed: 1234,
      path: '17:0:2',
    });
  });

  it('carries the answer times per endpoint, [] when the run kept none', () => {
    const latency = [{ endpoint: 'voucher-detail', count: 4, p50Ms: 2, p95Ms: 1200, maxMs: 1300 }];
    expect(JSON.parse(writeJson(safe({ ...failingReport(), latency }))).latency).toEqual(latency);
    expect(JSON.parse(writeJson(safe(failingReport()))).latency).toEqual([]);
  });

  it('keeps a long body whole, where junit.xml and report.html cut it', () => {
    const body = 'x'.repeat(BODY_LIMIT + 500);
    const report = safe(
      makeReport([
        makeResult({
          id: 'auth.big',
          status: 'fail',
          message: 'm',
          evidence: [exchangeEvidence({ body, curl: 'curl --data-binary @body.json http://127.0.0.1:40123/x' })],
        }),
      ]),
    );
    expect(writeJson(report)).toContain(body);
    for (const text of [writeJunit(report), writeHtml(report)]) {
      expect(text).not.toContain(body);
      expect(text).toContain('500 more characters; the whole body is in summary.json');
    }
  });
});
