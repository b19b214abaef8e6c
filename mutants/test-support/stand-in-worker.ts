/**
 * A stand-in for mutants/worker.ts in the pool's tests: it follows the same protocol, and its
 * tasks say what to do by their defect name — 'crash' exits, 'hang' never answers, anything else
 * answers after a moment with when it started and ended (as a RunError's text, which the pool
 * passes on untouched).
 */
import { tellPool } from '../tell-pool';
import type { TaskMessage } from '../worker';

process.on('message', ({ index, task }: TaskMessage) => {
  if (task.defect === 'crash') process.exit(3);
  if (task.defect === 'hang') return;
  const start = Date.now();
  setTimeout(
    () =>
      tellPool({
        index,
        outcome: { error: JSON.stringify({ kind: task.kind, defect: task.defect, start, end: Date.now() }) },
      }),
    100,
  );
});
process.on('disconnect', () => process.exit(0));
tellPool({ ready: true });
