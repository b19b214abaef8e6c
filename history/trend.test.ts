/** The comparison alone, on made-up records: the thresholds, the baseline, the verdict changes, the grouping. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { certifyRecord, loadRecord } from './test-support/records';
import { DEFAULT_THRESHOLDS } from './thresholds';
import { compareGroup, median, trendOf, unexplainedErrorRate } from './trend';
import type { Comparison } from './trend';

const T = DEFAULT_THRESHOLDS;
const find = (comparisons: readonly Comparison[], id: string) => comparisons.find((c) => c.id === id);
const claimP95 = (values: readonly number[]) =>
  compareGroup(
    values.map((p95, i) => loadRecord({ day: i + 1, p95: { 'initiate-claim': p95 } })),
    T,
    10,
  );

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeUndefined();
    expect(median([7])).toBe(7);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('does not depend on order, and lies between the smallest and the largest value', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 }), (xs) => {
        const m = median(xs)!;
        expect(median([...xs].reverse())).toBe(m);
        expect(m).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(m).toBeLessThanOrEqual(Math.max(...xs));
      }),
    );
  });
});

describe('p95 per endpoint', () => {
  it('regresses above 1.2× the median of the earlier runs and at least 5 ms more', () => {
    const g = claimP95([10, 30, 10, 11, 12.5]); // baseline: median(10, 30, 10, 11) = 10.5
    expect(find(g.comparisons, 'p95:initiate-claim')).toMatchObject({ status: 'ok', baseline: 10.5 });
    expect(find(claimP95([10, 30, 10, 11, 18])!.comparisons, 'p95:initiate-claim')?.status).toBe('regression');
    expect(claimP95([10, 30, 10, 11, 18]).regressions).toBe(1);
  });

  it('ignores a rise under the minimum in ms, however large in ratio (loopback jitter)', () => {
    expect(find(claimP95([2, 2, 2, 6.9]).comparisons, 'p95:initiate-claim')?.status).toBe('ok');
    expect(find(claimP95([2, 2, 2, 7]).comparisons, 'p95:initiate-claim')?.status).toBe('regression');
  });

  it('one slow night among the earlier runs does not move the baseline', () => {
    // Against a mean (58) the latest 60 would pass; against the median (10) it regresses.
    expect(find(claimP95([10, 10, 250, 10, 10, 60]).comparisons, 'p95:initiate-claim')?.status).toBe('regression');
  });

  it('names an improvement, and has no baseline for a first run or a new endpoint', () => {
    expect(find(claimP95([100, 100, 40]).comparisons, 'p95:initiate-claim')?.status).toBe('improvement');
    expect(find(claimP95([100]).comparisons, 'p95:initiate-claim')?.status).toBe('no-baseline');
    const g = compareGroup(
      [loadRecord({ day: 1 }), loadRecord({ day: 2, p95: { 'initiate-claim': 12, login: 500 } })],
      T,
      10,
    );
    expect(find(g.comparisons, 'p95:login')?.status).toBe('no-baseline');
    expect(g.regressions).toBe(0);
  });

  it('a run the same as every earlier one never regresses; scaled past both thresholds it always does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 5000, noNaN: true }), { minLength: 1, maxLength: 9 }),
        fc.double({ min: 1.21, max: 50, noNaN: true }),
        (earlier, factor) => {
          const base = median(earlier)!;
          expect(find(claimP95([...earlier, base]).comparisons, 'p95:initiate-claim')?.status).not.toBe('regression');
          const slow = Math.max(base * factor, base + T.p95MinIncreaseMs + 0.01);
          expect(find(claimP95([...earlier, slow]).comparisons, 'p95:initiate-claim')?.status).toBe('regression');
        },
      ),
    );
  });

  it('is monotone: a slower latest run is never judged better than a faster one', () => {
    const rank = { improvement: 0, ok: 1, regression: 2 } as Record<string, number>;
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 1, maxLength: 9 }),
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.double({ min: 0, max: 5000, noNaN: true }),
        (earlier, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const judge = (v: number) => rank[find(claimP95([...earlier, v]).comparisons, 'p95:initiate-claim')!.status]!;
          expect(judge(hi)).toBeGreaterThanOrEqual(judge(lo));
        },
      ),
    );
  });

  it('takes the baseline from the window only: --last 3 forgets older nights', () => {
    const runs = [500, 500, 500, 10, 10, 13].map((p95, i) =>
      loadRecord({ day: i + 1, p95: { 'initiate-claim': p95 } }),
    );
    expect(find(compareGroup(runs, T, 10).comparisons, 'p95:initiate-claim')).toMatchObject({
      status: 'improvement',
      baseline: 500,
    });
    const recent = compareGroup(runs, { ...T, p95MinIncreaseMs: 1 }, 3);
    expect(recent.runs).toHaveLength(3);
    expect(find(recent.comparisons, 'p95:initiate-claim')).toMatchObject({ status: 'regression', baseline: 10 });
  });
});

describe('error rate and throughput', () => {
  it('the unexplained error rate counts server and harness failures, not injected ones', () => {
    const r = loadRecord({ day: 1, serverErrors: 6, operations: 600 });
    expect(unexplainedErrorRate(r)).toBeCloseTo(0.01, 12);
  });

  it('regresses when the error rate rises by more than one point', () => {
    const runs = (last: number) =>
      compareGroup(
        [0, 0, last].map((e, i) => loadRecord({ day: i + 1, serverErrors: e, operations: 100 })),
        T,
        10,
      );
    expect(find(runs(1).comparisons, 'error-rate')?.status).toBe('ok');
    expect(find(runs(2).comparisons, 'error-rate')?.status).toBe('regression');
  });

  it('regresses when throughput falls below 0.8× the baseline', () => {
    const runs = (last: number) =>
      compareGroup(
        [10, 10, last].map((rps, i) => loadRecord({ day: i + 1, requestsPerSecond: rps })),
        T,
        10,
      );
    expect(find(runs(8).comparisons, 'throughput')?.status).toBe('ok');
    expect(find(runs(7.9).comparisons, 'throughput')?.status).toBe('regression');
    expect(find(runs(13).comparisons, 'throughput')?.status).toBe('improvement');
  });
});

describe('verdicts against the run before', () => {
  const inv = (day: number, conservation: 'holds' | 'broken' | 'undetermined') =>
    loadRecord({ day, invariants: { conservation } });

  it('an invariant newly broken or undetermined is a regression; still broken is not; fixed is an improvement', () => {
    const status = (...runs: Parameters<typeof inv>[1][]) =>
      find(
        compareGroup(
          runs.map((v, i) => inv(i + 1, v)),
          T,
          10,
        ).comparisons,
        'invariant:conservation',
      )?.status;
    expect(status('holds', 'broken')).toBe('regression');
    expect(status('holds', 'undetermined')).toBe('regression');
    expect(status('broken', 'broken')).toBe('still-failing');
    expect(status('broken', 'holds')).toBe('improvement');
    expect(status('holds', 'holds')).toBe('ok');
    expect(status('broken')).toBe('regression'); // a first run that breaks one is not excused
  });

  it('certify: checks newly failing or erring are regressions, fixed ones improvements; passing ones are not listed', () => {
    const g = compareGroup(
      [
        certifyRecord(1, { a: 'pass', b: 'fail', c: 'pass', d: 'pass', e: 'fail' }),
        certifyRecord(2, { a: 'fail', b: 'pass', c: 'pass', d: 'error', e: 'fail', f: 'fail' }),
      ],
      T,
      10,
    );
    expect(Object.fromEntries(g.comparisons.map((c) => [c.id, c.status]))).toEqual({
      'failing-checks': 'ok',
      'check:a': 'regression',
      'check:b': 'improvement',
      'check:d': 'regression',
      'check:e': 'still-failing',
      'check:f': 'regression',
    });
    expect(g.regressions).toBe(3);
    // The count of failing checks is charted over the window, not judged: the checks are.
    expect(g.comparisons[0]).toMatchObject({ series: [2, 4], baseline: 2 });
  });
});

describe('grouping', () => {
  it('judges each scenario and target apart: one group regressing does not touch another', () => {
    const records = [
      loadRecord({ day: 1, target: 'a' }),
      loadRecord({ day: 1, target: 'b' }),
      loadRecord({ day: 2, target: 'a', p95: { 'initiate-claim': 100 } }),
      loadRecord({ day: 2, target: 'b' }),
      loadRecord({ day: 3, scenario: 'soak' }),
    ];
    const report = trendOf(records, T, 10);
    expect(report.groups.map((g) => [g.key.scenario, g.key.target, g.regressions])).toEqual([
      ['steady-flow', 'a', 1],
      ['steady-flow', 'b', 0],
      ['soak', 'nightly', 0],
    ]);
    expect(report.regressions).toBe(1);
  });
});
