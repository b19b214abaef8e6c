/**
 * The idempotency area catches its seeded defects: with each switched on in an embedded sandbox,
 * the named checks fail (not break), and only the checks meant for it are run.
 */
import { describe, expect, it } from 'vitest';
import { idempotencyChecks } from './idempotency.checks';
import { failedIds, runChecksAgainstSandbox } from './run-checks';

const KILLS: readonly (readonly [defect: string, ids: readonly string[]])[] = [
  [
    'idempotency-ignored',
    [
      'idem.same-key-same-body',
      'idem.redeem-same-key-same-body',
      'idem.concurrent-same-key-one-effect',
      'idem.same-key-different-body',
    ],
  ],
  ['idempotency-different-body-accepted', ['idem.same-key-different-body']],
  ['idempotency-keys-global', ['idem.keys-scoped-per-merchant']],
  // A race: the check fires several bursts and must still catch it every time.
  ['reservation-check-then-act', ['idem.concurrent-claims-never-over-reserve']],
];

describe('idempotency checks against seeded defects', () => {
  it.each(KILLS)('%s fails %j', async (defect, ids) => {
    const results = await runChecksAgainstSandbox(
      idempotencyChecks.filter((check) => ids.includes(check.id)),
      { defects: [defect] },
    );
    expect(results.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(results.filter((r) => r.status !== 'fail').map((r) => `${r.id}: ${r.status} ${r.message ?? ''}`)).toEqual(
      [],
    );
    expect(failedIds(results).sort()).toEqual([...ids].sort());
    // A failure shows what the target did: the exchange, with a curl that replays it.
    for (const result of results) expect(result.evidence.length, result.id).toBeGreaterThan(0);
  });
});
