import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareOutDir } from './out-dir';

const fresh = () => mkdtempSync(join(tmpdir(), 'omnivas-outdir-'));

async function refusalOf(dir: string): Promise<{ code?: string; message: string }> {
  try {
    await prepareOutDir(dir, '--out');
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error(`prepareOutDir(${dir}) accepted it`);
}

describe('prepareOutDir', () => {
  it('creates missing parents, returns the absolute path and leaves no probe behind', async () => {
    const base = fresh();
    const dir = await prepareOutDir(join(base, 'a', 'b', 'c'));
    expect(dir).toBe(join(base, 'a', 'b', 'c'));
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    // An existing folder with content is fine too.
    writeFileSync(join(dir, 'keep'), 'x');
    await prepareOutDir(dir);
    expect(readdirSync(dir)).toEqual(['keep']);
  });

  it.each([
    ['a path under a device', '/dev/null/x', /\/dev\/null exists and is not a folder/],
    // node's recursive mkdir loops forever here; the helper must answer.
    ['a virtual file system', '/proc/x', /\/proc does not take new folders/],
    ['deeper in a virtual file system', '/proc/x/y/z', /\/proc does not take new folders/],
    ['a folder that takes no files', '/proc/self', /cannot write into it/],
    // A read-only folder, even for root (these tests may run as root, whom chmod 0555 does not stop).
    ['a read-only folder', '/sys', /cannot write into it: permission denied/],
  ])('refuses %s (%s) with one line naming the option and the fix', async (_what, dir, reason) => {
    const err = await refusalOf(dir);
    expect(err.code).toBe('OUTPUT_UNWRITABLE');
    expect(err.message).toMatch(reason);
    expect(err.message).toMatch(/^--out .*give a folder you can write to/);
    expect(err.message).not.toMatch(/\n/);
  });

  it('refuses a file, and a path under a file, and creates nothing', async () => {
    const base = fresh();
    const file = join(base, 'report.html');
    writeFileSync(file, 'x');
    expect((await refusalOf(file)).message).toMatch(/report.html exists and is not a folder/);
    const under = await refusalOf(join(file, 'x', 'y'));
    expect(under.code).toBe('OUTPUT_UNWRITABLE');
    expect(existsSync(join(base, 'x'))).toBe(false);
    expect(readdirSync(base)).toEqual(['report.html']);
  });
});
