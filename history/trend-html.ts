/**
 * trend.html: one self-contained page (inline CSS and SVG, no script, nothing fetched) with, per
 * group, the comparisons as a table and a chart of each figure over the window, regressions
 * marked in both. Every text from a record is escaped: target names and check ids are user input.
 */
import { escapeText } from '../reports/escape-markup';
import { svgChart } from './svg-chart';
import type { Comparison, GroupTrend, TrendReport } from './trend';
import { groupTitle } from './trend-junit';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1d232a; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 32px; }
.verdict { padding: 8px 12px; border-radius: 6px; display: inline-block; font-weight: 600; }
.verdict.regressed { background: #fde2e1; color: #8a1c14; } .verdict.steady { background: #e1f5e4; color: #1c5e2a; }
table { border-collapse: collapse; margin: 8px 0 16px; } td, th { border: 1px solid #d5d9de; padding: 4px 8px; text-align: left; vertical-align: top; }
tr.regression td { background: #fde2e1; } tr.improvement td { background: #e6f4ea; } tr.still-failing td { background: #fff4d6; }
.status { font-weight: 600; white-space: nowrap; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
svg.chart { border: 1px solid #d5d9de; border-radius: 6px; background: #fff; }
svg.chart.regressed { border-color: #c62828; border-width: 2px; }
.chart-title { font-size: 13px; font-weight: 600; fill: #1d232a; } .tick { font-size: 10px; fill: #5b6570; }
.axis { stroke: #9aa3ad; } .series { fill: none; stroke: #1f6feb; stroke-width: 2; }
.baseline { stroke: #6e7781; stroke-dasharray: 5 4; }
.point { fill: #1f6feb; } .point.latest { fill: #0b3d91; }
.regression-marker { fill: #c62828; stroke: #fff; stroke-width: 1.5; } .regression-label { font-size: 11px; font-weight: 700; fill: #c62828; }
`;

const STATUS_TEXT: Record<Comparison['status'], string> = {
  regression: 'REGRESSION',
  improvement: 'improved',
  ok: 'ok',
  'still-failing': 'still failing',
  'no-baseline': 'no baseline',
};

function comparisonRow(c: Comparison): string {
  return `<tr class="${c.status}"><td class="status">${STATUS_TEXT[c.status]}</td><td>${escapeText(c.title)}</td><td>${escapeText(c.why)}</td></tr>`;
}

function groupSection(g: GroupTrend): string {
  const labels = g.runs.map((r) => r.startedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ''));
  const charts = g.comparisons
    .filter((c) => c.series !== undefined)
    .map((c) =>
      svgChart({
        id: c.id,
        title: c.title,
        unit: c.unit ?? '',
        labels,
        values: c.kind === 'error-rate' ? c.series!.map((v) => (v === undefined ? v : v * 100)) : c.series!,
        baseline: c.baseline === undefined ? undefined : c.kind === 'error-rate' ? c.baseline * 100 : c.baseline,
        regression: c.status === 'regression',
      }),
    );
  const latest = g.runs[g.runs.length - 1];
  const rows =
    g.comparisons.length === 0
      ? '<tr><td colspan="3">nothing to compare</td></tr>'
      : g.comparisons.map(comparisonRow).join('');
  return [
    `<section class="group" data-regressions="${g.regressions}">`,
    `<h2>${escapeText(groupTitle(g.key))}</h2>`,
    `<p>${g.runs.length} run${g.runs.length === 1 ? '' : 's'} in the window; latest ${escapeText(latest?.id ?? '')} at ${escapeText(latest?.startedAt ?? '')}: <strong>${g.regressions} regression${g.regressions === 1 ? '' : 's'}</strong></p>`,
    `<table><thead><tr><th>status</th><th>what</th><th>figures</th></tr></thead><tbody>${rows}</tbody></table>`,
    charts.length > 0 ? `<div class="charts">${charts.join('')}</div>` : '',
    '</section>',
  ].join('\n');
}

export function trendHtml(report: TrendReport): string {
  const t = report.thresholds;
  const verdict =
    report.regressions > 0
      ? `<p class="verdict regressed">${report.regressions} regression${report.regressions === 1 ? '' : 's'}</p>`
      : '<p class="verdict steady">no regression</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>omnivas-harness trend</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>${STYLE}</style></head>
<body>
<h1>Run history: the latest run of each group against the ones before</h1>
${verdict}
<p>Thresholds: p95 regresses above ${t.p95Ratio}× the baseline and at least ${t.p95MinIncreaseMs} ms more; the unexplained error rate when it rises by more than ${(t.errorRateIncrease * 100).toFixed(2)} points; throughput below ${t.throughputRatio}× the baseline. Baseline: the median of the earlier runs among the last ${report.last}. Invariants and checks: against the run just before.</p>
${report.groups.map(groupSection).join('\n')}
</body></html>
`;
}
