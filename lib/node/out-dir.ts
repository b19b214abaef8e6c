/**
 * Output folders, made and proven writable before a command sends its first request: a run that
 * redeems money and then cannot write its report has wasted the money and hidden the evidence.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { HarnessError } from '../errors';
import { fileErrorReason } from './input-file';

function refusal(dir: string, option: string, why: string, err?: unknown): HarnessError {
  return new HarnessError(
    'OUTPUT_UNWRITABLE',
    `${option} ${dir}: ${why}; give a folder you can write to (it is created if missing)`,
    err === undefined ? undefined : { cause: err },
  );
}

const isDirectory = (path: string): Promise<boolean | undefined> =>
  stat(path).then(
    (s) => s.isDirectory(),
    () => undefined,
  );

/**
 * Creates `path` and its missing parents one level at a time. Not mkdir's `recursive`: on /proc,
 * mkdir answers ENOENT for a folder whose parent exists, and node's recursive mkdir then retries
 * the parent forever (`--out /proc/x` hung).
 */
async function makeFolders(path: string, dir: string, option: string): Promise<void> {
  const kind = await isDirectory(path);
  if (kind === true) return;
  if (kind === false) throw refusal(dir, option, `${path} exists and is not a folder`);
  const parent = dirname(path);
  if (parent === path) throw refusal(dir, option, 'the file system root is missing');
  await makeFolders(parent, dir, option);
  try {
    await mkdir(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await isDirectory(path)) === true) return; // made meanwhile by another run
    const why =
      code === 'ENOTDIR'
        ? `${parent} is not a folder`
        : code === 'ENOENT' || code === 'EROFS'
          ? `${parent} does not take new folders (${code === 'EROFS' ? 'read-only file system' : 'a virtual file system'})`
          : `cannot create ${path}: ${fileErrorReason(err)}`;
    throw refusal(dir, option, why, err);
  }
}

/**
 * Makes `dir` (named by the command-line `option`, for the message) and proves it writable by
 * creating and removing a probe file; returns its absolute path. Refuses with OUTPUT_UNWRITABLE
 * (exit 2, one line) for a path under a file or a device, a virtual or read-only file system, a
 * file, or a folder without write permission.
 */
export async function prepareOutDir(dir: string, option = '--out'): Promise<string> {
  const path = resolve(dir);
  await makeFolders(path, dir, option);
  const probe = join(path, `.omnivas-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await open(probe, 'wx', 0o600);
    await handle.close();
  } catch (err) {
    throw refusal(dir, option, `cannot write into it: ${fileErrorReason(err)}`, err);
  }
  await unlink(probe).catch(() => {}); // a probe left behind is harmless; its folder is writable
  return path;
}
