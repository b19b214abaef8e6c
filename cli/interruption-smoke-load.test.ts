/**
 * smoke and load, interrupted by SIGINT or SIGTERM, agree with certify (cli/interruption.test.ts):
 * exit 130, a message saying where what was gathered is, that file written, and no temporary folder
 * left behind (the child gets a TMPDIR of its own, empty afterwards). load is interrupted during k6's
 * run and during its setup, before k6 has started.
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
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Runs the CLI in a child, sends `signal` `delayMs` after `ready` first matches its output. */
async function interrupted(
  argv: readonly string[],
  ready: RegExp,
  delayMs: number,
  root: string,
  signal: NodeJS.Signals = 'SIGINT',
) {
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
      setTimeout(() => child.kill(signal), delayMs);
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
  it.each(SIGNALS)(
    'smoke, %s: exit 130, a message, the transcript of what ran, no temp left',
    async (signal) => {
      const hung = await startFakeTarget();
      try {
        const root = await mkdtemp(join(tmpdir(), 'omnivas-smoke-int-'));
        dirs.push(root);
        const fixture = writeTargetFixture(join(root, 'target'), { baseUrl: hung.url });
        const out = join(root, 'out');
        // The target never answers: SIGINT arrives while the first step waits.
        const run = await interrupted(
          ['smoke', '--target', fixture.path, '--out', out],
          /^smoke: /m,
          300,
          root,
          signal,
        );
        expect(run.sent).toBe(true);
        expect(run.code, run.output).toBe(130);
        expect(run.output).toMatch(new RegExp(`smoke: ${signal}: finishing the work under way`));
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
    },
    60_000,
  );

  it.each(SIGNALS)(
    'load, %s: exit 130, a message, what was gathered written, no temp left',
    async (signal) => {
      const root = await mkdtemp(join(tmpdir(), 'omnivas-load-int-'));
      dirs.push(root);
      const out = join(root, 'out');
      const argv = ['load', '--scenario', 'steady-flow', '--duration', '60s', '--vouchers', '2', '--out', out];
      const started = Date.now();
      const run = await interrupted(argv, /^load: steady-flow, profile /m, 3_000, root, signal);
      expect(run.sent).toBe(true);
      expect(run.code, run.output).toBe(130);
      expect(Date.now() - started).toBeLessThan(45_000);
      expect(run.output).toMatch(new RegExp(`load: ${signal}: finishing the work under way`));
      expect(run.output).toMatch(/load: stopping k6; its summary and what was gathered will be written/);
      expect(run.output).toMatch(/^INTERRUPTED: what was gathered is in /m);
      const written = await readdir(out);
      expect(written).toEqual(expect.arrayContaining(['history.jsonl', 'verdict.json', 'summary.json']));
      expect(run.leftInTmp).toEqual([]);
    },
    60_000,
  );

  it('load, SIGINT during setup (before k6 starts): the same message, exit 130, what was gathered written', async () => {
    const root = await mkdtemp(join(tmpdir(), 'omnivas-load-setup-int-'));
    dirs.push(root);
    const out = join(root, 'out');
    // The line is printed once the sandbox, the vouchers and the signing helper are up, just before k6 is started.
    const argv = ['load', '--scenario', 'same-voucher-burst', '--vus', '5', '--vouchers', '1', '--out', out];
    const run = await interrupted(argv, /^load: same-voucher-burst, profile /m, 0, root);
    expect(run.sent).toBe(true);
    expect(run.code, run.output).toBe(130);
    expect(run.output).toMatch(/load: SIGINT: finishing the work under way/);
    expect(run.output).toMatch(/^INTERRUPTED: what was gathered is in /m);
    expect(run.output).not.toMatch(/^(PASS|FAIL):/m);
    const written = await readdir(out);
    expect(written).toEqual(expect.arrayContaining(['history.jsonl', 'verdict.json', 'finals.json', 'junit.xml']));
    expect(run.leftInTmp).toEqual([]);
  }, 60_000);
});
