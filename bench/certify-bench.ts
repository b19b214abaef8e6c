/**
 * Certify's wall time: the built CLI against the embedded sandbox, as a user runs it; and the
 * library against the same sandbox seen through a proxy that answers every request 300 ms and
 * 700 ms late (admin calls too), as a remote test environment would: a full certify of the slower
 * one must finish within 10 minutes with no false failure (the row counts what did not pass).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { resolveTarget } from '../lib/node/target-file';
import { defaultSandboxTarget } from '../lib/target-config';
import { delayEvery, startMutatingProxy } from '../sandbox/mutating-proxy';
import { certifyTarget } from '../suites/certify';
import { startEmbeddedSandbox } from '../suites/embedded-sandbox';

const run = promisify(execFile);
const CLI = resolve(import.meta.dirname, '..', 'dist', 'cli.js');

export interface CertifyBenchRow {
  target: string;
  wallSeconds: number;
  checks: number;
  passed: number;
}

async function certifyCli(): Promise<CertifyBenchRow> {
  const out = await mkdtemp(join(tmpdir(), 'omnivas-certify-bench-'));
  try {
    const started = performance.now();
    await run(process.execPath, [CLI, 'certify', '--out', out], { maxBuffer: 64 * 1024 * 1024 });
    const wallSeconds = (performance.now() - started) / 1000;
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as {
      totals: { checks: number; pass: number };
    };
    return {
      target: 'embedded sandbox (CLI)',
      wallSeconds: Number(wallSeconds.toFixed(1)),
      checks: summary.totals.checks,
      passed: summary.totals.pass,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** certify through a proxy adding `delayMs` to every answer. */
export async function certifyDelayed(delayMs: number, seed = 1): Promise<CertifyBenchRow> {
  const embedded = await startEmbeddedSandbox({ seed, serviceFee: 1_000_000n });
  const proxy = await startMutatingProxy(new URL(embedded.urls.url).origin, delayEvery(delayMs));
  const via = (url: string) => `${proxy.url}${new URL(url).pathname}`;
  try {
    const target = await resolveTarget(
      defaultSandboxTarget({ url: via(embedded.urls.url), adminUrl: via(embedded.urls.adminUrl) }),
      { env: embedded.secretsEnv, baseDir: process.cwd(), origin: 'the delayed sandbox' },
    );
    target.redactor.add(embedded.access.adminToken, 'admin-token');
    const sandbox = { ...embedded.access, adminUrl: via(embedded.access.adminUrl) };
    const started = performance.now();
    const certified = await certifyTarget({ target, sandbox, close: async () => {} }, { seed });
    const t = certified.summary.totals;
    return {
      target: `sandbox ${delayMs} ms late (library)`,
      wallSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      checks: t.checks,
      passed: t.pass,
    };
  } finally {
    await proxy.close();
    await embedded.close();
  }
}

export async function benchCertify(): Promise<CertifyBenchRow[]> {
  return [await certifyCli(), await certifyDelayed(300), await certifyDelayed(700)];
}
