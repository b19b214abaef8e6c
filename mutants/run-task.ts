/** What a gate worker does with one task: run it, and turn what it throws into a reason. */
import { isHarnessError } from '../lib/errors';
import { runCertify } from '../suites/certify';
import { runGateLoad } from './load-run';
import { summarizeChecks } from './outcomes';
import type { ChecksOutcome, LoadOutcome, Ran } from './outcomes';
import type { GateTask } from './plan';

export type TaskOutcome = Ran<ChecksOutcome> | Ran<LoadOutcome>;

export async function runTask(task: GateTask): Promise<TaskOutcome> {
  const defects = task.defect === undefined ? [] : [task.defect];
  try {
    if (task.kind === 'load')
      return await runGateLoad({ plan: task.plan, defect: task.defect, seed: task.seed, out: task.out });
    const started = performance.now();
    // certify's own run against a fresh embedded sandbox, never one reused with its defects switched:
    // a run moves the clock, keeps idempotency keys and queues faults, and the same seed draws the
    // same keys again. Messages leave the worker only through the run's redactor.
    const run = await runCertify({ defects, seed: task.seed });
    return summarizeChecks(run.report.results, (text) => run.redactor.redactText(text), performance.now() - started);
  } catch (err) {
    return {
      error: isHarnessError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err),
    };
  }
}
