/**
 * The trend: the latest run of each group (same kind, scenario, target and profile) against the
 * runs before it. Figures (p95 per endpoint, the unexplained error rate, throughput) are compared
 * with the median of the previous runs in the window, so one odd night neither hides nor makes a
 * regression; verdicts (invariants, certify checks) with the run just before, so a newly broken
 * one is named the night it breaks. Pure: records in, a report out.
 */
import type { RunRecord } from './run-record';
import type { TrendThresholds } from './thresholds';

export type ComparisonStatus = 'regression' | 'improvement' | 'ok' | 'still-failing' | 'no-baseline';

export interface Comparison {
  /** Stable, for JUnit test names and chart ids: "p95:initiate-claim", "error-rate", "invariant:conservation". */
  readonly id: string;
  readonly kind: 'p95' | 'error-rate' | 'throughput' | 'invariant' | 'check';
  readonly title: string;
  readonly status: ComparisonStatus;
  /** One line a person reads: the figures and the threshold crossed or kept. */
  readonly why: string;
  /** Numeric metrics: the value of each run in the window, oldest first (undefined where a run lacks it). */
  readonly series?: readonly (number | undefined)[];
  readonly baseline?: number;
  readonly unit?: string;
}

export interface GroupKey {
  readonly kind: RunRecord['kind'];
  readonly scenario: string;
  readonly target: string;
  readonly profile: string;
}

export interface GroupTrend {
  readonly key: GroupKey;
  /** The window: up to `last` runs, oldest first; the last one is the latest. */
  readonly runs: readonly { readonly id: string; readonly startedAt: string }[];
  readonly comparisons: readonly Comparison[];
  readonly regressions: number;
}

export interface TrendReport {
  readonly groups: readonly GroupTrend[];
  readonly regressions: number;
  readonly thresholds: TrendThresholds;
  readonly last: number;
}

/** The median; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const fixed = (n: number, digits: number) => n.toFixed(digits);
const percent = (rate: number) => `${(rate * 100).toFixed(2)} %`;

function numeric(
  window: readonly RunRecord[],
  read: (r: RunRecord) => number | undefined,
  judge: (latest: number, baseline: number) => { status: ComparisonStatus; why: string },
  meta: Pick<Comparison, 'id' | 'kind' | 'title' | 'unit'>,
): Comparison | undefined {
  const series = window.map(read);
  const latest = series[series.length - 1];
  if (latest === undefined) return undefined;
  const previous = series.slice(0, -1).filter((v): v is number => v !== undefined);
  const baseline = median(previous);
  if (baseline === undefined)
    return { ...meta, series, status: 'no-baseline', why: 'no earlier run in the window has this figure' };
  const { status, why } = judge(latest, baseline);
  return { ...meta, series, baseline, status, why: `${why} (baseline: median of ${previous.length} earlier runs)` };
}

function p95Judge(t: TrendThresholds) {
  return (latest: number, baseline: number) => {
    const figures = `p95 ${fixed(latest, 1)} ms against ${fixed(baseline, 1)} ms`;
    if (latest > baseline * t.p95Ratio && latest - baseline >= t.p95MinIncreaseMs)
      return {
        status: 'regression' as const,
        why: `${figures}: above ${t.p95Ratio}× and ${t.p95MinIncreaseMs} ms more`,
      };
    if (latest * t.p95Ratio < baseline && baseline - latest >= t.p95MinIncreaseMs)
      return { status: 'improvement' as const, why: `${figures}: faster by more than ${t.p95Ratio}×` };
    return { status: 'ok' as const, why: `${figures}: within ${t.p95Ratio}× or ${t.p95MinIncreaseMs} ms` };
  };
}

function errorRateJudge(t: TrendThresholds) {
  return (latest: number, baseline: number) => {
    const figures = `${percent(latest)} against ${percent(baseline)}`;
    if (latest - baseline > t.errorRateIncrease)
      return { status: 'regression' as const, why: `${figures}: up by more than ${percent(t.errorRateIncrease)}` };
    if (baseline - latest > t.errorRateIncrease)
      return { status: 'improvement' as const, why: `${figures}: down by more than ${percent(t.errorRateIncrease)}` };
    return { status: 'ok' as const, why: `${figures}: within ${percent(t.errorRateIncrease)}` };
  };
}

function throughputJudge(t: TrendThresholds) {
  return (latest: number, baseline: number) => {
    const figures = `${fixed(latest, 2)} requests/s against ${fixed(baseline, 2)}`;
    if (latest < baseline * t.throughputRatio)
      return { status: 'regression' as const, why: `${figures}: below ${t.throughputRatio}× the baseline` };
    if (latest * t.throughputRatio > baseline)
      return {
        status: 'improvement' as const,
        why: `${figures}: above ${fixed(1 / t.throughputRatio, 2)}× the baseline`,
      };
    return { status: 'ok' as const, why: `${figures}: at least ${t.throughputRatio}× the baseline` };
  };
}

/** Failed answers neither injected nor expected: the server's 5xx and the answers lost with no fault injected. */
export function unexplainedErrorRate(r: RunRecord): number | undefined {
  const load = r.load;
  if (load === undefined) return undefined;
  if (load.operations === 0) return 0;
  return (load.answers.server.count + load.answers.harness.count) / load.operations;
}

