/** The request body a sign or verify command works on, from --body or --body-file, exactly as given. */
import { readFile } from 'node:fs/promises';
import { HarnessError } from '../lib/errors';
import { fileErrorReason } from '../lib/node/key-file';

export async function readBodyOption(options: { body?: string; bodyFile?: string }): Promise<string> {
  if ((options.body === undefined) === (options.bodyFile === undefined)) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      'give the request body with exactly one of --body JSON or --body-file FILE',
    );
  }
  if (options.body !== undefined) return options.body;
  try {
    return await readFile(options.bodyFile!, 'utf8');
  } catch (err) {
    // The body file's own words: this is not a key file, so the key file's hint would mislead.
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--body-file ${options.bodyFile}: ${fileErrorReason(err)}; give the path of the file holding the request body as JSON, or pass it with --body`,
      { cause: err },
    );
  }
}
