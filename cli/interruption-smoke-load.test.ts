/**
 * smoke and load, interrupted, agree with certify (cli/interruption.test.ts): exit 130, a message
 * saying where what was gathered is, that file written, and no temporary folder left behind (the
 * child gets a TMPDIR of its own, empty afterwards).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeTarget, writeTargetFixture } from './testing';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Runs the CLI in a child, sends `signal` `delayMs` after `ready` first matches its output. */
async function interrupted(argv: readonly string[], ready: RegExp, delayMs: number, root: string) {
  const tmp = join(root, 'tmp');
  await mkdir(tmp);
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: tmp },
  });
  let output = '';
  let sent = false;
  const watch = (d: Buffer) => {
    output += d.toString();
    if (!sent && ready.test(output)) {
      sent = true;
      setTimeout(() => child.kill('SIGINT'), delayMs);
    }
  };
  child.stdout.on('data', watch);
  child.stderr.on('data', watch);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  // tsx, which runs the sources here (not the built CLI), keeps its compile cache there: not the harness's.
  const leftInTmp = (await readdir(tmp)).filter((name) => !name.startsWith('tsx-'));
  return { code, output, sent, leftInTmp };
}

describe('smoke and load, interrupted', () => {
  it('smoke: exit 130, a message, the transcript of what ran, no temp left', async () => {
    const hung = await startFakeTarget();
    try {
      const root = await mkdtemp(join(tmpdir(), 'omnivas-smoke-int-'));
      dirs.push(root);
      const fixture = writeTargetFixture(join(root, 'target'), { baseUrl: hung.url });
      const out = join(root, 'out');
      // The target never answers: SIGINT arrives while the first step waits.
      const run = await interrupted(['smoke', '--target', fixture.path, '--out', out], /^smoke: /m, 300, root);
      expect(run.sent).toBe(true);
      expect(run.code, run.output).toBe(130);
      expect(run.output).toMatch(/smoke: SIGINT: finishing the work under way/);
      expect(run.output).toMatch(
        /^INTERRUPTED: the steps not started did not run; what was gathered is in .*transcript\.json$/m,
      );
      const transcript = JSON.parse(await readFile(join(out, 'transcript.json'), 'utf8')) as unknown[];
      expect(transcript).toHaveLength(1);
      expect(run.output).not.toMatch(/^ {2}(ok|FAIL) +2\./m);
      expect(run.leftInTmp).toEqual([]);
    } finally {
      await hung.close();
    }
  }, 60_000);

  it('load: exit 130, a message, what was gathered written, no temp left', async () => {
    const root = await mkdtemp(join(tmpdir(), 'omnivas-load-int-'));
    dirs.push(root);
    const out = join(root, 'out');
    const argv = ['load', '--scenario', 'steady-flow', '--duration', '60s', '--vouchers', '2', '--out', out];
    const started = Date.now();
    const run = await interrupted(argv, /^load: steady-flow, profile /m, 3_000, root);
    expect(run.sent).toBe(true);
    expect(run.code, run.output).toBe(130);
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(run.output).toMatch(/load: SIGINT received; stopping k6 and writing what was gathered/);
    expect(run.output).toMatch(/^INTERRUPTED: what was gathered is in /m);
    const written = await readdir(out);
    expect(written).toEqual(expect.arrayContaining(['history.jsonl', 'verdict.json']));
    expect(run.leftInTmp).toEqual([]);
  }, 60_000);
});
