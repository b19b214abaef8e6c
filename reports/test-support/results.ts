/** Small generated check results and reports for the report tests: builders for examples, arbitraries for properties. */
import fc from 'fast-check';
import { documentedPairs } from '../../lib/error-catalog';
import { AREAS, POWERS, SEVERITIES } from '../../suites/check-result';
import type { CheckResult, Evidence, Power, Severity } from '../../suites/check-result';
import { errorCheckId } from '../../suites/error-coverage';
import type { CertifyReport } from '../report-model';

export function makeResult(over: Partial<CheckResult> & Pick<CheckResult, 'id'>): CheckResult {
  return {
    title: `Check ${over.id}`,
    area: 'auth',
    severity: 'high',
    source: { doc: 'omnivas-merchant-api-v1.0', section: 'Authentication › Step 4' },
    basis: 'document',
    kind: 'requirement',
    needs: [],
    status: 'pass',
    evidence: [],
    durationMs: 3,
    ...over,
  };
}

export function makeReport(results: readonly CheckResult[], baselineIds: readonly string[] = []): CertifyReport {
  return {
    harnessVersion: '0.1.0',
    target: { name: 'embedded sandbox', baseUrl: 'http://127.0.0.1:40123', profile: 'merchant-v1', sandbox: true },
    startedAt: '2025-11-23T13:00:00.000Z',
    finishedAt: '2025-11-23T13:00:41.500Z',
    seed: 1234,
    results,
    baselineIds,
  };
}

/** A failed exchange as a check would record it, with its replay command. */
export function exchangeEvidence(
  over: {
    label?: string;
    body?: string;
    status?: number;
    response?: string;
    headers?: Record<string, string>;
    curl?: string;
  } = {},
): Evidence {
  const body = over.body ?? '{"voucherCode":"GV-1","amount":50}';
  return {
    label: over.label ?? 'redeem with a DER signature',
    exchange: {
      method: 'POST',
      url: 'http://127.0.0.1:40123/topup-transactions/redeem-gift',
      requestHeaders: { 'content-type': 'application/json', ...over.headers },
      requestBody: body,
      status: over.status ?? 200,
      responseHeaders: { 'content-type': 'application/json' },
      responseBody: over.response ?? '{"statusCode":200,"success":true,"data":{}}',
      startedAt: 1_000,
      endedAt: 1_004,
    },
    curl:
      over.curl ??
      `curl -X POST 'http://127.0.0.1:40123/topup-transactions/redeem-gift' -H 'content-type: application/json' --data-raw '${body}'`,
  };
}

const ERROR_IDS = documentedPairs().map((p) => errorCheckId(p.endpoint, p.code));
const word = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
export const checkIdArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...ERROR_IDS),
  fc.tuple(fc.constantFrom(...AREAS), word).map(([a, w]) => `${a}.${w}`),
);

/** Any text a target or a check could put in a message: markup, quotes, control bytes, lone surrogates. */
export const wildTextArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.constantFrom('<script>alert(1)</script>', ']]>', '&amp;', '"\'', '\r\n\t', '\u0000\u001b\uFFFE', '\uD800', '😀'),
);

const evidenceArb: fc.Arbitrary<Evidence> = fc.record(
  {
    label: wildTextArb,
    note: wildTextArb,
    curl: wildTextArb,
    exchange: fc.record({
      method: fc.constantFrom('GET', 'POST'),
      url: wildTextArb,
      requestHeaders: fc.dictionary(fc.stringMatching(/^[a-z-]{1,12}$/), wildTextArb, { maxKeys: 3 }),
      requestBody: wildTextArb,
      status: fc.integer({ min: 100, max: 599 }),
      responseBody: wildTextArb,
    }),
  },
  { requiredKeys: [] },
);

export function resultArb(id: fc.Arbitrary<string> = checkIdArb): fc.Arbitrary<CheckResult> {
  return fc.record({
    id,
    title: wildTextArb,
    area: fc.constantFrom(...AREAS),
    severity: fc.constantFrom(...(Object.keys(SEVERITIES) as Severity[])),
    source: fc.record({
      doc: fc.constantFrom(
        'omnivas-merchant-api-v1.0' as const,
        'partner-and-merchant-onboarding' as const,
        'docs/design.md' as const,
      ),
      section: wildTextArb,
    }),
    basis: fc.constantFrom('document' as const, 'assumption' as const),
    kind: fc.constantFrom('requirement' as const, 'requirement' as const, 'finding' as const),
    needs: fc.subarray(Object.keys(POWERS) as Power[]),
    status: fc.constantFrom('pass' as const, 'fail' as const, 'skip' as const, 'error' as const),
    message: wildTextArb,
    reason: wildTextArb,
    evidence: fc.array(evidenceArb, { maxLength: 2 }),
    durationMs: fc.integer({ min: 0, max: 5000 }),
  });
}

/** Unique ids, and a baseline drawn from them (plus the odd id that did not run). */
export const reportArb: fc.Arbitrary<CertifyReport> = fc
  .uniqueArray(resultArb(), { selector: (r) => r.id, maxLength: 30 })
  .chain((results) =>
    fc.tuple(fc.constant(results), fc.subarray(results.map((r) => r.id)), fc.array(checkIdArb, { maxLength: 2 })),
  )
  .map(([results, baseline, extra]) => makeReport(results, [...baseline, ...extra]));
