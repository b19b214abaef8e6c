/**
 * Each seeded defect of the errors area is caught: the checks named here fail — fail, not break —
 * against a sandbox with that defect on. (That they pass against the correct sandbox is
 * errors.suite.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { errorsChecks } from './errors.checks';
import { runChecksAgainstSandbox } from './run-checks';

const VALIDATION = ['err.validation.missing-field', 'err.validation.wrong-type', 'err.validation.bad-amount'];
/** Every check whose answer is an error envelope: the pairs and the validation errors. */
const ENVELOPE_CHECKS = errorsChecks.map((c) => c.id).filter((id) => id !== 'err.http-status');

const MUST_FAIL: Readonly<Record<string, readonly string[]>> = {
  'error-success-true': ENVELOPE_CHECKS,
  'error-data-not-null': ENVELOPE_CHECKS,
  'error-http-status-200': ['err.http-status', ...VALIDATION],
  'wrong-code-for-incorrect-otp': ['err.redeem.4035'],
  'amount-over-balance-accepted': ['err.initiate.4091'],
  'negative-amount-accepted': ['err.validation.bad-amount'],
  'expired-voucher-redeemable': ['err.redeem.4036'],
  'restricted-voucher-any-merchant': ['err.redeem.4031'],
};

describe('errors checks catch their seeded defects', () => {
  it.each(Object.entries(MUST_FAIL))('%s', async (defect, ids) => {
    const checks = errorsChecks.filter((c) => ids.includes(c.id));
    expect(checks.map((c) => c.id).sort()).toEqual([...ids].sort());
    const results = await runChecksAgainstSandbox(checks, { defects: [defect] });
    for (const r of results)
      expect({ id: r.id, status: r.status }, r.message ?? r.reason).toEqual({ id: r.id, status: 'fail' });
  });
});
