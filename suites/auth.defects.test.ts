/**
 * The auth checks catch the auth defects: with each seeded defect switched on, the listed checks
 * fail (and, run alone, no other). Only the checks a defect needs are run, on a sandbox of its own.
 */
import { describe, expect, it } from 'vitest';
import { authChecks } from './auth.checks';
import { failedIds, runChecksAgainstSandbox } from './run-checks';

const KILLS: Readonly<Record<string, readonly string[]>> = {
  'token-never-expires': ['auth.token-expires'],
  'token-lives-too-long': ['auth.token-expires'],
  'token-alg-none-accepted': ['auth.rejects-alg-none'],
  'origin-not-checked': ['auth.origin-checked'],
};

describe('auth checks against seeded defects', () => {
  it.each(Object.entries(KILLS))('%s is caught by %j', async (defect, ids) => {
    const checks = authChecks.filter((c) => ids.includes(c.id));
    expect(checks.map((c) => c.id)).toEqual(ids);
    const results = await runChecksAgainstSandbox(checks, { defects: [defect] });
    expect(failedIds(results), JSON.stringify(results.map((r) => [r.id, r.status, r.message]))).toEqual(ids);
    // The failure says what the target did and carries the exchange that shows it.
    for (const result of results) expect(result.evidence.length).toBeGreaterThan(0);
  });
});
