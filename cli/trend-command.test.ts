/**
 * The trend end to end: two short steady-flow runs against one loopback sandbox, recorded with
 * `history record`, the second with every claim slowed by the sandbox's delay fault. `trend` must
 * name the p95 regression on initiate-claim and exit 1; after the first run alone it has nothing
 * to compare and exits 0. Fails (never skips) without k6: npm run k6:install.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCommand } from './load-command';
import { createConsoleIo } from './console-io';
import { runCli } from './program';
import { createSandboxAdminClient } from '../lib/node/sandbox-admin-client';
import { startSandbox, type RunningSandbox } from '../sandbox';
import { writeSandboxTargetFile, type SandboxTargetFile } from '../sandbox/testing-target';
import { childrenNamed, parseXml } from '../reports/test-support/xml-parser';
import { readHistory } from '../history/store';

const DELAY_MS = 250;

let dir: string;
let sandbox: RunningSandbox;
let target: string;
let targetFile: SandboxTargetFile | undefined;

async function cli(...argv: string[]) {
  const lines: string[] = [];
  const code = await runCli(argv, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return { code, output: lines.join('\n') };
}

async function recordedRun(name: string, store: string) {
  const out = join(dir, name);
  const lines: string[] = [];
  const code = await loadCommand(
    { scenario: 'steady-flow', profile: 'smoke', duration: '3s', vouchers: '2', seed: '5', target, out },
    createConsoleIo({ out: (l) => lines.push(l), err: (l) => lines.push(l) }),
  );
  expect(code, lines.join('\n')).toBe(0);
  const recorded = await cli('history', 'record', '--from', out, '--store', store, '--target', target);
  expect(recorded.code, recorded.output).toBe(0);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omnivas-trend-'));
  sandbox = await startSandbox({ seed: 5 });
  targetFile = await writeSandboxTargetFile(sandbox, { dir, name: 'nightly sandbox', prefix: 'OMNIVAS_TREND_TEST' });
  target = targetFile.path;
});

afterAll(async () => {
  targetFile?.clearEnv();
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('trend over two recorded load runs', () => {
  it('flags the p95 regression of a sandbox slowed by a delay fault, and exits 1', async () => {
    const store = join(dir, 'store');
    await recordedRun('fast', store);
    const alone = await cli('trend', '--store', store, '--out', join(dir, 'trend-1'));
    expect(alone.output).toContain(
      'load steady-flow on nightly sandbox (smoke): 1 run(s) in the window, no regression',
    );
    expect(alone.code, alone.output).toBe(0);

    await createSandboxAdminClient(sandbox).addFault({
      endpoint: 'initiate-claim',
      kind: 'delay',
      delayMs: DELAY_MS,
      count: 1000,
    });
    await recordedRun('slow', store);
    const runs = await readHistory(store, { scenario: 'steady-flow', target: 'nightly sandbox' });
    expect(runs.map((r) => r.target)).toEqual([
      { name: 'nightly sandbox', baseUrl: sandbox.url },
      { name: 'nightly sandbox', baseUrl: sandbox.url },
    ]);
    // The delay is in the second record itself, not only in the trend's judgement of it.
    expect(runs[1]!.load!.endpoints['initiate-claim']!.p50).toBeGreaterThanOrEqual(DELAY_MS);
    expect(runs[0]!.load!.endpoints['initiate-claim']!.p95).toBeLessThan(DELAY_MS);

    const out = join(dir, 'trend-2');
    const trend = await cli('trend', '--store', store, '--scenario', 'steady-flow', '--out', out);
    expect(trend.output).toMatch(
      /REGRESSION: p95 initiate-claim: p95 \d+\.\d ms against \d+\.\d ms: above 1\.2× and 5 ms more/,
    );
    expect(trend.output).toContain('trend: FAIL');
    expect(trend.code, trend.output).toBe(1);

    const junit = parseXml(await readFile(join(out, 'junit.xml'), 'utf8'));
    const cases = childrenNamed(junit, 'testsuite').flatMap((s) => childrenNamed(s, 'testcase'));
    const failed = cases.filter((c) => childrenNamed(c, 'failure').length > 0).map((c) => c.attributes['name']);
    expect(failed).toContain('p95:initiate-claim');
    expect(junit.attributes['failures']).toBe(String(failed.length));
    const html = await readFile(join(out, 'trend.html'), 'utf8');
    expect(html).toContain('data-metric="p95:initiate-claim" data-regression="true"');

    // A threshold above the slowdown lets the same history pass: the thresholds are the judge.
    const lenient = await cli('trend', '--store', store, '--p95-regression', '100', '--out', join(dir, 'trend-3'));
    expect(lenient.output).not.toContain('REGRESSION: p95');
  });
});
