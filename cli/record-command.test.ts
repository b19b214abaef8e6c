/**
 * `load --record` and `certify --record`: a run judged is added to the history store in the same
 * step (a failed one too), and trend reads it; a run refused before sending anything is not. The
 * load runs are short bursts on the embedded sandbox (k6 from npm run k6:install).
 */
import { readFile, rm, stat, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from '../history';
import { cli } from './testing';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'omnivas-record-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const burst = (out: string, ...more: string[]) => [
  'load',
  '--scenario',
  'same-voucher-burst',
  '--vus',
  '4',
  '--vouchers',
  '1',
  '--seed',
  '3',
  '--out',
  join(root, out),
  ...more,
];

describe('--record', () => {
  it('load: a passing and then a failing run are both recorded, and trend flags the newly broken invariant', async () => {
    const store = join(root, 'store');
    const good = await cli(...burst('good', '--record', store));
    expect(good.code, good.out + good.err).toBe(0);
    expect(good.out).toMatch(
      /history: recorded load same-voucher-burst on embedded sandbox \(smoke\) as runs\/.+\.json in /,
    );
    // fee-not-deducted: every redemption leaves its fee on the voucher, so conservation breaks.
    const bad = await cli(...burst('bad', '--defect', 'fee-not-deducted', '--record', store));
    expect(bad.code, bad.out + bad.err).toBe(1);
    expect(bad.out).toMatch(/history: recorded load same-voucher-burst/);

    const index = JSON.parse(await readFile(join(store, 'index.json'), 'utf8')) as { runs: { scenario: string }[] };
    expect(index.runs.map((r) => r.scenario)).toEqual(['same-voucher-burst', 'same-voucher-burst']);
    const [first, second] = await readHistory(store);
    expect(first!.load?.invariants['conservation']).toBe('holds');
    expect(second!.load?.invariants['conservation']).toBe('broken');
    expect(second!.seed).toBe(3);

    const trend = await cli('trend', '--store', store, '--out', join(root, 'trend'));
    expect(trend.out).toMatch(/REGRESSION: invariant conservation: newly broken/);
    expect(trend.code).toBe(1);
  }, 300_000);

  it('load: a run refused before sending anything is not recorded, nor is a store that is not one written to', async () => {
    const store = join(root, 'never');
    const refused = await cli('load', '--scenario', 'same-voucher-burst', '--vus', '2000', '--record', store);
    expect(refused.code).toBe(2);
    await expect(stat(store)).rejects.toMatchObject({ code: 'ENOENT' });

    const notAStore = join(root, 'a-file');
    await writeFile(notAStore, 'not a store');
    const bad = await cli(...burst('unused', '--record', notAStore));
    expect(bad.err).toMatch(/is not a run history store this harness can read: it is a file, not a folder/);
    expect(bad.code).toBe(2);
    await expect(stat(join(root, 'unused'))).rejects.toMatchObject({ code: 'ENOENT' }); // refused before the run

    const dry = await cli('load', '--scenario', 'steady-flow', '--dry-run', '--record', store);
    expect(dry.err).toMatch(/--record applies to a run on this machine; --dry-run runs nothing/);
    expect(dry.code).toBe(2);
  });

  it('certify: the run is recorded with its checks', async () => {
    const store = join(root, 'certify-store');
    const run = await cli('certify', '--only', 'errors', '--out', join(root, 'certify'), '--record', store);
    expect([0, 4], run.out + run.err).toContain(run.code);
    expect(run.out).toMatch(/history: recorded certify certify:errors on /);
    const [record] = await readHistory(store);
    expect(record!.kind).toBe('certify');
    expect(record!.certify?.checks.length).toBeGreaterThan(0);
  }, 120_000);
});
