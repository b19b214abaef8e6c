/** A run record from a load or a certify out dir, told apart by what each writes. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from '../lib/errors';
import { recordFromCertifyDir } from './record-from-certify';
import { recordFromLoadDir, type LoadRunContext } from './record-from-load';
import type { RunRecord } from './run-record';

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
