/**
 * The history store: a folder a CI job caches or uploads, holding one file per run
 * (runs/ID.json) and an index (index.json) of what ran when against what. Every file is written
 * whole to a temporary name and renamed into place, so a reader never sees half a file; the index
 * is rewritten under a lock directory (mkdir is atomic), so two runs recording at once both land.
 * A run file written by an append that died before the index is picked up by the next append.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError } from '../lib/errors';
import { writeAtomically } from '../lib/node/write-atomically';
import { readJsonFile } from './read-json';
import { parseRunRecord } from './run-record';
import type { RunRecord } from './run-record';

export const HISTORY_INDEX_FORMAT = 'omnivas-harness/history-index@1';
const INDEX = 'index.json';
const RUNS = 'runs';
const LOCK = '.lock';
const RUN_FILE = /^runs\/[A-Za-z0-9._-]+\.json$/;
/** A lock older than this was left by a process that died while holding it. */
const STALE_LOCK_MS = 60_000;
const LOCK_WAIT_MS = 30_000;

export interface IndexEntry {
  readonly id: string;
  /** Relative to the store. */
  readonly file: string;
  readonly kind: RunRecord['kind'];
  readonly startedAt: string;
  readonly scenario: string;
  readonly target: string;
  readonly profile: string;
}

export interface HistoryFilter {
  readonly kind?: RunRecord['kind'];
  readonly scenario?: string;
  readonly target?: string;
  readonly profile?: string;
  /** Only the latest N of the runs that match. */
  readonly last?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function unreadable(store: string, why: string): HarnessError {
  return new HarnessError(
    'HISTORY_STORE_INVALID',
    `${store} is not a run history store this harness can read: ${why}; give the folder history record writes, or a new one`,
  );
}

function entryOf(record: RunRecord): IndexEntry {
  return {
    id: record.id,
    file: `${RUNS}/${record.id}.json`,
    kind: record.kind,
    startedAt: record.startedAt,
    scenario: record.scenario,
    target: record.target.name,
    profile: record.profile,
  };
}

/** The index's entries; undefined for a folder that is missing or empty (a new store). */
async function readIndex(store: string): Promise<IndexEntry[] | undefined> {
  const names = await readdir(store).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    if (err.code === 'ENOTDIR') throw unreadable(store, 'it is a file, not a folder');
    throw unreadable(store, `${err.code ?? err.message}`);
  });
  if (names === undefined || names.every((n) => n === LOCK || n === RUNS)) {
    if (names?.includes(RUNS) && (await readdir(join(store, RUNS))).some((n) => n.endsWith('.json'))) return []; // run files whose index was never written: appendRun heals it
    return undefined;
  }
  if (!names.includes(INDEX)) throw unreadable(store, `it holds files but no ${INDEX}`);
  const json = await readJsonFile(join(store, INDEX), 'the store index is damaged').catch((err: HarnessError) => {
    throw unreadable(store, err.message);
  });
  if (!isObject(json) || json['format'] !== HISTORY_INDEX_FORMAT || !Array.isArray(json['runs']))
    throw unreadable(store, `${INDEX} is not format ${HISTORY_INDEX_FORMAT}`);
  return json['runs'].map((e, i) => {
    // The file must be a run file inside the store: an index naming ../anything is refused.
    if (
      !isObject(e) ||
      typeof e['id'] !== 'string' ||
      typeof e['startedAt'] !== 'string' ||
      !RUN_FILE.test(String(e['file']))
    )
      throw unreadable(store, `entry ${i} of ${INDEX} has no id, startedAt, or ${RUNS}/NAME.json file`);
    return e as unknown as IndexEntry;
  });
}

const byTime = (a: { startedAt: string; id: string }, b: { startedAt: string; id: string }) =>
  Date.parse(a.startedAt) - Date.parse(b.startedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

async function withLock<T>(store: string, body: () => Promise<T>): Promise<T> {
  const lock = join(store, LOCK);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new HarnessError(
          'HISTORY_STORE_INVALID',
          `${lock} has been held for ${Math.round(age / 1000)} s by another run recording; wait for it, or remove ${lock} if no run is recording`,
        );
      else await sleep(20 + Math.random() * 30);
    }
  }
  try {
    return await body();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Refuses a folder that is not a store (a file, a folder of other files, a damaged index); a
 * missing or empty folder is a new store. The load and certify commands call it before their run
 * sends anything, so a run they were asked to record is not spent on a store that would refuse it.
 */
export async function checkStore(store: string): Promise<void> {
  await readIndex(store);
}

/** Adds a run to the store (created when missing), and returns its entry. */
export async function appendRun(store: string, record: RunRecord): Promise<IndexEntry> {
  await readIndex(store); // refuse a folder that is not a store before writing anything into it
  await mkdir(join(store, RUNS), { recursive: true });
  const entry = entryOf(record);
  await writeAtomically(join(store, entry.file), `${JSON.stringify(record, null, 2)}\n`);
  await withLock(store, async () => {
    const entries = (await readIndex(store)) ?? [];
    const known = new Set(entries.map((e) => e.file));
    // Run files whose append died before the index (this one's among them) join it now.
    for (const name of await readdir(join(store, RUNS))) {
      const file = `${RUNS}/${name}`;
      if (!name.endsWith('.json') || known.has(file)) continue;
      const path = join(store, file);
      entries.push(entryOf(parseRunRecord(await readJsonFile(path, 'a damaged run file: remove it'), path)));
    }
    entries.sort(byTime);
    await writeAtomically(
      join(store, INDEX),
      `${JSON.stringify({ format: HISTORY_INDEX_FORMAT, runs: entries }, null, 2)}\n`,
    );
  });
  return entry;
}

/** The runs in the store that match `filter`, oldest first. */
export async function readHistory(store: string, filter: HistoryFilter = {}): Promise<RunRecord[]> {
  const entries = await readIndex(store);
  if (entries === undefined) throw unreadable(store, 'no runs have been recorded there');
  const wanted = entries.filter(
    (e) =>
      (filter.kind === undefined || e.kind === filter.kind) &&
      (filter.scenario === undefined || e.scenario === filter.scenario) &&
      (filter.target === undefined || e.target === filter.target) &&
      (filter.profile === undefined || e.profile === filter.profile),
  );
  const chosen = filter.last === undefined ? wanted : [...wanted].sort(byTime).slice(-filter.last);
  const records = await Promise.all(
    chosen.map(async (e) => {
      const path = join(store, e.file);
      return parseRunRecord(await readJsonFile(path, `the index names it: restore it, or remove its entry`), path);
    }),
  );
  return records.sort(byTime);
}
