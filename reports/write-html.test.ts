import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeAttribute } from './escape-markup';
import type { CertifyReport } from './report-model';
import { sanitizeReport } from './sanitize';
import { failingReport, FAILING_TITLES, passingReport } from './test-support/sample-reports';
import { makeReport, makeResult, reportArb } from './test-support/results';
import { writeHtml } from './write-html';

const htmlOf = (report: CertifyReport) => writeHtml(sanitizeReport(report, (t) => t));
/** The page's text with tags dropped and the few entities the writer emits decoded: what a reader sees. */
const visibleText = (page: string) =>
  page
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

describe('writeHtml', () => {
  it('escapes markup in every value: a message cannot inject a script', () => {
    const evil = '<script>alert(1)</script>';
    const page = htmlOf(
      makeReport([
        makeResult({
          id: 'auth.x',
          title: `title ${evil}`,
          status: 'fail',
          message: evil,
          evidence: [
            {
              label: evil,
              note: evil,
              curl: `curl '${evil}'`,
              exchange: {
                method: 'POST',
                url: `http://h/${evil}`,
                requestHeaders: { [evil]: evil },
                requestBody: evil,
                status: 500,
                responseBody: evil,
              },
            },
          ],
        }),
      ]),
    );
    expect(page).not.toContain('<script');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.match(/&lt;script&gt;/g)?.length).toBeGreaterThanOrEqual(9);
  });

  it('is self-contained for any report: no scripts, no external resources', () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const page = htmlOf(report);
        expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
        expect(page).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(|@import/i);
        // Only in-page anchors.
        for (const [, href] of page.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^#/);
        // Every check's title reaches the page, escaped.
        for (const r of report.results) expect(page).toContain(escapeAttribute(r.title));
      }),
      { numRuns: 100 },
    );
  });

  it('shows the verdict, each failure with its evidence and replay command, and the coverage', () => {
    const page = htmlOf(failingReport());
    const text = visibleText(page);
    expect(text).toContain('FAIL');
    expect(text).toContain('4 required checks failed or broke');
    for (const title of FAILING_TITLES) expect(text).toContain(title);
    expect(text).toContain("curl -X POST 'http://127.0.0.1:40123/topup-transactions/redeem-gift'");
    expect(text).toContain('POST http://127.0.0.1:40123/topup-transactions/redeem-gift');
    expect(text).toContain('seed 1234, path "17:0:2"');
    expect(text).toContain('25 of 26 documented (endpoint, code) pairs provoked and verified');
    expect(text).toContain('21 of 22 distinct codes verified');
    expect(text).toContain('Known failures (in the baseline, not failing the run) (1)');
    expect(text).toContain('serviceFee is a 6-place decimal string');
    expect(text).toContain('The check itself broke');
    expect(text).toMatch(/Target\s*embedded sandbox/);
    expect(text).toMatch(/Harness version\s*0\.1\.0/);
    expect(text).toContain('2025-11-23T13:00:00.000Z');
  });

  it('shows a passing run with its skips, sandbox-only checks, assumptions and findings', () => {
    const text = visibleText(htmlOf(passingReport()));
    expect(text).toContain('PASS');
    expect(text).toContain('Every required check that ran passed; the skips below were accepted');
    expect(text).toContain('16 required checks of 33 did not run (coverage 51.5%), accepted');
    expect(text).toContain('No required check failed.');
    expect(text).toContain('12 of 26 documented (endpoint, code) pairs provoked and verified');
    expect(text).toContain('Pairs not provoked (14)');
    expect(text).toContain('err.redeem.5031 (redeem-gift, 5031): not provokable from outside on this target');
    expect(text).toContain('Checks that need sandbox-only powers (16)');
    expect(text).toContain('outbox (reads the OTPs the server would send by SMS); clock (moves the server clock)');
    expect(text).toContain('Expectations that are assumptions, not document rules (4)');
    expect(text).toContain('docs/design.md › Behaviour where the API documents are silent › Idempotency');
    expect(text).toContain('serves both /initiate-claim and /initiate-redeem');
    expect(text).toContain('the target has no outbox or clock power');
  });

  it('shows the answer times per endpoint, or says the run kept none', () => {
    const latency = [
      { endpoint: 'redeem-gift', count: 12, p50Ms: 35, p95Ms: 740, maxMs: 812 },
      { endpoint: 'login', count: 3, p50Ms: 4, p95Ms: 6, maxMs: 6 },
    ];
    const text = visibleText(htmlOf({ ...passingReport(), latency }));
    expect(text).toContain('Answer times by endpoint (2)');
    expect(text).toMatch(/redeem-gift\s*12\s*35\s*740\s*812/);
    expect(text).toMatch(/login\s*3\s*4\s*6\s*6/);
    expect(visibleText(htmlOf(passingReport()))).toContain('This run kept no answer times.');
  });

  it('says when a passing verdict verified nothing', () => {
    const skipped = makeReport([makeResult({ id: 'auth.x', status: 'skip', reason: 'r' })]);
    const text = visibleText(htmlOf({ ...skipped, acceptance: { allowIncomplete: true } }));
    expect(text).toContain('nothing was verified');
    expect(text).toContain('all skipped');
  });

  it('calls a run with skipped required checks INCOMPLETE, with the count and the reasons in the banner', () => {
    const { acceptance: _accepted, ...report } = passingReport();
    const page = htmlOf(report);
    const banner = visibleText(/<section class="verdict[^]*?<\/section>/.exec(page)![0]);
    expect(banner).toContain('INCOMPLETE');
    expect(banner).toContain('16 required checks did not run: the target is not certified');
    expect(banner).toMatch(/16 required checks of 33 did not run \(coverage 51\.5%\), so nothing certifies them/);
    expect(banner).toMatch(/\d+ the target has no \w+ power/);
    expect(page).toContain('<section class="verdict incomplete"');
  });
});
