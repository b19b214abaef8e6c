/**
 * For the scenario tests (load/k6/*.test.ts): runLoad into a temporary out dir, removed after the
 * test file, with what a person would read kept beside the run: the progress lines (k6's own,
 * already redacted, among them) and describeLoadRun's closing lines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeLoadRun, runLoad } from './run-load';
import type { LoadRun, LoadSpec } from './run-load';

/**
 * A bound for a test of one or a few k6 runs: a run takes 10 to 40 s on a quiet 2-core machine and
 * several times that on a loaded one (vitest's 60 s default is too short there); k6's own
 * maxDuration bounds each run anyway.
 */
export const LOAD_TEST_TIMEOUT_MS = 300_000;

export interface TestedLoadRun {
  readonly run: LoadRun;
  /** Progress lines to stdout, then describeLoadRun's, joined: for regexes and as the failure message. */
  readonly out: string;
  /** Progress lines to stderr (k6's own output among them), joined. */
  readonly err: string;
}

/** A runner for one test file: each call runs into its own temporary dir, all removed after the file. */
export function loadRunsIn(prefix: string): (spec: Omit<LoadSpec, 'out' | 'log' | 'dryRun'>) => Promise<TestedLoadRun> {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async (spec) => {
    const dir = await mkdtemp(join(tmpdir(), `omnivas-${prefix}-`));
    dirs.push(dir);
    const out: string[] = [];
    const err: string[] = [];
    const run = await runLoad({
      ...spec,
      dryRun: false,
      out: dir,
      log: { out: (l) => out.push(l), err: (l) => err.push(l) },
    });
    return { run, out: [...out, ...describeLoadRun(run)].join('\n'), err: err.join('\n') };
  };
}
