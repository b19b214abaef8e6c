/**
 * `mutants`: parses options, calls runGate (mutants/run-gate.ts), writes DIR/mutants.json and
 * prints the table. Exit 0 only when every defect is killed and the correct sandbox passes
 * everything; 1 otherwise.
 */
import { writeFile } from 'node:fs/promises';
import { prepareOutDir } from '../lib/node/out-dir';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isRunError } from '../mutants/outcomes';
import { runGate } from '../mutants/run-gate';
import type { TaskOutcome } from '../mutants/run-task';
import { formatSeconds, gateLines } from '../mutants/table';
import { listenForInterruption } from './interruption';
import { seedOption, wholeNumber } from './options';
import type { CommandIo } from './console-io';
import { EXIT } from './run-command';
import { HARNESS_VERSION } from '../version';

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
  const jobs = wholeNumber(options.jobs, '--jobs', 1, availableParallelism());
  const seed = seedOption(options.seed);
  const dir = await prepareOutDir(options.out);
  // Ctrl-C or SIGTERM: no run starts any more, those under way stop with what they gathered, exit 130.
  const interruption = listenForInterruption(io, 'mutants');
  const run = await runGate({
    signal: interruption.signal,
    out: dir,
    seed,
    harnessVersion: HARNESS_VERSION,
    ...(options.only === undefined ? {} : { only: options.only }),
    ...(jobs === undefined ? {} : { jobs }),
    onStart: (tasks, workers) =>
      io.out(
        `mutants: ${new Set(tasks.map((t) => t.defect)).size - 1} defect(s) and the correct sandbox; ${tasks.length} runs in ${workers} worker(s); seed ${seed}`,
      ),
    // Through this command's console, which redacts every line, rather than straight to the terminal.
    onWorkerLine: (line) => io.err(`mutants: worker: ${line}`),
    onDone: (task, outcome, done, total) =>
      io.out(
        `  [${done}/${total}] ${task.kind} ${task.defect ?? 'correct sandbox'}${task.kind === 'load' ? ` (${task.plan.scenario})` : ''}: ${progress(outcome)}`,
      ),
  }).finally(() => interruption.dispose());
  const file = join(dir, 'mutants.json');
  await writeFile(file, `${JSON.stringify(run.record, null, 2)}\n`);
  for (const line of gateLines(run.verdict)) io.out(line);
  io.out(`wall time ${formatSeconds(run.wallMs)} with ${run.jobs} worker(s); ${file}`);
  if (run.interrupted) {
    io.out(`INTERRUPTED: the runs not started are recorded as not run; what was gathered is in ${dir}`);
    return EXIT.interrupted;
  }
  return run.verdict.pass ? EXIT.ok : EXIT.verdictFailed;
}
