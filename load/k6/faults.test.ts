/**
 * The faults scenario end to end through runLoad: the steady flow while the sandbox injects
 * documented 5xxx failures, delays and resets. Every failed answer is classified as an injected
 * fault (the server's, expected), none as the harness's own, and the invariants still hold; with a
 * seeded money defect under the same faults, the run still fails naming it. Fails (never skips)
 * without k6, saying to run npm run k6:install.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHistoryLine } from '../../lib';
import { LOAD_TEST_TIMEOUT_MS, loadRunsIn } from '../node/testing';

const faults = loadRunsIn('faults');
const settings = { scenario: 'faults', durationSeconds: 12, seed: 21 } as const;

describe('faults through runLoad', { timeout: LOAD_TEST_TIMEOUT_MS }, () => {
  it('classifies every failed answer as an injected fault, and the invariants hold', async () => {
    const { run, out } = await faults(settings);
    expect(run.faults?.length).toBeGreaterThan(0);
    const failed = run.history.filter((op) => op.status === 0 || op.status >= 500);
    expect(failed.length).toBeGreaterThan(0);
    // Every op carries the mark; the unfaulted flows still redeemed.
    expect(failed.every((op) => op.faultInjected === true)).toBe(true);
    expect(run.history.every((op) => typeof op.faultInjected === 'boolean')).toBe(true);
    expect(run.history.some((op) => op.op === 'redeem' && op.status === 200)).toBe(true);
    expect(run.answers.injected.count).toBe(failed.length);
    expect(run.answers.server.count).toBe(0);
    expect(run.answers.harness.count).toBe(0);
    expect(out).toMatch(new RegExp(`failed answers: ${failed.length} injected, the server's as expected`));
    expect(run.verdict.valid).toBe(true);
    expect(run.pass, out).toBe(true);
    // The marks are known only after k6: history.jsonl is written again with them, and faults.json beside it.
    const written = (await readFile(join(run.out, 'history.jsonl'), 'utf8'))
      .split('\n')
      .flatMap((line) => parseHistoryLine(line) ?? []);
    expect(written).toEqual(run.history);
    expect(await readdir(run.out)).toContain('faults.json');
  });

  it('with fee-not-deducted under the same faults: the run fails naming conservation', async () => {
    const { run } = await faults({ ...settings, defects: ['fee-not-deducted'] });
    expect(run.verdict.violations.map((v) => v.invariant)).toContain('conservation');
    expect(run.answers.harness.count).toBe(0);
    expect(run.pass).toBe(false);
  });
});
