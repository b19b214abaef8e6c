/**
 * Each seeded defect of the detail area is caught: the checks named here fail — fail, not break —
 * against a sandbox with that defect on. (That they pass against the correct sandbox is
 * detail.suite.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { detailChecks } from './detail.checks';
import { runChecksAgainstSandbox } from './run-checks';

const MUST_FAIL: Readonly<Record<string, readonly string[]>> = {
  'detail-stale-balance': ['detail.after-redeem', 'detail.redeemed-at-zero'],
  'detail-amounts-not-6-places': ['detail.amount-format', 'detail.reflects-issued-voucher'],
  'detail-expiration-not-iso': ['detail.expiration-iso', 'detail.reflects-issued-voucher'],
};

describe('detail checks catch their seeded defects', () => {
  it.each(Object.entries(MUST_FAIL))('%s', async (defect, ids) => {
    const checks = detailChecks.filter((c) => ids.includes(c.id));
    expect(checks.map((c) => c.id).sort()).toEqual([...ids].sort());
    const results = await runChecksAgainstSandbox(checks, { defects: [defect] });
    for (const r of results)
      expect({ id: r.id, status: r.status }, r.message ?? r.reason).toEqual({ id: r.id, status: 'fail' });
  });
});
