/**
 * A gate worker's one way to message the pool. The pool may have let go of the worker already (the
 * run ended or was interrupted while the worker was still starting): the message is then dropped.
 * Without the callback, Node would raise ERR_IPC_CHANNEL_CLOSED as an unhandled error, and its stack
 * trace would reach the user through the worker's stderr.
 */
export function tellPool(message: unknown): void {
  if (!process.connected || process.send === undefined) return;
  process.send(message, undefined, undefined, () => {
    // Failed or not, there is no one left to tell.
  });
}
