/** findK6 and installK6 against stand-in k6 binaries: the pinned version wins, in the documented order, and a miss says how to fix it. */
import { access, chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findK6, K6_DIR_ENV, K6_VERSION, userK6Dir } from './k6-bin';
import { installK6 } from './k6-install';

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
    expect(await findK6({ localPath: local, env: { HOME: join(root, 'home'), PATH: join(root, 'path') } })).toBe(local);
  });

  it('falls back to the first k6 on PATH of the pinned version, passing over other versions', async () => {
    const local = await fakeK6('stale', 'v1.8.1');
    await fakeK6('old-on-path', 'v0.52.0');
    const right = await fakeK6('right-on-path', K6_VERSION);
    const pathEnv = [join(root, 'empty'), join(root, 'old-on-path'), join(root, 'right-on-path')].join(delimiter);
    expect(await findK6({ localPath: local, env: { HOME: join(root, 'home'), PATH: pathEnv } })).toBe(right);
  });

  it('fails with K6_MISSING, the versions it saw, and the command that fixes it', async () => {
    const local = await fakeK6('only-old', 'v1.8.1');
    await expect(findK6({ localPath: local, env: { HOME: join(root, 'home'), PATH: '' } })).rejects.toMatchObject({
      code: 'K6_MISSING',
      message: expect.stringMatching(
        new RegExp(`k6 ${K6_VERSION} .*${local} is v1\\.8\\.1.*run omnivas-harness k6 install`),
      ),
    });
  });

  it('finds the per-user cache an installed harness uses, and OMNIVAS_K6_DIR before everything', async () => {
    const env = { HOME: join(root, 'user'), PATH: '' };
    const cached = await fakeK6(join('user', '.cache', 'omnivas-harness', 'k6', K6_VERSION), K6_VERSION);
    expect(userK6Dir(env)).toBe(join(root, 'user', '.cache', 'omnivas-harness', 'k6', K6_VERSION));
    expect(await findK6({ localPath: join(root, 'none', 'k6'), env })).toBe(cached);
    const chosen = await fakeK6('chosen', K6_VERSION);
    expect(
      await findK6({ localPath: join(root, 'none', 'k6'), env: { ...env, [K6_DIR_ENV]: join(root, 'chosen') } }),
    ).toBe(chosen);
  });
});

describe('installK6', () => {
  it('keeps a k6 of the pinned version already there, and links one found on PATH instead of building', async () => {
    await fakeK6('on-path', K6_VERSION);
    const env = { HOME: join(root, 'home2'), PATH: join(root, 'on-path') };
    const linked = await installK6({ dir: join(root, 'installed'), env });
    expect(linked.how).toBe('linked from PATH');
    expect(
      await findK6({
        localPath: join(root, 'none', 'k6'),
        env: { ...env, PATH: '', [K6_DIR_ENV]: join(root, 'installed') },
      }),
    ).toBe(linked.path);
    expect((await installK6({ dir: join(root, 'installed'), env })).how).toBe('already there');
    // npm run k6:install gives a relative folder; go install refuses a relative GOBIN, so it is made absolute.
    const relativeDir = relative(process.cwd(), join(root, 'relative'));
    const installed = await installK6({ dir: relativeDir, env });
    expect(installed.path).toBe(join(root, 'relative', 'k6'));
    expect(isAbsolute(installed.path)).toBe(true);
  });

  it('without Go and without k6 says what to install, and writes nothing', async () => {
    await expect(
      installK6({ dir: join(root, 'nothing'), env: { HOME: root, PATH: join(root, 'empty') } }),
    ).rejects.toMatchObject({
      code: 'K6_MISSING',
      message: expect.stringMatching(/needs Go .* on PATH; install Go, or put k6 v\S+ on PATH/),
    });
    await expect(access(join(root, 'nothing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
