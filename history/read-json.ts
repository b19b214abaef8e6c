/** Reading the JSON files a run wrote, with one clear line when one is missing or is not JSON. */
import { readFile } from 'node:fs/promises';
import { HarnessError } from '../lib/errors';

/** The parsed file, or undefined when it does not exist and `optional` is set. */
export async function readJsonFile(path: string, what: string, optional = false): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return undefined;
    throw new HarnessError(
      'HISTORY_STORE_INVALID',
      `${path} cannot be read (${code ?? (err as Error).message}); ${what}`,
      { cause: err },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HarnessError('HISTORY_STORE_INVALID', `${path} is not JSON (${(err as Error).message}); ${what}`, {
      cause: err,
    });
  }
}
