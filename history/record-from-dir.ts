/** A run record from a load or a certify out dir, told apart by what each writes. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from '../lib/errors';
import { recordFromCertifyDir } from './record-from-certify';
import { recordFromLoadDir, type LoadRunContext } from './record-from-load';
import type { RunRecord } from './run-record';
import { appendRun, type IndexEntry } from './store';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** finals.json is the load command's alone; a summary.json without it is certify's. */
export async function recordFromOutDir(dir: string, context: LoadRunContext = {}): Promise<RunRecord> {
  if (await exists(join(dir, 'finals.json'))) return recordFromLoadDir(dir, context);
  if (await exists(join(dir, 'summary.json'))) return recordFromCertifyDir(dir);
  throw new HarnessError(
    'HISTORY_STORE_INVALID',
    `${dir} holds neither a load run (finals.json) nor a certify run (summary.json); give the --out folder of one`,
  );
}

/** A run's out dir recorded into a store: `history record`, and `load --record` / `certify --record` after their run. */
export async function recordOutDir(
  dir: string,
  store: string,
  context: LoadRunContext = {},
  /** The command that wrote the dir, when it is known: not told apart by its files then. */
  kind?: RunRecord['kind'],
): Promise<{ readonly record: RunRecord; readonly entry: IndexEntry }> {
  const record =
    kind === 'certify'
      ? await recordFromCertifyDir(dir)
      : kind === 'load'
        ? await recordFromLoadDir(dir, context)
        : await recordFromOutDir(dir, context);
  return { record, entry: await appendRun(store, record) };
}

/** The line a command prints once a run is recorded. */
export function describeRecorded(recorded: { readonly record: RunRecord; readonly entry: IndexEntry }, store: string) {
  const { record, entry } = recorded;
  return `history: recorded ${record.kind} ${record.scenario} on ${record.target.name} (${record.profile}) as ${entry.file} in ${store}`;
}
