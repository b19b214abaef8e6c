/**
 * report.html: one self-contained page (inline CSS, no scripts, nothing fetched) that a merchant
 * hands to the platform team. Every value goes through the escaping `html` tag.
 */
import type { EndpointLatency } from '../contract/latency';
import { apiError } from '../lib/error-catalog';
import type { ApiErrorCode, CodedEndpoint } from '../lib/error-catalog';
import { POWERS, SEVERITIES } from '../suites/check-result';
import type { CheckResult } from '../suites/check-result';
import type { PairCoverage } from '../suites/error-coverage';
import { checkCard, severityBadge, statusMarkup } from './html-check';
import { REPORT_CSS } from './html-style';
import { html } from './html-template';
import type { Fragment, Markup } from './html-template';
import { sourceText } from './evidence-text';
import { summarizeReport } from './report-model';
import type { AreaTally, ReportSummary } from './report-model';
import type { SanitizedReport } from './sanitize';

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function durationText(startedAt: string, finishedAt: string): string | undefined {
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  return Number.isFinite(ms) && ms >= 0 ? `${(ms / 1000).toFixed(1)} s` : undefined;
}

function header(report: SanitizedReport): Markup {
  const { target } = report;
  const duration = durationText(report.startedAt, report.finishedAt);
  return html`<header><h1>OmniVAS API certification report</h1>
<dl class="meta">
<dt>Target</dt><dd>${target.name}</dd>
<dt>Base URL</dt><dd><code>${target.baseUrl}</code></dd>
<dt>Auth profile</dt><dd>${target.profile}</dd>
<dt>Target kind</dt><dd>${target.sandbox ? 'embedded sandbox (has admin, clock, fault and outbox powers)' : 'external target (no sandbox-only powers)'}</dd>
<dt>Run</dt><dd>${report.startedAt} to ${report.finishedAt}${duration && ` (${duration})`}</dd>
<dt>Harness version</dt><dd>${report.harnessVersion}</dd>
<dt>Seed</dt><dd><code>${report.seed}</code> (certify --seed ${report.seed} repeats the generated inputs)</dd>
</dl></header>`;
}

const VERDICT_WORD = { pass: 'PASS', incomplete: 'INCOMPLETE', fail: 'FAIL' } as const;

/** How many required checks did not run and why, most common reason first: what a skip-accepting reader must see. */
function skipsUpFront(s: ReportSummary): Markup | undefined {
  const c = s.completeness;
  if (c.skipped === 0) return undefined;
  const how = c.accepted
    ? 'accepted by --allow-incomplete or --min-coverage, but not verified'
    : 'so nothing certifies them';
  return html`<p class="skips">${plural(c.skipped, 'required check')} of ${c.required} did not run (coverage ${c.coveragePct}%), ${how}:</p>
<ul class="skip-reasons">${c.reasons.map((r) => html`<li><strong>${r.checkIds.length}</strong> ${r.reason}</li>`)}</ul>`;
}

function verdictBanner(s: ReportSummary): Markup {
  const t = s.totals;
  const headline =
    s.verdict === 'fail'
      ? `${plural(t.blocking, 'required check')} failed or broke`
      : s.verdict === 'incomplete'
        ? `No required check failed, but ${plural(s.completeness.skipped, 'required check')} did not run: the target is not certified`
        : t.pass === 0
          ? 'No required check failed, but none passed either: nothing was verified'
          : s.completeness.skipped === 0
            ? 'Every required check ran and passed'
            : 'Every required check that ran passed; the skips below were accepted';
  return html`<section class="verdict ${s.verdict}" id="verdict" role="status">
<div class="word">${VERDICT_WORD[s.verdict]}</div>
<div><p>${headline}</p>
<p class="counts">${plural(t.checks, 'check')}: ${t.pass} passed · ${t.fail} failed · ${t.error} broke · ${t.skip} skipped · ${plural(t.findings, 'finding')} · ${t.baselined} in baseline</p>
${skipsUpFront(s)}</div>
</section>`;
}

function section(id: string, title: string, count: number | undefined, body: Fragment, emptyText?: string): Markup {
  const content = count === 0 && emptyText !== undefined ? html`<p class="none">${emptyText}</p>` : body;
  return html`<section id="${id}"><h2>${title}${count === undefined ? '' : ` (${count})`}</h2>${content}</section>`;
}

