/** One check as a report.html card: what failed, the request and response, and the command that replays it. */
import type { CheckResult, CheckStatus, Evidence } from '../suites/check-result';
import { replayText, requestText, responseText, sourceText } from './evidence-text';
import { html } from './html-template';
import type { Markup } from './html-template';

export const STATUS_WORD = {
  pass: 'passed',
  fail: 'failed',
  skip: 'skipped',
  error: 'broke',
} as const satisfies Record<CheckStatus, string>;

export function statusMarkup(status: CheckStatus): Markup {
  return html`<span class="status ${status}">${STATUS_WORD[status]}</span>`;
}

export function severityBadge(r: CheckResult): Markup {
  return html`<span class="badge sev-${r.severity}">${r.severity}</span>`;
}

function evidenceMarkup(e: Evidence, index: number): Markup {
  return html`<div class="evidence">
<h4>Evidence ${index + 1}${e.label ? `: ${e.label}` : ''}</h4>
${e.note && html`<pre class="note">${e.note}</pre>`}
${e.exchange && html`<div class="exchange"><div><h5>Request</h5><pre>${requestText(e.exchange)}</pre></div><div><h5>Response</h5><pre>${responseText(e.exchange)}</pre></div></div>`}
${e.curl && html`<h5>Replay command</h5><pre class="curl">${e.curl}</pre>`}
</div>`;
}

/** `variant` picks the card's accent: a blocking failure, a baselined one, or a finding. */
export function checkCard(r: CheckResult, variant: 'blocking' | 'known' | 'finding'): Markup {
  const what = r.status === 'pass' ? r.note : r.message;
  const replay = replayText(r);
  const cls = variant === 'blocking' ? r.status : variant;
  return html`<article class="check ${cls}" id="check-${r.id}">
<h3>${severityBadge(r)} ${r.title}</h3>
<p class="check-meta"><code>${r.id}</code> · ${r.area} · ${statusMarkup(r.status)} · ${r.basis === 'assumption' ? 'assumption' : 'document rule'}: ${sourceText(r)}</p>
${what && html`<p class="message">${what}</p>`}
${r.status === 'error' && html`<p>The check itself broke; this is a harness or infrastructure problem, not a verdict on the target.</p>`}
${replay && html`<p>Replay the property: <code>${replay}</code></p>`}
${r.evidence.length === 0 && r.status !== 'pass' ? html`<p class="none">No evidence recorded.</p>` : r.evidence.map(evidenceMarkup)}
</article>`;
}
