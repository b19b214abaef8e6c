/**
 * The replay area catches its seeded defects: with each switched on in an embedded sandbox, the
 * named checks fail (not break), and only the checks meant for it are run.
 */
import { describe, expect, it } from 'vitest';
import { replayChecks } from './replay.checks';
import { failedIds, runChecksAgainstSandbox } from './run-checks';

const KILLS: readonly (readonly [defect: string, ids: readonly string[]])[] = [
  ['partner-replay-window-10-minutes', ['replay.refuses-just-outside-window', 'replay.refuses-skews-outside-window']],
  [
    'partner-future-timestamps-unbounded',
    ['replay.refuses-just-outside-window', 'replay.refuses-skews-outside-window'],
  ],
  ['partner-overdraft', ['replay.partner-no-overdraft']],
];

describe('replay checks against seeded defects', () => {
  it.each(KILLS)('%s fails %j', async (defect, ids) => {
    const results = await runChecksAgainstSandbox(
      replayChecks.filter((check) => ids.includes(check.id)),
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
