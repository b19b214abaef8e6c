/**
 * `runGate`: the mutation gate as a library call. Certify's checks against the sandbox with each
 * seeded defect switched on alone, plus the load scenario for the concurrency and idempotency
 * defects, then both against the correct sandbox (plan.ts), in worker processes (pool.ts); returns
 * the verdict and the record mutants.json is written from.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { findK6 } from '../load/node/k6-bin';
import { judgeGate } from './gate';
import type { GateVerdict, SubjectRuns } from './gate';
import type { ChecksOutcome, LoadOutcome, Ran } from './outcomes';
import { planTasks, selectDefects } from './plan';
import type { GateTask } from './plan';
import { runGateTasks } from './pool';
import type { TaskOutcome } from './run-task';

export interface GateOptions {
  /** Where the load runs write their reports (OUT/load/…). */
  readonly out: string;
  /** Only these seeded defects; all by default. The correct sandbox always runs. */
  readonly only?: readonly string[];
  /** Worker processes; the CPU count by default. */
  readonly jobs?: number;
  readonly seed: number;
  readonly harnessVersion?: string;
  /** Before the runs start: how many and in how many workers. */
  readonly onStart?: (tasks: readonly GateTask[], jobs: number) => void;
  readonly onDone?: (task: GateTask, outcome: TaskOutcome, done: number, total: number) => void;
  /** What the workers print, line by line (a console that redacts); their own streams otherwise. */
  readonly onWorkerLine?: (line: string) => void;
  /**
   * Stops the gate (the command's Ctrl-C or SIGTERM): no run starts any more, those under way stop
   * with what they gathered written; the gate then fails, and its record says it was interrupted.
   */
  readonly signal?: AbortSignal;
}

export interface GateRun {
  readonly verdict: GateVerdict;
  readonly wallMs: number;
  readonly jobs: number;
  /** The signal stopped the gate before every run had finished. */
  readonly interrupted: boolean;
  /** What mutants.json holds. */
  readonly record: Readonly<Record<string, unknown>>;
}

export async function runGate(options: GateOptions): Promise<GateRun> {
  const jobs = options.jobs ?? availableParallelism();
  const defects = selectDefects(options.only === undefined ? undefined : [...options.only]);
  await findK6(); // the load runs need it: a missing k6 says how to get it before anything starts
  const dir = resolve(options.out);
  const startedAt = new Date();
  const tasks = planTasks(defects, options.seed, (subject, scenario) => join(dir, 'load', `${subject}.${scenario}`));
  options.onStart?.(tasks, jobs);
  let finished = 0;
  const outcomes = await runGateTasks(tasks, {
    jobs,
    onDone: (task, outcome) => options.onDone?.(task, outcome, ++finished, tasks.length),
    ...(options.onWorkerLine === undefined ? {} : { onOutput: options.onWorkerLine }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const runsOf = (subject: string | undefined): SubjectRuns => {
    const mine = tasks
      .map((task, i) => ({ task, outcome: outcomes[i]! }))
      .filter(({ task }) => task.defect === subject);
    const checks = mine.find(({ task }) => task.kind === 'checks')?.outcome as Ran<ChecksOutcome> | undefined;
    const loads = mine.filter(({ task }) => task.kind === 'load').map(({ outcome }) => outcome as Ran<LoadOutcome>);
    return checks === undefined ? { loads } : { checks, loads };
  };
  const interrupted = options.signal?.aborted === true;
  const judged = judgeGate(defects, runsOf);
  // An interrupted gate is no verdict, whatever the runs that finished say.
  const verdict = interrupted ? { ...judged, pass: false } : judged;
  const finishedAt = new Date();
  const wallMs = finishedAt.getTime() - startedAt.getTime();
  const record = {
    harnessVersion: options.harnessVersion ?? 'unknown',
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    wallSeconds: Math.round(wallMs / 100) / 10,
    seed: options.seed,
    jobs,
    verdict: verdict.pass ? 'pass' : 'fail',
    ...(interrupted ? { interrupted: true } : {}),
    defects: verdict.defects.map(({ defect, status, killedByChecks, killedByLoad, errors, runs }) => ({
      ...defect,
      status,
      killedByChecks,
      killedByLoad,
      errors,
      runs,
    })),
    correct: verdict.correct,
  };
  return { verdict, wallMs, jobs, interrupted, record };
}
