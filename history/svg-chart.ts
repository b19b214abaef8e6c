/**
 * A line chart as inline SVG, drawn here so the trend page needs no script and no network: one
 * point per run (a run without the figure leaves a gap), the baseline as a dashed line, and the
 * latest point marked when it is a regression. Every text goes through escape-markup.
 */
import { escapeAttribute, escapeText } from '../reports/escape-markup';

export interface ChartInput {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  /** One label per run (its start time), oldest first. */
  readonly labels: readonly string[];
  readonly values: readonly (number | undefined)[];
  readonly baseline?: number;
  readonly regression: boolean;
}

const WIDTH = 560;
const HEIGHT = 200;
const PAD = { left: 56, right: 16, top: 28, bottom: 36 };

const label = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(1) : n.toPrecision(2));

export function svgChart(chart: ChartInput): string {
  const present = chart.values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  const top = Math.max(...present, chart.baseline ?? 0, 0) * 1.1 || 1;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const n = chart.values.length;
  const x = (i: number) => PAD.left + (n <= 1 ? plotW / 2 : (plotW * i) / (n - 1));
  const y = (v: number) => PAD.top + plotH - (plotH * v) / top;
  const parts: string[] = [];
  parts.push(
    `<text x="${PAD.left}" y="16" class="chart-title">${escapeText(chart.unit === '' ? chart.title : `${chart.title} (${chart.unit})`)}</text>`,
    `<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${WIDTH - PAD.right}" y2="${PAD.top + plotH}" class="axis"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + plotH}" class="axis"/>`,
    `<text x="${PAD.left - 6}" y="${PAD.top + 4}" class="tick" text-anchor="end">${escapeText(label(top))}</text>`,
    `<text x="${PAD.left - 6}" y="${PAD.top + plotH + 4}" class="tick" text-anchor="end">0</text>`,
  );
  if (n > 0) {
    parts.push(
      `<text x="${x(0)}" y="${HEIGHT - 12}" class="tick" text-anchor="start">${escapeText(chart.labels[0] ?? '')}</text>`,
    );
    if (n > 1)
      parts.push(
        `<text x="${x(n - 1)}" y="${HEIGHT - 12}" class="tick" text-anchor="end">${escapeText(chart.labels[n - 1] ?? '')}</text>`,
      );
  }
  if (chart.baseline !== undefined)
    parts.push(
      `<line x1="${PAD.left}" y1="${y(chart.baseline).toFixed(1)}" x2="${WIDTH - PAD.right}" y2="${y(chart.baseline).toFixed(1)}" class="baseline"><title>${escapeText(`baseline ${label(chart.baseline)} ${chart.unit}`)}</title></line>`,
    );
  // Consecutive runs with the figure are joined; a run without it breaks the line.
  let segment: string[] = [];
  const flush = () => {
    if (segment.length > 1) parts.push(`<polyline points="${segment.join(' ')}" class="series"/>`);
    segment = [];
  };
  chart.values.forEach((v, i) => {
    if (v === undefined || !Number.isFinite(v)) return flush();
    segment.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  flush();
  chart.values.forEach((v, i) => {
    if (v === undefined || !Number.isFinite(v)) return;
    const latest = i === n - 1;
    const marked = latest && chart.regression;
    const cls = marked ? 'point regression-marker' : latest ? 'point latest' : 'point';
    const tip = `${chart.labels[i] ?? ''}: ${label(v)} ${chart.unit}${marked ? ' (regression)' : ''}`;
    parts.push(
      `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="${marked ? 6 : 3.5}" class="${cls}"><title>${escapeText(tip)}</title></circle>`,
    );
    if (marked)
      parts.push(
        `<text x="${(x(i) - 8).toFixed(1)}" y="${(y(v) - 10).toFixed(1)}" class="regression-label" text-anchor="end">regression</text>`,
      );
  });
  const attrs = `class="chart${chart.regression ? ' regressed' : ''}" data-metric="${escapeAttribute(chart.id)}" data-regression="${chart.regression}"`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeAttribute(chart.title)}" ${attrs}>${parts.join('')}</svg>`;
}
