/**
 * The faults scenario end to end: the steady flow while the sandbox injects documented 5xxx
 * failures, delays and resets. Every failed answer is classified as an injected fault (the
 * server's, expected), none as the harness's own, and the invariants still hold; with a seeded
 * money defect under the same faults, the run still fails naming it. Fails (never skips) without
 * k6, saying to run npm run k6:install.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCommand } from '../cli/load-command';
import { parseHistoryLine } from '../lib';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function faults(defect?: string) {
  const dir = await mkdtemp(join(tmpdir(), 'omnivas-faults-'));
  dirs.push(dir);
  const lines: string[] = [];
  const code = await loadCommand(
    {
      scenario: 'faults',
      duration: '12s',
      seed: '21',
      out: dir,
      ...(defect === undefined ? {} : { defect: [defect] }),
    },
    { out: (l) => lines.push(l), err: (l) => lines.push(l) },
  );
  const ops = (await readFile(join(dir, 'history.jsonl'), 'utf8'))
    .split('\n')
    .flatMap((line) => parseHistoryLine(line) ?? []);
  const verdict = JSON.parse(await readFile(join(dir, 'verdict.json'), 'utf8')) as {
    valid: boolean | string;
    violations: { invariant: string }[];
    answers: Record<'injected' | 'server' | 'harness', { count: number }>;
  };
  const windows = (JSON.parse(await readFile(join(dir, 'faults.json'), 'utf8')) as { windows: unknown[] }).windows;
  return { code, output: lines.join('\n'), ops, verdict, windows };
}

describe('faults through the load command', () => {
  it('classifies every failed answer as an injected fault, and the invariants hold', async () => {
    const run = await faults();
    expect(run.windows.length).toBeGreaterThan(0);
    const failed = run.ops.filter((op) => op.status === 0 || op.status >= 500);
    expect(failed.length).toBeGreaterThan(0);
    // The history written out carries the mark; the unfaulted flows still redeemed.
    expect(failed.every((op) => op.faultInjected === true)).toBe(true);
    expect(run.ops.every((op) => typeof op.faultInjected === 'boolean')).toBe(true);
    expect(run.ops.some((op) => op.op === 'redeem' && op.status === 200)).toBe(true);
    expect(run.verdict.answers.injected.count).toBe(failed.length);
    expect(run.verdict.answers.server.count).toBe(0);
    expect(run.verdict.answers.harness.count).toBe(0);
    expect(run.output).toMatch(new RegExp(`failed answers: ${failed.length} injected, the server's as expected`));
    expect(run.verdict.valid).toBe(true);
    expect(run.code, run.output).toBe(0);
  });

  it('with fee-not-deducted under the same faults: the run fails naming conservation', async () => {
    const run = await faults('fee-not-deducted');
    expect(run.verdict.violations.map((v) => v.invariant)).toContain('conservation');
    expect(run.verdict.answers.harness.count).toBe(0);
    expect(run.code).toBe(1);
  });
});