function checksTable(
  results: readonly CheckResult[],
  extra: { head: string; cell: (r: CheckResult) => Fragment },
): Markup {
  return html`<table><thead><tr><th>Check</th><th>Title</th><th>Status</th><th>${extra.head}</th></tr></thead><tbody>
${results.map((r) => html`<tr><td><code>${r.id}</code></td><td>${r.title}</td><td>${statusMarkup(r.status)}</td><td>${extra.cell(r)}</td></tr>\n`)}
</tbody></table>`;
}

/** An area whose checks were all skipped verified nothing: say so rather than "passed". */
function areaVerdict(a: AreaTally): Markup {
  if (a.verdict === undefined) return html`<span class="none">not run</span>`;
  if (a.verdict !== 'fail' && a.pass === 0) return html`<span class="none">all skipped</span>`;
  if (a.verdict === 'incomplete') return html`<span class="status skip">incomplete</span>`;
  return statusMarkup(a.verdict);
}

function areaTable(s: ReportSummary): Markup {
  const num = (n: number) => html`<td class="num">${n === 0 ? '·' : n}</td>`;
  return html`<table><thead><tr><th>Area</th><th>Verdict</th><th class="num">Checks</th><th class="num">Passed</th><th class="num">Failed</th><th class="num">Broke</th><th class="num">Skipped</th><th class="num">Blocking</th></tr></thead><tbody>
${s.areas.map(
  (a) =>
    html`<tr><td>${a.area}</td><td>${areaVerdict(a)}</td>${num(a.checks)}${num(a.pass)}${num(a.fail)}${num(a.error)}${num(a.skip)}${num(a.blocking)}</tr>\n`,
)}
</tbody></table>`;
}

const CELL = {
  verified: '✓ verified',
  failed: '✗ failed',
  error: '! broke',
  skipped: '– skipped',
  'not run': '? not run',
} as const;
const ENDPOINTS: readonly CodedEndpoint[] = ['initiate-claim', 'redeem-gift'];

function coverageCell(pair: PairCoverage | undefined): Markup {
  if (!pair) return html`<td class="cell undocumented" title="not documented for this endpoint">—</td>`;
  const tip = `${pair.checkId}${pair.reason ? `: ${pair.reason}` : ''}`;
  return html`<td class="cell ${pair.status.replace(' ', '-')}" title="${tip}">${CELL[pair.status]}</td>`;
}

function coverageSection(s: ReportSummary): Markup {
  const c = s.coverage;
  const codes = [...new Set(c.pairs.map((p) => p.code))];
  const pairOf = (code: ApiErrorCode, endpoint: CodedEndpoint) =>
    c.pairs.find((p) => p.code === code && p.endpoint === endpoint);
  return html`<p class="coverage-figures"><strong>${c.pairsVerified}</strong> of ${c.pairsDocumented} documented (endpoint, code) pairs provoked and verified ·
<strong>${c.codesVerified}</strong> of ${c.codesDocumented} distinct codes verified on every endpoint that documents them</p>
<table class="grid"><thead><tr><th>Code</th><th>Documented message</th>${ENDPOINTS.map((e) => html`<th class="endpoint">${e}</th>`)}</tr></thead><tbody>
${codes.map((code) => html`<tr><td><code>${code}</code></td><td>${apiError(code).message}</td>${ENDPOINTS.map((e) => coverageCell(pairOf(code, e)))}</tr>\n`)}
</tbody></table>
<p class="legend">✓ verified: the check provoked the code and the HTTP status and envelope were as documented. — the document lists the code for the other endpoint only. Skipped pairs are listed below with the reason.</p>
${c.skipped.length > 0 && html`<h3>Pairs not provoked (${c.skipped.length})</h3><ul>${c.skipped.map((p) => html`<li><code>${p.checkId}</code> (${p.endpoint}, ${p.code}): ${p.reason}</li>`)}</ul>`}`;
}

function latencyRows(rows: readonly EndpointLatency[]): Markup {
  const ms = (n: number) => html`<td class="num">${n}</td>`;
  return html`<table><thead><tr><th>Endpoint</th><th class="num">Answers</th><th class="num">p50 (ms)</th><th class="num">p95 (ms)</th><th class="num">max (ms)</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td><code>${r.endpoint}</code></td><td class="num">${r.count}</td>${ms(r.p50Ms)}${ms(r.p95Ms)}${ms(r.maxMs)}</tr>\n`)}
