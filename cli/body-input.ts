/** The request body a sign or verify command works on, from --body or --body-file, exactly as given. */
import { HarnessError } from '../lib/errors';
import { readTextFile } from '../lib/node/input-file';

export async function readBodyOption(options: { body?: string; bodyFile?: string }): Promise<string> {
  if ((options.body === undefined) === (options.bodyFile === undefined)) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      'give the request body with exactly one of --body JSON or --body-file FILE',
    );
  }
  if (options.body !== undefined) return options.body;
  // Named as the body file: the key file's hint would mislead.
  return readTextFile(options.bodyFile!, '--body-file');
}
