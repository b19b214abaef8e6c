/**
 * The client certification's reports: certification.json (everything, for machines), junit.xml
 * (a testcase per rule and per scenario) and report.html (self-contained, for the platform team).
 * Pure writers over a Certification, which gradeSession has already redacted; they reuse certify's
 * escaping, markup template, stylesheet and evidence text (reports/).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from '../lib/errors';
import { escapeText, xmlAttributes } from '../reports/escape-markup';
import { requestText, responseText } from '../reports/evidence-text';
import { REPORT_CSS } from '../reports/html-style';
import { html, type Markup } from '../reports/html-template';
import type { Certification, RuleVerdict, ScenarioVerdict } from './grade';

export function certificationJson(cert: Certification): string {
  return `${JSON.stringify(cert, null, 2)}\n`;
}

function ruleText(r: RuleVerdict): string {
  const lines = [`${r.source.doc} › ${r.source.section}`, `Should have done: ${r.shouldHaveDone}`];
  for (const v of r.violations) {
    lines.push('', `${v.scenario ?? 'between scenarios'}: ${v.message}`);
    for (const x of v.exchanges) lines.push(requestText(x), responseText(x), '');
  }
  return lines.join('\n');
}

function ruleCase(r: RuleVerdict): string {
  const open = `    <testcase${xmlAttributes({ classname: 'omnivas.client.rules', name: `${r.id}: ${r.title}` })}`;
  if (r.status === 'fail')
    return `${open}>\n      <failure${xmlAttributes({ message: r.violations[0]!.message, type: r.severity })}>${escapeText(ruleText(r))}</failure>\n    </testcase>`;
  if (r.status === 'not-exercised')
    return `${open}>\n      <skipped${xmlAttributes({ message: 'nothing the client did exercised this rule' })}/>\n    </testcase>`;
  return `${open}/>`;
}

function scenarioCase(s: ScenarioVerdict): string {
  const open = `    <testcase${xmlAttributes({ classname: 'omnivas.client.scenarios', name: `${s.number}. ${s.id}: ${s.title}`, time: ((s.endedAt - s.startedAt) / 1000).toFixed(3) })}`;
  if (s.status === 'pass') return `${open}/>`;
  const why = [...s.missing, ...s.rulesBroken.map((id) => `broke ${id}`)];
  return `${open}>\n      <failure${xmlAttributes({ message: why[0] ?? 'failed', type: 'scenario' })}>${escapeText(why.join('\n'))}</failure>\n    </testcase>`;
}

export function certificationJunit(cert: Certification): string {
  const suite = (name: string, cases: string[], failures: number, skipped: number) =>
    [
      `  <testsuite${xmlAttributes({ name, tests: cases.length, failures, errors: 0, skipped })}>`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  const ruleFailures = cert.rules.filter((r) => r.status === 'fail').length;
  const scenarioFailures = cert.scenarios.filter((s) => s.status === 'fail').length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${xmlAttributes({ name: `omnivas-harness certify-client: ${cert.client}`, tests: cert.rules.length + cert.scenarios.length, failures: ruleFailures + scenarioFailures })}>`,
    suite(
      'rules',
      cert.rules.map(ruleCase),
      ruleFailures,
      cert.rules.filter((r) => r.status === 'not-exercised').length,
    ),
    suite('scenarios', cert.scenarios.map(scenarioCase), scenarioFailures, 0),
    '</testsuites>',
    '',
  ].join('\n');
}

const STATUS = { pass: 'passed', fail: 'failed', 'not-exercised': 'not exercised' } as const;
const statusClass = (s: RuleVerdict['status']) => (s === 'not-exercised' ? 'skip' : s);

function ruleCard(r: RuleVerdict): Markup {
  return html`<article class="check ${r.status === 'fail' ? 'fail' : 'known'}" id="rule-${r.id}">
<h3><span class="badge sev-${r.severity}">${r.severity}</span> ${r.title}</h3>
<p class="check-meta"><code>${r.id}</code> · <span class="status ${statusClass(r.status)}">${STATUS[r.status]}</span> · ${r.source.doc} › ${r.source.section}</p>
<p class="message">What the client should have done: ${r.shouldHaveDone}</p>
${r.violations.map(
  (v, i) => html`<div class="evidence"><h4>Violation ${i + 1} (${v.scenario ?? 'between scenarios'}): ${v.message}</h4>
${v.exchanges.map((x) => html`<div class="exchange"><div><h5>Request</h5><pre>${requestText(x)}</pre></div><div><h5>Response</h5><pre>${responseText(x)}</pre></div></div>`)}</div>`,
)}
</article>`;
}

export function certificationHtml(cert: Certification): string {
  const failedRules = cert.rules.filter((r) => r.status === 'fail');
  const passedScenarios = cert.scenarios.filter((s) => s.status === 'pass').length;
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Client certification: ${cert.verdict.toUpperCase()}</title><style>${REPORT_CSS}</style></head>
<body><main>
<h1>OmniVAS client certification — ${cert.client}</h1>
<dl class="meta"><dt>Sandbox</dt><dd>${cert.baseUrl}</dd><dt>Merchant</dt><dd>${cert.merchantId}</dd><dt>Run</dt><dd>${cert.startedAt} – ${cert.finishedAt}</dd><dt>Exchanges recorded</dt><dd>${cert.exchangeCount}</dd></dl>
<div class="verdict ${cert.verdict}"><span class="word">${cert.verdict.toUpperCase()}</span><p class="counts">${passedScenarios}/${cert.scenarios.length} scenarios passed · ${failedRules.length} of ${cert.rules.length} rules broken</p></div>
<h2>Scenarios</h2>
<table><thead><tr><th class="num">#</th><th>scenario</th><th>verdict</th><th>ended by</th><th>what was missing / rules broken</th></tr></thead><tbody>
${cert.scenarios.map(
  (s) =>
    html`<tr><td class="num">${s.number}</td><td><code>${s.id}</code> ${s.title}</td><td><span class="status ${s.status}">${s.status === 'pass' ? 'passed' : 'failed'}</span></td><td>${s.endedBy}</td><td>${[...s.missing, ...s.rulesBroken].join('; ') || '—'}</td></tr>`,
)}
</tbody></table>
<h2>Rules</h2>
<table><thead><tr><th>rule</th><th>severity</th><th>verdict</th><th class="num">judged</th><th>source</th></tr></thead><tbody>
${cert.rules.map(
  (r) =>
    html`<tr><td><a href="#rule-${r.id}"><code>${r.id}</code></a> ${r.title}</td><td><span class="badge sev-${r.severity}">${r.severity}</span></td><td><span class="status ${statusClass(r.status)}">${STATUS[r.status]}</span></td><td class="num">${r.judged}</td><td>${r.source.section}</td></tr>`,
)}
</tbody></table>
<h2>Broken rules, with the exchanges that show it</h2>
${failedRules.length === 0 ? html`<p class="none">None.</p>` : failedRules.map(ruleCard)}
<footer>Secrets (API key, access tokens, private key) are redacted. omnivas-harness certify-client.</footer>
</main></body></html>
`;
  return page.html;
}

/** Writes certification.json, junit.xml and report.html into `dir`; returns their paths. */
export async function writeCertificationReports(dir: string, cert: Certification): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--out ${dir}: cannot create the report directory (${(err as NodeJS.ErrnoException).code ?? 'unknown error'}); give a writable path`,
      { cause: err },
    );
  }
  const files: [string, string][] = [
    ['certification.json', certificationJson(cert)],
    ['junit.xml', certificationJunit(cert)],
    ['report.html', certificationHtml(cert)],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text, 'utf8');
  return files.map(([name]) => join(dir, name));
}
