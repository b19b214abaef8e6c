/** Reading and writing key files (Node-only). Errors name the path and the fix, never the key. */
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
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

/** Writes a file that must not exist yet (unless `overwrite`), with the given mode. */
export async function writeNewFile(path: string, content: string, mode: number, overwrite: boolean): Promise<void> {
  try {
    await writeFile(path, content, { mode, flag: overwrite ? 'w' : 'wx' });
    await chmod(path, mode); // an overwritten file keeps its old mode otherwise
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `${path} already exists; pass --force to overwrite it or choose another --out`,
      );
    throw new HarnessError(
      'KEY_FILE_UNREADABLE',
      `cannot write ${path}: ${fileErrorReason(err)}; check that the --out directory exists and is writable`,
      { cause: err },
    );
  }
}
