/**
 * Runs the gate's tasks in `jobs` child processes: the built worker (dist/mutants-worker.js) when the
 * gate runs from dist/, as an installed package does; mutants/worker.ts through tsx when it runs from
 * the sources (the tests). Processes rather than one event loop, because the
 * checks are CPU-bound (signing, and the sandbox verifying) and a single Node thread would run them
 * one after another whatever the parallelism. At most one load run at a time: k6 and its sandbox
 * then have a core to burst on, and a stale k6 bundle is never rebuilt by two runs at once.
 * Every task is bounded: past its limit the worker is stopped and the task ends as an error.
 * When the caller's signal fires (the command's Ctrl-C or SIGTERM), no task starts any more (those
 * pending end as not run), the busy workers are sent SIGTERM and finish their task as interrupted,
 * and any that has not ended after the grace period is killed.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../lib/node/package-root';
import type { GateTask } from './plan';
import type { TaskOutcome } from './run-task';
import type { TaskMessage } from './worker';

/** The package root: mutants/ in source, dist/ when built; both one level down. */
const ROOT = packageRoot(import.meta.dirname);
/** Beside the bundled CLI in dist/; absent beside the sources, where the TypeScript worker serves. */
const BUILT_WORKER = join(import.meta.dirname, 'mutants-worker.js');
const WORKER = existsSync(BUILT_WORKER) ? BUILT_WORKER : join(import.meta.dirname, 'worker.ts');

/** Far above what a run takes (a check run about 10 s, a load run about 20 s), only to end a hang. */
export const TASK_LIMIT_MS: Readonly<Record<GateTask['kind'], number>> = { checks: 5 * 60_000, load: 10 * 60_000 };
/** How long a stopped worker gets to stop k6 cleanly before it is killed. */
const STOP_GRACE_MS = 15_000;

interface Running {
  readonly index: number;
  readonly timer: NodeJS.Timeout;
}

interface Worker {
  readonly child: ChildProcess;
  ready: boolean;
  running: Running | undefined;
}

export interface PoolOptions {
  readonly jobs: number;
  readonly onDone?: (task: GateTask, outcome: TaskOutcome) => void;
  /** Each line a worker prints (stdout or stderr); without it they print to this process's streams. */
  readonly onOutput?: (line: string) => void;
  /** Stops the gate: see above. */
  readonly signal?: AbortSignal;
  /** The worker module (tests give a stand-in) and the limits per task kind. */
  readonly worker?: string;
  readonly limitsMs?: Readonly<Record<GateTask['kind'], number>>;
}

