/** Reading and writing key files (Node-only). Errors name the path and the fix, never the key. */
import { randomBytes } from 'node:crypto';
import { chmod, link, lstat, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HarnessError } from '../errors';
import { importPrivateKeyPem, importPublicKeyPem } from '../keys';
import type { PrivateKey, PublicKey } from '../keys';
import { fileErrorReason } from './input-file';

function unreadable(path: string, field: string, err: unknown): HarnessError {
  return new HarnessError(
    'KEY_FILE_UNREADABLE',
    `${field} ${path}: ${fileErrorReason(err)}; give the path of a PEM key file`,
    { cause: err },
  );
}

/** A PEM file's text; a key file that cannot be read is KEY_FILE_UNREADABLE, whose fix is a key path. */
export async function readPemFile(path: string, field: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw unreadable(path, field, err);
  }
}

export async function readPrivateKeyFile(path: string, field = '--key'): Promise<PrivateKey> {
  return importPrivateKeyPem(await readPemFile(path, field), `${field} ${path}`);
}

export async function readPublicKeyFile(path: string, field = '--pub'): Promise<PublicKey> {
  return importPublicKeyPem(await readPemFile(path, field), `${field} ${path}`);
}

/** A private key file readable by group or others is a leak waiting to happen: say so. */
export async function keyFilePermissionWarning(path: string): Promise<string | undefined> {
  const { mode } = await stat(path);
  if ((mode & 0o077) === 0) return undefined;
  return `warning: private key ${path} is readable by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${path}`;
}

function cannotWrite(path: string, err: unknown): HarnessError {
  return new HarnessError(
    'KEY_FILE_UNREADABLE',
    `cannot write ${path}: ${fileErrorReason(err)}; check that the --out directory exists and is writable`,
    { cause: err },
  );
}

/**
 * Writes a file that must not exist yet (unless `overwrite`), with the given mode, atomically and
 * without following links: the content goes to a fresh temporary file beside it (O_EXCL, created
 * with `mode`), which then takes the name. A symbolic link at `path` is refused even with
 * `overwrite`: writing through it would put a private key into a file someone else chose.
 */
export async function writeNewFile(path: string, content: string, mode: number, overwrite: boolean): Promise<void> {
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isSymbolicLink())
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `${path} is a symbolic link; the harness will not write a key through it: remove the link or choose another --out`,
    );
  if (existing !== undefined && !overwrite)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `${path} already exists; pass --force to overwrite it or choose another --out`,
    );
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content, { mode, flag: 'wx' });
    await chmod(temp, mode); // the umask may have narrowed or the file system widened it
    if (overwrite) await rename(temp, path);
    else await link(temp, path); // fails with EEXIST when a file (or link) appeared meanwhile: never replaced
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' && !overwrite)
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `${path} already exists; pass --force to overwrite it or choose another --out`,
      );
    throw cannotWrite(path, err);
  } finally {
    await rm(temp, { force: true }).catch(() => {}); // under a file (ENOTDIR) there is no temporary file to remove
  }
}
