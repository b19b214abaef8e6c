/**
 * A gate worker: a child process forked by pool.ts. It says when it is ready, runs each task it is
 * sent (one at a time: the pool sends the next only after the outcome) and sends the outcome back;
 * it ends when the pool lets go of it. SIGINT or SIGTERM (the pool stopping it, or a Ctrl-C reaching
 * the whole process group) stops the task under way as the commands do: k6 stopped, what was
 * gathered written, and the outcome says it was interrupted. Further signals change nothing: the
 * pool kills a worker that does not end in time.
 */
import type { GateTask } from './plan';
import { runTask } from './run-task';
import { tellPool } from './tell-pool';

export interface TaskMessage {
  readonly index: number;
  readonly task: GateTask;
}

const interruption = new AbortController();
const interrupt = (signal: NodeJS.Signals) => interruption.abort(signal);
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

process.on('message', (message: TaskMessage) => {
  void runTask(message.task, interruption.signal).then((outcome) => tellPool({ index: message.index, outcome }));
});
// Keep-alive sockets of the HTTP clients must not hold a finished worker open.
process.on('disconnect', () => process.exit(0));
// A message sent before the listener above exists would be lost: the pool waits for this.
tellPool({ ready: true });
