/** What a gate worker does with one task: run it, and turn what it throws into a reason. */
import { isHarnessError } from '../lib/errors';
import { runCertify } from '../suites/certify';
import { runGateLoad } from './load-run';
import { summarizeChecks } from './outcomes';
import type { ChecksOutcome, LoadOutcome, Ran } from './outcomes';
import type { GateTask } from './plan';

export type TaskOutcome = Ran<ChecksOutcome> | Ran<LoadOutcome>;

/** A run the signal stopped is no verdict on its defect: it says so, and where a load run's files are. */
function interrupted(task: GateTask): TaskOutcome {
  return { error: `interrupted${task.kind === 'load' ? `; what was gathered is in ${task.out}` : ''}` };
}

export async function runTask(task: GateTask, signal?: AbortSignal): Promise<TaskOutcome> {
  const defects = task.defect === undefined ? [] : [task.defect];
  const stop = signal === undefined ? {} : { signal };
  try {
    if (task.kind === 'load') {
      const outcome = await runGateLoad({
        plan: task.plan,
        defect: task.defect,
        seed: task.seed,
        out: task.out,
        ...stop,
      });
      return signal?.aborted ? interrupted(task) : outcome;
    }
    const started = performance.now();
    // certify's own run against a fresh embedded sandbox, never one reused with its defects switched:
    // a run moves the clock, keeps idempotency keys and queues faults, and the same seed draws the
    // same keys again. Messages leave the worker only through the run's redactor.
    const run = await runCertify({ defects, seed: task.seed, ...stop });
    if (run.interrupted) return interrupted(task);
    return summarizeChecks(run.report.results, (text) => run.redactor.redactText(text), performance.now() - started);
  } catch (err) {
    return {
      error: isHarnessError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err),
    };
  }
}
