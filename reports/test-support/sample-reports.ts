/**
 * Two realistic certify runs for the writer tests and the browser test: one that fails (a forged
 * signature accepted, a wrong error code, a check that broke, a baselined failure, a finding)
 * and one that passes with fault-injected codes skipped, as against a merchant's test environment.
 */
import { apiError, documentedPairs } from '../../lib/error-catalog';
import type { CheckResult } from '../../suites/check-result';
import { errorCheckId, NOT_PROVOKABLE_REASON } from '../../suites/error-coverage';
import type { CertifyReport } from '../report-model';
import { exchangeEvidence, makeReport, makeResult } from './results';

const DESIGN = (section: string) => ({ doc: 'docs/design.md' as const, section });

const NEEDS = { request: [], state: ['admin'], fault: ['faults'] } as const;

function errorChecks(sandbox: boolean, failing: string | undefined): CheckResult[] {
  return documentedPairs().map(({ endpoint, code }) => {
    const id = errorCheckId(endpoint, code);
    const needs = NEEDS[apiError(code).provocation];
    const base = {
      id,
      title: `${endpoint} answers ${code} with the documented envelope`,
      area: 'errors' as const,
      source: { doc: 'omnivas-merchant-api-v1.0' as const, section: `Gift Voucher Redemption › Error Codes › ${code}` },
      needs,
    };
    if (needs.length > 0 && !sandbox) return makeResult({ ...base, status: 'skip', reason: NOT_PROVOKABLE_REASON });
    if (id === failing) {
      return makeResult({
        ...base,
        status: 'fail',
        message: `expected HTTP 403 with statusCode ${code}, got HTTP 400 with statusCode 400`,
        evidence: [
          exchangeEvidence({
            label: 'redeem with a wrong OTP',
            body: '{"voucherCode":"GV-7","verificationCode":"000000","idempotencyKey":"k-1"}',
            status: 400,
            response: '{"statusCode":400,"success":false,"message":"Bad Request","data":null}',
          }),
        ],
      });
    }
    return makeResult(base);
  });
}

const common: CheckResult[] = [
  makeResult({ id: 'auth.login-good-key', title: 'Login with a good key returns a token valid 300 s' }),
  makeResult({
    id: 'auth.token-expires',
    title: 'An access token is refused after 300 s',
    needs: ['clock'],
    basis: 'assumption',
    source: DESIGN('Behaviour where the API documents are silent › Authentication failures'),
  }),
  makeResult({
    id: 'replay.window-edges',
    area: 'replay',
    title: 'X-Timestamp at ±300 s is accepted, at ±301 s refused',
    basis: 'assumption',
    source: DESIGN('Behaviour where the API documents are silent › Partner X-Timestamp'),
  }),
  makeResult({
    id: 'idem.same-key-same-body',
    area: 'idempotency',
    title: 'The same key and body return the first response with one effect',
    severity: 'critical',
    basis: 'assumption',
    source: DESIGN('Behaviour where the API documents are silent › Idempotency'),
  }),
  makeResult({
    id: 'detail.amount-format',
    area: 'detail',
    title: 'Amounts in voucher detail are decimal strings with 6 places',
    severity: 'medium',
    basis: 'assumption',
    source: DESIGN('Behaviour where the API documents are silent › Money'),
  }),
  makeResult({
    id: 'sm.model',
    area: 'state-machine',
    title: 'Random command sequences agree with the model',
    severity: 'critical',
    needs: ['outbox', 'clock'],
  }),
  makeResult({
    id: 'contradictions.initiate-path',
    area: 'contradictions',
    kind: 'finding',
    title: 'Which initiate path the target serves',
    note: 'serves both /initiate-claim and /initiate-redeem',
    source: { doc: 'omnivas-merchant-api-v1.0', section: 'Gift Voucher Redemption › 1. Initiate Claim' },
  }),
];

/** An external target's run whose skips were accepted (certify --allow-incomplete); without `acceptance` it is INCOMPLETE. */
export function passingReport(): CertifyReport {
  // An external target has no sandbox-only powers: the checks needing them were skipped.
  const external = common.map((r) =>
    r.needs.length > 0
      ? { ...r, status: 'skip' as const, reason: `the target has no ${r.needs.join(' or ')} power` }
      : r,
  );
  const report = makeReport([
    ...external,
    makeResult({
      id: 'sig.rejects-der',
      area: 'signature',
      title: 'A DER-encoded signature is refused',
      severity: 'critical',
    }),
    ...errorChecks(false, undefined),
  ]);
  return {
    ...report,
    acceptance: { allowIncomplete: true },
    target: {
      name: 'merchant test environment',
      baseUrl: 'https://sandbox.omnivas.example/api',
      profile: 'merchant-v1',
      sandbox: false,
    },
  };
}

export const FAILING_TITLES = [
  'A DER-encoded signature is refused',
  'redeem-gift answers 4035 with the documented envelope',
  'A tampered amount is refused',
];

export function failingReport(): CertifyReport {
  return makeReport(
    [
      ...common,
      makeResult({
        id: 'sig.rejects-der',
        area: 'signature',
        title: 'A DER-encoded signature is refused',
        severity: 'critical',
        status: 'fail',
        message: 'the target accepted a DER-encoded signature (HTTP 200); the document requires the 64-byte r||s form',
        evidence: [exchangeEvidence({ headers: { 'x-signature': 'MEQCIB3k…DER…' } })],
      }),
      makeResult({
        id: 'sig.rejects-tampered',
        area: 'signature',
        title: 'A tampered amount is refused',
        severity: 'critical',
        status: 'fail',
        message: 'a body whose amount was changed after signing was accepted',
        evidence: [
          exchangeEvidence({ label: 'amount changed after signing', body: '{"voucherCode":"GV-1","amount":5000}' }),
        ],
        seed: 1234,
        path: '17:0:2',
        counterexample: '[{"voucherCode":"GV-1","amount":5000}]',
      }),
      makeResult({
        id: 'canonical.python-ensure-ascii',
        area: 'canonical',
        title: "Python's ensure_ascii body is accepted when signed as sent",
        status: 'error',
        message: 'TARGET_UNREACHABLE: connection reset by 127.0.0.1:40123',
      }),
      makeResult({
        id: 'detail.service-fee',
        area: 'detail',
        title: 'serviceFee is a 6-place decimal string',
        severity: 'medium',
        status: 'fail',
        message: 'serviceFee was the number 1.5',
        evidence: [exchangeEvidence({ label: 'voucher detail' })],
      }),
      ...errorChecks(true, 'err.redeem.4035'),
    ],
    ['detail.service-fee'],
  );
}
