/** The one reader of files a command is given: FILE_UNREADABLE for a file that cannot be read, INVALID_JSON for one that is not JSON. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileErrorReason, readJsonFile, readTextFile } from './input-file';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omnivas-input-file-'));
});

describe('readJsonFile', () => {
  it('returns the value, a byte order mark ignored', async () => {
    await writeFile(join(dir, 'bom.json'), '\uFEFF[{"code":"A","amount":"1.000000"}]');
    expect(await readJsonFile(join(dir, 'bom.json'), '--vouchers-file')).toEqual([{ code: 'A', amount: '1.000000' }]);
  });

  it('says FILE_UNREADABLE, naming the option, the path and the reason, for a missing file or a directory', async () => {
    const missing = join(dir, 'nope.json');
    await expect(readJsonFile(missing, '--finals')).rejects.toMatchObject({
      code: 'FILE_UNREADABLE',
      message: `cannot read --finals ${missing}: no such file (relative paths are resolved from ${process.cwd()})`,
    });
    await expect(readJsonFile(dir, '--baseline')).rejects.toMatchObject({
      code: 'FILE_UNREADABLE',
      message: `cannot read --baseline ${dir}: it is a directory`,
    });
  });

  it('says INVALID_JSON with the line and column, without quoting the file at length', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, '{\n  "ids": ["a",]\n}\n');
    await expect(readJsonFile(path, '--baseline')).rejects.toMatchObject({
      code: 'INVALID_JSON',
      message: expect.stringMatching(new RegExp(`^"--baseline ${path}" is not valid JSON: .* at line 2 column 15`)),
    });
  });
});

describe('readTextFile', () => {
  it('reads text, and refuses what cannot be read with FILE_UNREADABLE', async () => {
    await writeFile(join(dir, 'body.json'), '{"a":1}');
    expect(await readTextFile(join(dir, 'body.json'), '--body-file')).toBe('{"a":1}');
    await expect(readTextFile(join(dir, 'none'), '--body-file')).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
  });
});

describe('fileErrorReason', () => {
  it('words the OS reasons a file cannot be read (permissions included, which root cannot provoke)', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(fileErrorReason(err('EACCES'))).toBe('permission denied');
    expect(fileErrorReason(err('EPERM'))).toBe('permission denied');
    expect(fileErrorReason(err('ENOENT'))).toBe('no such file');
    expect(fileErrorReason(err('EISDIR'))).toBe('it is a directory');
    expect(fileErrorReason(err('EMFILE'))).toBe('EMFILE');
  });
});
