/**
 * An interrupted certify keeps what it gathered: SIGINT or SIGTERM after the first area started
 * ends the run with exit 130, a message, and the three reports written, the checks not started
 * reported as skipped for the interruption, and a verdict that is not PASS.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function interruptedCertify(signal: NodeJS.Signals) {
  const out = await mkdtemp(join(tmpdir(), 'omnivas-interrupted-'));
  dirs.push(out);
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'certify', '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    // Once the first area is under way, as a person would press Ctrl-C during a run.
    if (!sent && /^ {2}auth …$/m.test(stdout)) {
      sent = true;
      child.kill(signal);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, stdout, stderr, out };
}

describe('certify, interrupted', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: exit 130, a message, the reports of what ran',
    async (signal) => {
      const run = await interruptedCertify(signal);
      expect(run.code, run.stdout + run.stderr).toBe(130);
      expect(run.stderr).toMatch(new RegExp(`certify: ${signal}: finishing the work under way`));
      expect(run.stdout).toMatch(/^INTERRUPTED: the checks not started are reported as skipped; reports in /m);
      const summary = JSON.parse(await readFile(join(run.out, 'summary.json'), 'utf8')) as {
        verdict: string;
        totals: { checks: number; skip: number };
      };
      expect(summary.verdict).not.toBe('pass');
      expect(summary.totals.skip).toBeGreaterThan(0);
      expect(await readFile(join(run.out, 'junit.xml'), 'utf8')).toMatch(/not run: the run was interrupted/);
      expect(await readFile(join(run.out, 'report.html'), 'utf8')).toMatch(/<html/i);
    },
    120_000,
  );
});
