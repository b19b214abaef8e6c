/**
 * One load run of the gate: runLoad (load/node/run-load.ts) with its progress lines kept in
 * DIR/load.log, judged from the run it returns. The bundle is the built one (dist/load); runLoad
 * rebuilds it only when a source is newer, and the gate runs one load at a time, so two runs never
 * bundle at once.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeLoadRun, runLoad } from '../load/node/run-load';
import type { Invariants, LoadOutcome } from './outcomes';
import type { LoadPlan } from './plan';

export async function runGateLoad(options: {
  plan: LoadPlan;
  defect: string | undefined;
  seed: number;
  out: string;
  /** Stops the run, what was gathered written (the worker's SIGINT or SIGTERM). */
  signal?: AbortSignal;
}): Promise<LoadOutcome> {
  const { plan, out } = options;
  const started = performance.now();
  await mkdir(out, { recursive: true });
  const log: string[] = [];
  const { vus, vouchers, fill } = plan.settings;
  try {
    const run = await runLoad({
      scenario: plan.scenario,
      out,
      vus,
      vouchers,
      seed: options.seed,
      ...(fill === undefined ? {} : { fill }),
      defects: options.defect === undefined ? [] : [options.defect],
      log: { out: (line) => log.push(line), err: (line) => log.push(line) },
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    log.push(...describeLoadRun(run));
    const invariants: Invariants =
      run.verdict.valid === false || run.overReservations.length > 0
        ? 'broken'
        : run.verdict.valid === true
          ? 'hold'
          : 'undetermined';
    const violations = run.verdict.violations.slice(0, 3).map((v) => `${v.invariant}: ${v.message}`);
    if (run.overReservations.length > 0)
      violations.push('no-over-reservation: the sandbox ledger replay found reservations above the balance');
    return {
      scenario: plan.scenario,
      exitCode: run.pass ? 0 : 1,
      invariants,
      violations,
      out,
      durationMs: performance.now() - started,
    };
  } finally {
    // The run's own lines (k6's already redacted by it); kept for a person to look at.
    await writeFile(join(out, 'load.log'), `${log.join('\n')}\n`);
  }
}
