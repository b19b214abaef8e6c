/** The trend's JUnit and HTML, read back: well-formed, failures exactly the regressions, hostile names kept as text. */
import { describe, expect, it } from 'vitest';
import { childrenNamed, parseXml, textOf } from '../reports/test-support/xml-parser';
import { certifyRecord, loadRecord } from './test-support/records';
import { DEFAULT_THRESHOLDS } from './thresholds';
import { trendOf } from './trend';
import { trendHtml } from './trend-html';
import { trendJunit } from './trend-junit';

const HOSTILE = 'a"<b>&\'\u0001</testsuite>';

function report() {
  return trendOf(
    [
      loadRecord({ day: 1, target: HOSTILE }),
      loadRecord({ day: 2, target: HOSTILE, p95: { 'initiate-claim': 90 } }),
      certifyRecord(1, { [`x.${HOSTILE}`]: 'pass', ok: 'pass' }),
      certifyRecord(2, { [`x.${HOSTILE}`]: 'fail', ok: 'pass' }),
    ],
    DEFAULT_THRESHOLDS,
    10,
  );
}

describe('trend junit.xml', () => {
  it('is well-formed; its failures are the regressions, named and explained; names survive escaping', () => {
    const r = report();
    expect(r.regressions).toBe(2);
    const root = parseXml(trendJunit(r));
    expect(root.attributes['failures']).toBe('2');
    const suites = childrenNamed(root, 'testsuite');
    expect(suites.map((s) => s.attributes['name'])).toEqual([
      `load steady-flow on ${HOSTILE.replace('\u0001', '\\u0001')} (smoke)`,
      'certify certify on nightly (merchant-v1)',
    ]);
    const failures = suites.flatMap((s) =>
      childrenNamed(s, 'testcase').flatMap((c) =>
        childrenNamed(c, 'failure').map((f) => [c.attributes['name'], f.attributes['message'], textOf(f)]),
      ),
    );
    expect(failures).toEqual([
      [
        'p95:initiate-claim',
        expect.stringMatching(/^p95 initiate-claim: p95 90\.0 ms against 12\.0 ms/),
        expect.any(String),
      ],
      [`check:x.${HOSTILE.replace('\u0001', '\\u0001')}`, expect.stringMatching(/newly fail/), expect.any(String)],
    ]);
    // Every comparison is a testcase; those that did not regress say how they stand.
    const cases = suites.flatMap((s) => childrenNamed(s, 'testcase'));
    expect(cases).toHaveLength(r.groups.reduce((n, g) => n + g.comparisons.length, 0));
    const ok = cases.find((c) => c.attributes['name'] === 'invariant:conservation')!;
    expect(textOf(childrenNamed(ok, 'system-out')[0]!)).toMatch(/^ok: holds now, holds in the run before/);
  });
});

describe('trend.html', () => {
  it('carries no markup from the records, and no script or external reference', () => {
    const html = trendHtml(report());
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('</testsuite>');
    expect(html).toContain('a&quot;&lt;b&gt;&amp;&#39;\\u0001&lt;/testsuite&gt;');
    expect(html).not.toMatch(/<script|src=|href=/i);
    // Load: one endpoint's p95, error rate, throughput; certify: the failing checks.
    expect(html.match(/<svg /g)).toHaveLength(4);
  });
});