</tbody></table>
<p class="legend">Every answer of the run, from the request sent to the last byte read, by the endpoint the API description names (other: requests it does not describe). The checks contract.latency-budget (the target file's expectations.latencyP95Ms) and contract.latency-over-1s judge them.</p>`;
}

/** Why a result does not count toward the verdict, if it does not. */
function standing(r: CheckResult, baseline: ReadonlySet<string>): Markup | undefined {
  if (r.kind === 'finding') return html` <span class="none">(finding)</span>`;
  return baseline.has(r.id) ? html` <span class="none">(in baseline)</span>` : undefined;
}

export function writeHtml(report: SanitizedReport): string {
  const s = summarizeReport(report);
  const baseline = new Set(report.baselineIds);
  const powersText = (r: CheckResult) => r.needs.map((p) => `${p} (${POWERS[p]})`).join('; ');
  const body = html`<main>
${header(report)}
${verdictBanner(s)}
<nav><a href="#areas">Areas</a><a href="#failures">Failures</a><a href="#coverage">Error codes</a><a href="#latency">Latency</a><a href="#findings">Findings</a><a href="#skips">Skips</a><a href="#powers">Sandbox-only</a><a href="#assumptions">Assumptions</a><a href="#all">All checks</a></nav>
${section('areas', 'Results by area', undefined, areaTable(s))}
${section(
  'failures',
  'Failures',
  s.blocking.length,
  s.blocking.map((r) => checkCard(r, 'blocking')),
  'No required check failed.',
)}
${
  s.knownFailures.length > 0 &&
  section(
    'known-failures',
    'Known failures (in the baseline, not failing the run)',
    s.knownFailures.length,
    s.knownFailures.map((r) => checkCard(r, 'known')),
  )
}
${section('coverage', 'Error-code coverage', undefined, coverageSection(s))}
${section('latency', 'Answer times by endpoint', report.latency?.length ?? 0, latencyRows(report.latency ?? []), 'This run kept no answer times.')}
${section(
  'findings',
  'Findings: the documents contradict themselves, the target chose',
  s.findings.length,
  s.findings.map((r) => checkCard(r, 'finding')),
  'No findings were checked.',
)}
${section('skips', 'Skipped checks', s.skipped.length, checksTable(s.skipped, { head: 'Reason', cell: (r) => r.reason }), 'Nothing was skipped.')}
${section('powers', 'Checks that need sandbox-only powers', s.needingPowers.length, [html`<p>Only the embedded sandbox has these powers; against another target these checks are skipped, not passed.</p>`, checksTable(s.needingPowers, { head: 'Needs', cell: powersText })], 'Every check runs against any target.')}
${section('assumptions', 'Expectations that are assumptions, not document rules', s.assumptions.length, [html`<p>${s.basis.document} checks rest on the API documents; ${s.basis.assumption} on decisions in docs/design.md where the documents are silent. A target may differ on these and still follow the documents.</p>`, checksTable(s.assumptions, { head: 'Where decided', cell: sourceText })], 'Every check rests on the API documents.')}
${section(
  'all',
  'All checks',
  report.results.length,
  html`<table><thead><tr><th>Check</th><th>Title</th><th>Severity</th><th>Basis</th><th>Status</th></tr></thead><tbody>
${report.results.map((r) => html`<tr><td><code>${r.id}</code></td><td>${r.title}</td><td>${severityBadge(r)}</td><td>${r.basis}</td><td>${statusMarkup(r.status)}${standing(r, baseline)}</td></tr>\n`)}
</tbody></table><p class="legend">Severities: ${Object.entries(SEVERITIES)
    .map(([name, meaning]) => `${name} = ${meaning}`)
    .join('; ')}.</p>`,
)}
<footer>omnivas-harness ${report.harnessVersion} · secrets are redacted before this page is written · the same results are in summary.json and junit.xml</footer>
</main>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html`${s.verdict.toUpperCase()}: OmniVAS certification of ${report.target.name}`}</title>
<style>${REPORT_CSS}</style></head>
<body>${body}</body></html>
`;
}
