/** Wall time of a full certify against the embedded sandbox: the built CLI in a child process, as a user runs it. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = resolve(import.meta.dirname, '..', 'dist', 'cli.js');

export interface CertifyBenchResult {
  wallSeconds: number;
  checks: number;
  passed: number;
}

export async function benchCertify(): Promise<CertifyBenchResult> {
  const out = await mkdtemp(join(tmpdir(), 'omnivas-certify-bench-'));
  try {
    const started = performance.now();
    await run(process.execPath, [CLI, 'certify', '--out', out], { maxBuffer: 64 * 1024 * 1024 });
    const wallSeconds = (performance.now() - started) / 1000;
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as {
      totals: { checks: number; pass: number };
    };
    return { wallSeconds: Number(wallSeconds.toFixed(1)), checks: summary.totals.checks, passed: summary.totals.pass };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
