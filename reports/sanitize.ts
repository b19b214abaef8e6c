/**
 * The ONE place report output is made safe: every string value
 * of the report — messages, evidence, header names and values, bodies, curl commands, even ids and
 * the target — goes through the redactor before any writer sees it. Writers take only `SanitizedReport`, which
 * nothing but `sanitizeReport` produces, so the type checker refuses an unsanitized report.
 */
import { HarnessError } from '../lib/errors';
import type { Evidence, EvidenceExchange } from '../suites/check-result';
import type { CertifyReport } from './report-model';

declare const sanitized: unique symbol;
export type SanitizedReport = CertifyReport & { readonly [sanitized]: true };

/** Replaces every secret the redactor knows in one string (lib/redact.ts `redactText`). */
export type RedactText = (text: string) => string;

/**
 * lib/redact.ts's `Redactor` fits this shape. With `redactHeaders`, credential headers
 * (x-api-token, x-api-key, authorization…) are blanked by name too, so a token nobody registered
 * still does not reach a report.
 */
export interface ReportRedactor {
  readonly redactText: RedactText;
  readonly redactHeaders?: (headers: Readonly<Record<string, string>>) => Record<string, string>;
}

/** Every string value, however deep; object keys are the report's own field names and stay. */
function redactDeep(value: unknown, redact: RedactText): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact)]));
  return value;
}

/**
 * Header records are the one place where keys are data (a target may send anything as a header
 * name), so their names are redacted too; credential headers are blanked by name when the
 * redactor can.
 */
function redactExchangeHeaders(
  report: CertifyReport,
  redact: RedactText,
  byName: ReportRedactor['redactHeaders'],
): CertifyReport {
  const headers = (h: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(byName ? byName(h) : h).map(([k, v]) => [redact(k), v]));
  const exchange = (x: EvidenceExchange): EvidenceExchange => ({
    ...x,
    requestHeaders: headers(x.requestHeaders),
    ...(x.responseHeaders === undefined ? {} : { responseHeaders: headers(x.responseHeaders) }),
  });
  const evidence = (e: Evidence): Evidence => (e.exchange === undefined ? e : { ...e, exchange: exchange(e.exchange) });
  return { ...report, results: report.results.map((r) => ({ ...r, evidence: r.evidence.map(evidence) })) };
}

export function sanitizeReport(report: CertifyReport, redactor: RedactText | ReportRedactor): SanitizedReport {
  const redactText = typeof redactor === 'function' ? redactor : redactor?.redactText?.bind(redactor);
  if (typeof redactText !== 'function')
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"redactor" expected a function (text) => string or a lib/redact.ts Redactor, got type=${typeof redactor}`,
    );
  // A redactor that returns something else would let the writers print "undefined" or worse: fail closed.
  const redact: RedactText = (text) => {
    const out = redactText(text);
    if (typeof out !== 'string')
      throw new HarnessError('INVALID_ARGUMENT', `"redactor" expected to return a string, got type=${typeof out}`);
    return out;
  };
  const byName = typeof redactor === 'function' ? undefined : redactor.redactHeaders?.bind(redactor);
  return redactDeep(redactExchangeHeaders(report, redact, byName), redact) as SanitizedReport;
}