export async function runGateTasks(tasks: readonly GateTask[], options: PoolOptions): Promise<TaskOutcome[]> {
  const { worker: workerModule = WORKER, limitsMs = TASK_LIMIT_MS } = options;
  // TypeScript workers (the sources, the tests' stand-ins) load through tsx, a devDependency.
  const execArgv = workerModule.endsWith('.ts')
    ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]
    : [];
  const outcomes: (TaskOutcome | undefined)[] = tasks.map(() => undefined);
  const pending = tasks.map((_, index) => index);
  const workers = new Set<Worker>();
  let onAbort: (() => void) | undefined;

  return new Promise<TaskOutcome[]>((done) => {
    const loadRunning = () =>
      [...workers].some((w) => w.running !== undefined && tasks[w.running.index]!.kind === 'load');

    const finish = (worker: Worker, outcome: TaskOutcome) => {
      const { running } = worker;
      if (running === undefined) return;
      clearTimeout(running.timer);
      worker.running = undefined;
      outcomes[running.index] = outcome;
      options.onDone?.(tasks[running.index]!, outcome);
    };

    const retire = (worker: Worker) => {
      workers.delete(worker);
      if (worker.child.connected) worker.child.disconnect();
    };

    const spawnWorker = (): Worker => {
      const { onOutput } = options;
      const child = fork(workerModule, [], {
        cwd: ROOT,
        execArgv,
        stdio: ['ignore', onOutput ? 'pipe' : 'inherit', onOutput ? 'pipe' : 'inherit', 'ipc'],
      });
      if (onOutput !== undefined)
        for (const stream of [child.stdout, child.stderr])
          if (stream !== null) createInterface({ input: stream }).on('line', onOutput);
      const worker: Worker = { child, ready: false, running: undefined };
      child.on('message', (message: { ready: true } | { index: number; outcome: TaskOutcome }) => {
        if ('ready' in message) worker.ready = true;
        else if (worker.running?.index === message.index) finish(worker, message.outcome);
        dispatch();
      });
      // A crash ends the task it was running and a fresh worker takes the rest; a worker that cannot
      // even start (sources or tsx missing) ends every pending task, rather than being started again and again.
      const lost = (why: string) => {
        if (!workers.has(worker)) return;
        finish(worker, { error: `the worker ${why}` });
        if (!worker.ready)
          for (const index of pending.splice(0)) outcomes[index] = { error: `no worker could start: it ${why}` };
        workers.delete(worker);
        dispatch();
      };
      child.on('exit', (code, signal) => lost(`exited (${signal ?? `code ${code}`}) before finishing`));
      child.on('error', (err) => lost(`failed: ${err.message}`));
      workers.add(worker);
      return worker;
    };

    /** SIGTERM first: a load run then stops k6 itself; SIGKILL if the worker does not end. */
    const terminate = (worker: Worker, onKill?: () => void) => {
      worker.child.kill('SIGTERM');
      setTimeout(() => {
        if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
        worker.child.kill('SIGKILL');
        onKill?.();
      }, STOP_GRACE_MS).unref();
    };

    const stop = (worker: Worker, limitMs: number) => {
      finish(worker, { error: `did not finish within ${limitMs / 1000} s; stopped` });
      workers.delete(worker);
      terminate(worker);
      dispatch();
    };

    const interrupt = () => {
      for (const index of pending.splice(0)) outcomes[index] = { error: 'not run: the gate was interrupted' };
      for (const worker of workers) {
        if (worker.running === undefined) continue;
        // Its outcome (interrupted, what was gathered written) arrives as usual; past the grace it is killed.
        terminate(worker, () => {
          finish(worker, { error: `interrupted, and did not end within ${STOP_GRACE_MS / 1000} s; killed` });
          workers.delete(worker);
          dispatch();
        });
      }
      dispatch();
    };

    const start = (worker: Worker, index: number) => {
      const task = tasks[index]!;
      const limitMs = limitsMs[task.kind];
      worker.running = { index, timer: setTimeout(() => stop(worker, limitMs), limitMs) };
      const message: TaskMessage = { index, task };
      worker.child.send(message);
    };

    /** Hands pending tasks to idle workers (starting workers up to `jobs`, no more than can start now); resolves when all are done. */
    function dispatch(): void {
      const startable =
        pending.filter((i) => tasks[i]!.kind !== 'load').length +
        (!loadRunning() && pending.some((i) => tasks[i]!.kind === 'load') ? 1 : 0);
      while (workers.size < Math.min(options.jobs, [...workers].filter((w) => w.running).length + startable))
        spawnWorker();
      for (const worker of workers) {
        if (!worker.ready || worker.running !== undefined) continue;
        const at = pending.findIndex((i) => tasks[i]!.kind !== 'load' || !loadRunning());
        if (at === -1) continue;
        start(worker, pending.splice(at, 1)[0]!);
      }
      const busy = [...workers].filter((w) => w.running !== undefined);
      if (pending.length === 0) for (const worker of workers) if (worker.running === undefined) retire(worker);
      if (pending.length === 0 && busy.length === 0) done(outcomes.map((o) => o ?? { error: 'not run' }));
    }

    if (options.signal?.aborted) interrupt();
    else {
      onAbort = interrupt;
      options.signal?.addEventListener('abort', interrupt, { once: true });
      dispatch();
    }
  }).finally(() => {
    if (onAbort !== undefined) options.signal?.removeEventListener('abort', onAbort);
  });
}
