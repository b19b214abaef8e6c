/**
 * Reading the files a command is given (Node-only): one error code for a file that cannot be read
 * (FILE_UNREADABLE), one for text that is not JSON (INVALID_JSON). Messages name the option or field
 * and the path, never the content.
 */
import { readFile } from 'node:fs/promises';
import { HarnessError } from '../errors';
import { scanJson } from '../json-scan';

/** The OS reason a file could not be read or written, in words. */
export function fileErrorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
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

/** A JSON file's value; a syntax error names the line and column (V8's own message may quote the file). */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  // Editors on Windows save a byte order mark, which JSON.parse refuses.
  const text = (await readTextFile(path, what)).replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    scanJson(text, `${what} ${path}`); // throws INVALID_JSON with line, column and a short excerpt
    throw new HarnessError('INVALID_JSON', `${what} ${path} is not valid JSON`, { cause: err });
  }
}
