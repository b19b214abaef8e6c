/**
 * streamK6 when its process ends before k6 does (a second Ctrl-C exits at once): k6 is killed with
 * it, not left to finish alone. A child process runs streamK6 on a script whose teardown takes 30 s
 * (k6 runs teardown and handleSummary after a stop, however long they take), stops it, and exits;
 * k6 must be gone. Without the kill it was still running.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const K6_PROCESS = fileURLToPath(new URL('./k6-process.ts', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const SLEEPER = `import { sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '60s', gracefulStop: '30s' } } };
export default function () { sleep(1); }
export function teardown() { sleep(30); }
`;

/** Runs streamK6 on `script`; on k6's first progress line says READY, stops k6 300 ms later, exits 200 ms after that. */
const child = (script: string) => `
import { streamK6 } from ${JSON.stringify(K6_PROCESS)};
const stop = new AbortController();
let ready = false;
void streamK6({
  args: ['run', ${JSON.stringify(script)}],
  env: {},
  onHistoryLine: () => {},
  onOtherLine: (line) => {
    if (ready || !/^running/.test(line)) return;
    ready = true;
    console.log('READY');
    setTimeout(() => { stop.abort(); setTimeout(() => process.exit(130), 200); }, 300);
  },
  timeoutMs: 60_000,
  signal: stop.signal,
});
`;

/** A process's state letter and parent from /proc, or undefined once it is gone. */
async function procStat(pid: number | string): Promise<{ state: string; ppid: number } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
  const [state = '', ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state, ppid: Number(ppid) };
}

/** Running (not zombie) processes: a killed child is a zombie until its new parent reaps it. */
const isRunning = async (pid: number) => {
  const stat = await procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
};

/** The running children of `pid`. */
async function liveChildren(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await procStat(name);
    if (stat?.ppid === pid && stat.state !== 'Z') found.push(Number(name));
  }
  return found;
}

describe('streamK6, its process ending first', () => {
  it.runIf(process.platform === 'linux')(
    'kills k6 with it',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'omnivas-k6-exit-'));
      dirs.push(dir);
      const script = join(dir, 'sleeper.js');
      await writeFile(script, SLEEPER);
      const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child(script)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      let k6: number[] = [];
      proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
      proc.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        if (/READY/.test(output) && k6.length === 0) void liveChildren(proc.pid!).then((pids) => (k6 = pids));
      });
      const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
      expect(code, output).toBe(130);
      expect(k6.length, `k6 was not running under the child: ${output}`).toBe(1);
      // Unkilled, k6 would still be in its 30 s teardown here.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await isRunning(k6[0]!), 'k6 outlived the process that started it').toBe(false);
    },
    60_000,
  );
});
