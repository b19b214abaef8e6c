/**
 * Ctrl-C and SIGTERM during a long run: the first one stops new work (the signal the library's
 * runners watch) and lets what is running finish, so the command still writes what it gathered;
 * a second one ends the process at once. Exit code 130, as a shell reports an interrupted command.
 */
import type { CommandIo } from './console-io';

export interface Interruption {
  readonly signal: AbortSignal;
  /** Stops listening; call when the run is over. */
  dispose(): void;
}

export function listenForInterruption(io: CommandIo, what: string): Interruption {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    // The message first: what the runners say as they stop follows it.
    io.err(`${what}: ${name}: finishing the work under way and writing what was gathered (again to stop at once)`);
    controller.abort(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
