/** findK6 against stand-in k6 binaries: the pinned version wins, the local one first, and a miss says how to fix it. */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findK6, K6_VERSION } from './k6-bin';

let root = '';

/** A shell script in DIR/k6 that answers `k6 version` as k6 does, with `version`. */
async function fakeK6(dir: string, version: string): Promise<string> {
  await mkdir(join(root, dir), { recursive: true });
  const path = join(root, dir, 'k6');
  await writeFile(path, `#!/bin/sh\necho "k6 ${version} (go1.26.8, linux/amd64)"\n`);
  await chmod(path, 0o755);
  return path;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'find-k6-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('findK6', () => {
  it('prefers the project-local k6 when it is the pinned version', async () => {
    const local = await fakeK6('local', K6_VERSION);
    await fakeK6('path', K6_VERSION);
    expect(await findK6({ localPath: local, pathEnv: join(root, 'path') })).toBe(local);
  });

  it('falls back to the first k6 on PATH of the pinned version, passing over other versions', async () => {
    const local = await fakeK6('stale', 'v1.8.1');
    await fakeK6('old-on-path', 'v0.52.0');
    const right = await fakeK6('right-on-path', K6_VERSION);
    const pathEnv = [join(root, 'empty'), join(root, 'old-on-path'), join(root, 'right-on-path')].join(delimiter);
    expect(await findK6({ localPath: local, pathEnv })).toBe(right);
  });

  it('fails with K6_MISSING, the versions it saw, and the command that fixes it', async () => {
    const local = await fakeK6('only-old', 'v1.8.1');
    await expect(findK6({ localPath: local, pathEnv: '' })).rejects.toMatchObject({
      code: 'K6_MISSING',
      message: expect.stringMatching(new RegExp(`k6 ${K6_VERSION} .*${local} is v1\\.8\\.1.*run npm run k6:install`)),
    });
  });
});
