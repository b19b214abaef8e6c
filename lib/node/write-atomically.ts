/**
 * Writes a file whole under a temporary name beside it, synced, then renamed into place: a reader
 * (or a CI job uploading the folder) sees the old file or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

export async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const file = await open(tmp, 'wx');
    try {
      await file.writeFile(text, 'utf8');
      await file.sync(); // the rename must not become visible before the bytes are on disk
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
