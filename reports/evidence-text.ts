/**
 * Evidence as plain text, HTTP-message style: the JUnit writer prints it whole, the HTML writer
 * puts the request and response parts in <pre> blocks. Pure; input is already sanitized.
 */
import type { CheckResult, Evidence, EvidenceExchange } from '../suites/check-result';

/** Bodies beyond this are cut in junit.xml and report.html; summary.json keeps them whole. */
export const BODY_LIMIT = 16_384;

export function clipText(text: string, limit = BODY_LIMIT): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}\n… (${text.length - limit} more characters; the whole body is in summary.json)`;
}

function headerLines(headers: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(headers ?? {}).map(([name, value]) => `${name}: ${value}`);
}

function withBody(lines: string[], body: string | undefined): string {
  return body === undefined || body === '' ? lines.join('\n') : `${lines.join('\n')}\n\n${clipText(body)}`;
}

export function requestText(x: EvidenceExchange): string {
  return withBody([`${x.method} ${x.url}`, ...headerLines(x.requestHeaders)], x.requestBody);
}

export function responseText(x: EvidenceExchange): string {
  if (x.status === undefined) return x.error ? `(no response: ${x.error})` : '(no response)';
  const timing =
    x.startedAt === undefined || x.endedAt === undefined ? '' : ` (${Math.round(x.endedAt - x.startedAt)} ms)`;
  return withBody([`HTTP ${x.status}${timing}`, ...headerLines(x.responseHeaders)], x.responseBody);
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

export function evidenceText(evidence: readonly Evidence[]): string {
  return evidence
    .map((e, i) => {
      const parts = [`Evidence ${i + 1}${e.label ? `: ${e.label}` : ''}`];
      if (e.note) parts.push(e.note);
      if (e.exchange) parts.push(indent(requestText(e.exchange), '> '), indent(responseText(e.exchange), '< '));
      if (e.curl) parts.push(`replay: ${e.curl}`);
      return parts.join('\n');
    })
    .join('\n\n');
}

/** The seed, path and shrunk counterexample that replay a failing property, or undefined. */
export function replayText(result: CheckResult): string | undefined {
  const parts = [
    result.seed === undefined ? undefined : `seed ${result.seed}`,
    result.path === undefined ? undefined : `path "${result.path}"`,
    result.counterexample === undefined ? undefined : `counterexample ${result.counterexample}`,
  ].filter((p) => p !== undefined);
  return parts.length === 0 ? undefined : parts.join(', ');
}

/** `doc › section`, as every writer cites a check's source. */
export function sourceText(result: CheckResult): string {
  return `${result.source.doc} › ${result.source.section}`;
}
