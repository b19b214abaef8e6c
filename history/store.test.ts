/** The store on disk: append and read back, runs recorded at once, a died append healed, and folders it must refuse. */
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certifyRecord, loadRecord } from './test-support/records';
import { appendRun, readHistory } from './store';

let root: string;
let n = 0;
const fresh = () => join(root, `store-${n++}`);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'omnivas-history-store-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code: string; message: string } | undefined;
  if (err === undefined) throw new Error('expected a refusal, got success');
  return err;
}

describe('history store', () => {
  it('keeps one file per run and an index, and reads runs back oldest first, filtered', async () => {
    const store = fresh();
    await appendRun(store, loadRecord({ day: 3 }));
    await appendRun(store, loadRecord({ day: 1 }));
    await appendRun(store, certifyRecord(2, { a: 'pass' }));
    await appendRun(store, loadRecord({ day: 2, target: 'other' }));
    expect((await readdir(join(store, 'runs'))).sort()).toEqual([
      'day-01-load-steady-flow.json',
      'day-02-certify.json',
      'day-02-load-steady-flow.json',
      'day-03-load-steady-flow.json',
    ]);
    const index = JSON.parse(await readFile(join(store, 'index.json'), 'utf8')) as { runs: { id: string }[] };
    expect(index.runs).toHaveLength(4);
    expect((await readHistory(store)).map((r) => r.startedAt.slice(8, 10))).toEqual(['01', '02', '02', '03']);
    const nightly = await readHistory(store, { scenario: 'steady-flow', target: 'nightly' });
    expect(nightly.map((r) => r.id)).toEqual(['day-01-load-steady-flow', 'day-03-load-steady-flow']);
    expect(nightly[1]).toEqual(loadRecord({ day: 3 }));
    expect(await readHistory(store, { kind: 'certify' })).toEqual([certifyRecord(2, { a: 'pass' })]);
    expect((await readHistory(store, { target: 'nightly', last: 2 })).map((r) => r.id)).toEqual([
      'day-02-certify',
      'day-03-load-steady-flow',
    ]);
    // Nothing half-written left behind.
    expect((await readdir(store)).sort()).toEqual(['index.json', 'runs']);
  });

  it('loses no run when many record at once', async () => {
    const store = fresh();
    const records = Array.from({ length: 24 }, (_, i) => loadRecord({ day: (i % 28) + 1, scenario: `s${i}` }));
    await Promise.all(records.map((r) => appendRun(store, r)));
    expect((await readHistory(store)).map((r) => r.id).sort()).toEqual(records.map((r) => r.id).sort());
  });

  it('waits while another run holds the lock, and writes the index once it is let go', async () => {
    const store = fresh();
    await appendRun(store, loadRecord({ day: 1 }));
    await mkdir(join(store, '.lock')); // another recorder, mid-update
    let done = false;
    const pending = appendRun(store, loadRecord({ day: 2 })).then(() => (done = true));
    await sleep(300);
    expect(done).toBe(false);
    const index = JSON.parse(await readFile(join(store, 'index.json'), 'utf8')) as { runs: unknown[] };
    expect(index.runs).toHaveLength(1);
    await rm(join(store, '.lock'), { recursive: true });
    await pending;
    expect((await readHistory(store)).map((r) => r.id)).toEqual(['day-01-load-steady-flow', 'day-02-load-steady-flow']);
    expect(await readdir(store)).not.toContain('.lock');
  });

  it('takes in a run file whose append died before the index, and breaks a lock left by a dead process', async () => {
    const store = fresh();
    await appendRun(store, loadRecord({ day: 1 }));
    const orphan = loadRecord({ day: 2 });
    await writeFile(join(store, 'runs', `${orphan.id}.json`), JSON.stringify(orphan));
    await mkdir(join(store, '.lock'));
    const old = new Date(Date.now() - 5 * 60_000);
    await utimes(join(store, '.lock'), old, old);
    await appendRun(store, loadRecord({ day: 3 }));
    expect((await readHistory(store)).map((r) => r.id)).toEqual([
      'day-01-load-steady-flow',
      'day-02-load-steady-flow',
      'day-03-load-steady-flow',
    ]);
  });

  it('refuses, in one line and without writing, a folder that is not a store', async () => {
    const notStore = fresh();
    await mkdir(notStore);
    await writeFile(join(notStore, 'notes.txt'), 'mine');
    const err = await refusal(appendRun(notStore, loadRecord({ day: 1 })));
    expect(err.code).toBe('HISTORY_STORE_INVALID');
    expect(err.message).toMatch(/is not a run history store this harness can read: it holds files but no index\.json/);
    expect(err.message).not.toContain('\n');
    expect(await readdir(notStore)).toEqual(['notes.txt']);
  });

  it.each([
    ['not JSON', '{"format": '],
    ['another format', JSON.stringify({ format: 'omnivas-harness/history-index@9', runs: [] })],
    [
      'an entry outside runs/',
      JSON.stringify({
        format: 'omnivas-harness/history-index@1',
        runs: [{ id: 'x', file: '../../etc/passwd', startedAt: '2026-12-01T00:00:00Z' }],
      }),
    ],
  ])('refuses an index that is %s', async (_, text) => {
    const store = fresh();
    await mkdir(store);
    await writeFile(join(store, 'index.json'), text);
    // One at a time: a second promise made before the first is awaited would reject unhandled meanwhile.
    for (const attempt of [() => readHistory(store), () => appendRun(store, loadRecord({ day: 1 }))]) {
      const err = await refusal(attempt());
      expect(err.code).toBe('HISTORY_STORE_INVALID');
      expect(err.message).toContain(store);
    }
  });

  it('refuses a run file of another format, and a store that does not exist', async () => {
    const store = fresh();
    await appendRun(store, loadRecord({ day: 1 }));
    await writeFile(join(store, 'runs', 'day-01-load-steady-flow.json'), JSON.stringify({ format: 'other@1' }));
    expect((await refusal(readHistory(store))).message).toMatch(/"format" is "other@1"/);
    const missing = await refusal(readHistory(join(root, 'nowhere')));
    expect(missing.code).toBe('HISTORY_STORE_INVALID');
    expect(missing.message).toMatch(/no runs have been recorded there/);
  });
});
