/**
 * Reading the files a command is given (Node-only): one error code for a file that cannot be read
 * (FILE_UNREADABLE), one for text that is not JSON (INVALID_JSON). Messages name the option or field
 * and the path, never the content.
 */
import { readFile } from 'node:fs/promises';
import { HarnessError } from '../errors';
import { findDuplicateKey, scanJson } from '../json-scan';

/** The OS reason a file could not be read or written, in words. */
export function fileErrorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOTDIR') return 'a part of the path is not a directory';
  return code ?? String(err);
}

/** A file's text; `what` names it in the error (`--finals`, `target file`). */
export async function readTextFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const hint =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? ` (relative paths are resolved from ${process.cwd()})` : '';
    throw new HarnessError('FILE_UNREADABLE', `cannot read ${what} ${path}: ${fileErrorReason(err)}${hint}`, {
      cause: err,
    });
  }
}

/**
 * A JSON file's value. A syntax error names the line and column (V8's own message may quote the
 * file); a repeated key is refused: JSON.parse would keep the last value silently, so a file holding
 * two "baseUrl"s would test whichever came last without a word.
 */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  // Editors on Windows save a byte order mark, which JSON.parse refuses.
  const text = (await readTextFile(path, what)).replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (err) {
    scanJson(text, `${what} ${path}`); // throws INVALID_JSON with line, column and a short excerpt
    throw new HarnessError('INVALID_JSON', `${what} ${path} is not valid JSON`, { cause: err });
  }
  const duplicate = findDuplicateKey(scanJson(text, `${what} ${path}`).root);
  if (duplicate !== undefined) {
    const line = text.slice(0, duplicate.keySpan.start).split('\n').length;
    throw new HarnessError(
      'CONFIG_INVALID',
      `${what} ${path}: "${duplicate.path.replace(/^\$\.?/, '')}" is given twice (again on line ${line}); JSON keeps only the last, so remove the one you do not mean`,
    );
  }
  return value;
}
