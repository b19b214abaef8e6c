/**
 * `mutants`: the mutation gate. Certify's checks against the sandbox with each seeded defect
 * switched on alone, plus the load scenario for the concurrency and idempotency defects, then both
 * against the correct sandbox (mutants/plan.ts). Writes DIR/mutants.json and prints the table.
 * Exit 0 only when every defect is killed and the correct sandbox passes everything; 1 otherwise.
 */
import { writeFile } from 'node:fs/promises';
import { prepareOutDir } from '../lib/node/out-dir';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { judgeGate } from '../mutants/gate';
import type { SubjectRuns } from '../mutants/gate';
import { isRunError } from '../mutants/outcomes';
import type { ChecksOutcome, LoadOutcome, Ran } from '../mutants/outcomes';
import { planTasks, selectDefects } from '../mutants/plan';
import { runGateTasks } from '../mutants/pool';
import type { TaskOutcome } from '../mutants/run-task';
import { formatSeconds, gateLines } from '../mutants/table';
import { findK6 } from '../scripts/k6-bin';
import { seedOption, wholeNumber } from './options';
import type { CommandIo } from './run-command';
import { EXIT } from './run-command';
import { HARNESS_VERSION } from './version';

export interface MutantsOptions {
  out: string;
  only?: string[];
  jobs?: string;
  seed?: string;
}

function progress(outcome: TaskOutcome): string {
  if (isRunError(outcome)) return `did not finish: ${outcome.error}`;
  if ('scenario' in outcome)
    return `${outcome.exitCode === 0 ? 'passed' : 'failed'}, invariants ${outcome.invariants} (${formatSeconds(outcome.durationMs)})`;
  return `${outcome.blocking.length === 0 ? 'no required check failed' : `${outcome.blocking.length} required check(s) failed`}, ${outcome.passed}/${outcome.checks} passed (${formatSeconds(outcome.durationMs)})`;
}

export async function mutantsCommand(options: MutantsOptions, io: CommandIo): Promise<number> {
  const cpus = availableParallelism();
  const jobs = wholeNumber(options.jobs, '--jobs', 1, cpus) ?? cpus;
  const seed = seedOption(options.seed);
  const defects = selectDefects(options.only);
  await findK6(); // the load runs need it: a missing k6 says to run npm run k6:install before anything starts
  const dir = await prepareOutDir(options.out);

  const startedAt = new Date();
  const tasks = planTasks(defects, seed, (subject, scenario) => join(dir, 'load', `${subject}.${scenario}`));
  io.out(
    `mutants: ${defects.length} defect(s) and the correct sandbox; ${tasks.length} runs in ${jobs} worker(s); seed ${seed}`,
  );
  let finished = 0;
  const outcomes = await runGateTasks(tasks, {
    jobs,
    onDone: (task, outcome) =>
      io.out(
        `  [${++finished}/${tasks.length}] ${task.kind} ${task.defect ?? 'correct sandbox'}${task.kind === 'load' ? ` (${task.plan.scenario})` : ''}: ${progress(outcome)}`,
      ),
  });

  const runsOf = (subject: string | undefined): SubjectRuns => {
    const mine = tasks
      .map((task, i) => ({ task, outcome: outcomes[i]! }))
      .filter(({ task }) => task.defect === subject);
    const checks = mine.find(({ task }) => task.kind === 'checks')?.outcome as Ran<ChecksOutcome> | undefined;
    const loads = mine.filter(({ task }) => task.kind === 'load').map(({ outcome }) => outcome as Ran<LoadOutcome>);
    return checks === undefined ? { loads } : { checks, loads };
  };
  const verdict = judgeGate(defects, runsOf);
  const finishedAt = new Date();
  const wallMs = finishedAt.getTime() - startedAt.getTime();

  const record = {
    harnessVersion: HARNESS_VERSION,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    wallSeconds: Math.round(wallMs / 100) / 10,
    seed,
    jobs,
    verdict: verdict.pass ? 'pass' : 'fail',
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
  const file = join(dir, 'mutants.json');
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);

  for (const line of gateLines(verdict)) io.out(line);
  io.out(`wall time ${formatSeconds(wallMs)} with ${jobs} worker(s); ${file}`);
  return verdict.pass ? EXIT.ok : EXIT.verdictFailed;
}