/** A verdict compared with the run before: newly failing is a regression, fixed an improvement. */
function verdictChange(
  meta: Pick<Comparison, 'id' | 'kind' | 'title'>,
  latest: string,
  previous: string | undefined,
  failing: (status: string) => boolean,
): Comparison {
  const was = previous === undefined ? 'absent' : previous;
  const text = `${latest} now, ${was} in the run before`;
  if (failing(latest))
    return previous !== undefined && failing(previous)
      ? { ...meta, status: 'still-failing', why: text }
      : { ...meta, status: 'regression', why: `newly ${latest}: ${text}` };
  if (previous !== undefined && failing(previous)) return { ...meta, status: 'improvement', why: `fixed: ${text}` };
  return { ...meta, status: 'ok', why: text };
}

function loadComparisons(window: readonly RunRecord[], t: TrendThresholds): Comparison[] {
  const latest = window[window.length - 1]!;
  const before = window.length > 1 ? window[window.length - 2] : undefined;
  const out: Comparison[] = [];
  const endpoints = Object.keys(latest.load?.endpoints ?? {}).sort();
  for (const endpoint of endpoints) {
    const c = numeric(window, (r) => r.load?.endpoints[endpoint]?.p95, p95Judge(t), {
      id: `p95:${endpoint}`,
      kind: 'p95',
      title: `p95 ${endpoint}`,
      unit: 'ms',
    });
    if (c) out.push(c);
  }
  const errors = numeric(window, unexplainedErrorRate, errorRateJudge(t), {
    id: 'error-rate',
    kind: 'error-rate',
    title: 'unexplained error rate (5xx, lost answers)',
    unit: '%',
  });
  if (errors) out.push(errors);
  const throughput = numeric(window, (r) => r.load?.throughput.requestsPerSecond, throughputJudge(t), {
    id: 'throughput',
    kind: 'throughput',
    title: 'throughput',
    unit: 'req/s',
  });
  if (throughput) out.push(throughput);
  const failing = (s: string) => s !== 'holds';
  for (const [name, verdict] of Object.entries(latest.load?.invariants ?? {}))
    out.push(
      verdictChange(
        { id: `invariant:${name}`, kind: 'invariant', title: `invariant ${name}` },
        verdict,
        before?.load?.invariants[name],
        failing,
      ),
    );
  return out;
}

function certifyComparisons(window: readonly RunRecord[]): Comparison[] {
  const latest = window[window.length - 1]!;
  const before = window.length > 1 ? window[window.length - 2] : undefined;
  const previous = new Map((before?.certify?.checks ?? []).map((c) => [c.id, c.status]));
  const failing = (s: string) => s === 'fail' || s === 'error';
  // Charted for the picture over the nights; the checks themselves are what regress.
  const failingCount = numeric(
    window,
    (r) => r.certify?.checks.filter((c) => failing(c.status)).length,
    (n, baseline) => ({ status: 'ok', why: `${n} failing or broken, against ${baseline}` }),
    { id: 'failing-checks', kind: 'check', title: 'checks failing or broken', unit: 'checks' },
  );
  const changes = (latest.certify?.checks ?? []).flatMap((check) => {
    const c = verdictChange(
      { id: `check:${check.id}`, kind: 'check', title: `check ${check.id}` },
      check.status,
      previous.get(check.id),
      failing,
    );
    // 95 checks that passed both times say nothing: only changes and failures are listed.
    return c.status === 'ok' ? [] : [c];
  });
  return failingCount === undefined ? changes : [failingCount, ...changes];
}

export function groupKeyOf(r: RunRecord): GroupKey {
  return { kind: r.kind, scenario: r.scenario, target: r.target.name, profile: r.profile };
}

const keyText = (k: GroupKey) => JSON.stringify([k.kind, k.scenario, k.target, k.profile]);

/** The latest run of one group against its window. `runs` are the group's, oldest first. */
export function compareGroup(runs: readonly RunRecord[], thresholds: TrendThresholds, last: number): GroupTrend {
  const window = runs.slice(-last);
  const latest = window[window.length - 1];
  if (latest === undefined) throw new RangeError('compareGroup needs at least one run');
  const comparisons = latest.kind === 'load' ? loadComparisons(window, thresholds) : certifyComparisons(window);
  return {
    key: groupKeyOf(latest),
    runs: window.map((r) => ({ id: r.id, startedAt: r.startedAt })),
    comparisons,
    regressions: comparisons.filter((c) => c.status === 'regression').length,
  };
}

/** Every group in `records` (oldest first), each judged on its own. */
export function trendOf(records: readonly RunRecord[], thresholds: TrendThresholds, last: number): TrendReport {
  const groups = new Map<string, RunRecord[]>();
  for (const r of records) {
    const k = keyText(groupKeyOf(r));
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const trends = [...groups.values()].map((runs) => compareGroup(runs, thresholds, last));
  return { groups: trends, regressions: trends.reduce((n, g) => n + g.regressions, 0), thresholds, last };
}
