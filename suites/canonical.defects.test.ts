/**
 * The canonical traps catch a server that verifies over the raw body: with signature-over-raw-body
 * on, every requirement fails (a body signed over its re-serialisation is refused), and every
 * finding flips (bytes signed as sent get through), so the report shows the difference.
 */
import { describe, expect, it } from 'vitest';
import { canonicalChecks } from './canonical.checks';
import { failedIds, runChecksAgainstSandbox } from './run-checks';

describe('canonical checks against seeded defects', () => {
  it('signature-over-raw-body fails the requirements and flips the findings that differ', async () => {
    const results = await runChecksAgainstSandbox(canonicalChecks, { defects: ['signature-over-raw-body'] });
    const failed = failedIds(results);
    const requirements = canonicalChecks.filter((c) => c.kind !== 'finding').map((c) => c.id);
    expect(requirements).toEqual([
      'canon.pretty-printed-signed-compact',
      'canon.ensure-ascii-signed-canonical',
      'canon.float-amount-signed-canonical',
    ]);
    expect(failed, JSON.stringify(results.map((r) => [r.id, r.status, r.message]))).toEqual(
      expect.arrayContaining(requirements),
    );
    // Re-ordered keys are refused either way: the raw bytes differ from the string signed too.
    expect(failed.filter((id) => !requirements.includes(id))).toEqual([
      'canon.ensure-ascii-signed-as-sent',
      'canon.python-defaults-signed-as-sent',
      'canon.float-amount-signed-as-sent',
      'canon.escaped-solidus-signed-as-sent',
    ]);
    for (const result of results.filter((r) => r.status === 'fail')) expect(result.evidence.length).toBeGreaterThan(0);
  });
});
