/** `history record` and `trend` through the command line: exit codes and one-line refusals (the runs themselves: history/trend-regression.test.ts). */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRun } from '../history/store';
import { loadRecord } from '../history/test-support/records';
import { passingReport } from '../reports/test-support/sample-reports';
import { writeReports } from '../reports/write-reports';
import { runCli } from './program';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'omnivas-history-cli-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('trend and history record on the command line', () => {
  it('trend exits 0 without a regression, 1 with one, and says which', async () => {
    const store = join(root, 'store');
    await appendRun(store, loadRecord({ day: 1 }));
    await appendRun(store, loadRecord({ day: 2 }));
    const steady = await cli('trend', '--store', store, '--out', join(root, 't1'));
    expect(steady.out).toContain('trend: PASS: 0 regression(s)');
    expect(steady.code).toBe(0);
    await appendRun(store, loadRecord({ day: 3, requestsPerSecond: 2 }));
    const slow = await cli('trend', '--store', store, '--out', join(root, 't2'));
    expect(slow.out).toMatch(/REGRESSION: throughput: 2\.00 requests\/s against 10\.00/);
    expect(slow.code).toBe(1);
    // --throughput-regression 0.1 forgives it.
    expect(
      (await cli('trend', '--store', store, '--throughput-regression', '0.1', '--out', join(root, 't3'))).code,
    ).toBe(0);
  });

  it.each([
    [
      ['trend', '--store', 'STORE_MISSING'],
      /is not a run history store this harness can read: no runs have been recorded there/,
    ],
    [
      ['trend', '--store', 'STORE', '--scenario', 'soak'],
      /has no run of scenario soak; record some with history record/,
    ],
    [
      ['trend', '--store', 'STORE', '--p95-regression', '0.9'],
      /--p95-regression expected a number from 1 to 100, got "0\.9"/,
    ],
    [['trend', '--store', 'STORE', '--last', '1'], /--last expected a whole number from 2 to 1000/],
    [['history', 'record', '--from', 'EMPTY', '--store', 'STORE'], /holds neither a load run/],
    [['history', 'record', '--from', 'EMPTY', '--store', 'NOT_A_STORE'], /holds neither a load run/],
  ])('refuses bad input with exit 2 and one line: %j', async (argv, message) => {
    const store = join(root, 'store-2');
    await appendRun(store, loadRecord({ day: 1 }));
    const empty = join(root, 'empty');
    await mkdir(empty, { recursive: true });
    const paths: Record<string, string> = {
      STORE: store,
      STORE_MISSING: join(root, 'missing'),
      EMPTY: empty,
      NOT_A_STORE: empty,
    };
    const r = await cli(...argv.map((a) => paths[a] ?? a));
    expect(r.err).toMatch(message);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.code).toBe(2);
  });

  it('history record refuses a store it cannot read, before writing to it', async () => {
    const notStore = join(root, 'not-a-store');
    await mkdir(notStore, { recursive: true });
    await writeFile(join(notStore, 'index.json'), 'garbage');
    const from = join(root, 'certify');
    await writeReports(from, passingReport(), (t) => t);
    const r = await cli('history', 'record', '--from', from, '--store', notStore);
    expect(r.err).toMatch(/is not a run history store this harness can read: .*index\.json is not JSON/);
    expect(await readdir(notStore)).toEqual(['index.json']);
    expect(r.code).toBe(2);
  });
});
