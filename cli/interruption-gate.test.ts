/**
 * The mutation gate, interrupted by SIGINT or SIGTERM while its workers run certify's checks and a
 * k6 load run, agrees with certify, smoke and load: exit 130, a message, mutants.json written (the
 * runs not finished recorded as such), no temporary folder left (the child gets a TMPDIR of its
 * own) and no process of the run left behind: every process the gate started (workers, k6, the
 * signing helper) inherits a marker variable, and none carries it once the command has exited.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** The processes whose environment holds `marker` (Linux /proc; the ones this user may read). */
async function processesMarked(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const environ = await readFile(join('/proc', pid, 'environ'), 'latin1').catch(() => '');
    if (environ.includes(marker)) found.push(pid);
  }
  return found;
}

async function interruptedGate(signal: NodeJS.Signals) {
  const root = await mkdtemp(join(tmpdir(), 'omnivas-gate-int-'));
  dirs.push(root);
  const tmp = join(root, 'tmp');
  const out = join(root, 'out');
  await mkdir(tmp);
  const marker = `OMNIVAS_GATE_RUN_${randomBytes(6).toString('hex')}`;
  // One defect with a load run (the concurrency one): its checks, its burst, and the correct sandbox's runs.
  const argv = ['mutants', '--only', 'reservation-check-then-act', '--jobs', '2', '--seed', '7', '--out', out];
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: tmp, [marker]: '1' },
  });
  let output = '';
  let sent = false;
  let runningAtSignal: string[] = [];
  const watch = (d: Buffer) => {
    output += d.toString();
    // A few seconds after the runs were handed out: workers up, the defect's checks and burst under way.
    if (!sent && /^mutants: 1 defect\(s\)/m.test(output)) {
      sent = true;
      setTimeout(() => {
        void processesMarked(marker).then((pids) => (runningAtSignal = pids));
        child.kill(signal);
      }, 4_000);
    }
  };
  child.stdout.on('data', watch);
  child.stderr.on('data', watch);
  const started = Date.now();
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const seconds = (Date.now() - started) / 1000;
  await sleep(500);
  return {
    code,
    output,
    out,
    seconds,
    runningAtSignal,
    leftRunning: await processesMarked(marker),
    // tsx, which runs the sources here, keeps its compile cache there: not the harness's.
    leftInTmp: (await readdir(tmp)).filter((name) => !name.startsWith('tsx-')),
  };
}

describe('the mutation gate, interrupted', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: exit 130, a message, mutants.json of what ran, no temp and no process left',
    async (signal) => {
      const run = await interruptedGate(signal);
      expect(run.code, run.output).toBe(130);
      expect(run.output).toMatch(new RegExp(`^mutants: ${signal}: finishing the work under way`, 'm'));
      expect(run.output).toMatch(
        /^INTERRUPTED: the runs not started are recorded as not run; what was gathered is in /m,
      );
      const record = JSON.parse(await readFile(join(run.out, 'mutants.json'), 'utf8')) as {
        verdict: string;
        interrupted?: boolean;
        correct: { problems: string[] };
      };
      expect([record.verdict, record.interrupted]).toEqual(['fail', true]);
      // Five runs, two workers, each run longer than the wait: the correct sandbox's were still pending.
      expect(record.correct.problems).toContainEqual(expect.stringMatching(/not run: the gate was interrupted/));
      // The workers (and what they ran) were up when the signal came, and are all gone.
      expect(run.runningAtSignal.length).toBeGreaterThan(1);
      expect(run.leftRunning).toEqual([]);
      expect(run.leftInTmp).toEqual([]);
    },
    120_000,
  );
});
