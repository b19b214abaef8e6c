/**
 * The signing helper's worker thread (started by signing-helper.ts; built to dist/signing-worker.js):
 * the server of signing-server.ts on this thread's own event loop, so its requests do not queue
 * behind the embedded sandbox's on the load command's thread, and the OS can run both at once.
 * The key and the token come in workerData; the helper asks for the counts and for the close by
 * message, and ends the thread once the server is closed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { HarnessError } from '../../lib/errors';
import { privateKeyFromBytes } from '../../lib/keys';
import { serveSigning, type FromSigningWorker, type SigningWorkerData, type ToSigningWorker } from './signing-server';

if (parentPort === null)
  throw new HarnessError('INTERNAL', 'signing-worker runs as a worker thread of the signing helper, not on its own');
const port = parentPort;
const tell = (message: FromSigningWorker) => port.postMessage(message);
const data = workerData as SigningWorkerData;

try {
  const server = await serveSigning({ key: privateKeyFromBytes(data.keyType, data.keyBytes), token: data.token });
  port.on('message', (message: ToSigningWorker) => {
    if (message.kind === 'counts') return tell({ kind: 'counts', counts: { ...server.counts } });
    // The helper ends the thread once told: connections closed, counts final.
    void server.close().then(() => tell({ kind: 'closed', counts: { ...server.counts } }));
  });
  tell({ kind: 'listening', port: server.port });
} catch (err) {
  // A refusal to listen or a key check: neither names the key or the token.
  tell({ kind: 'failed', message: err instanceof Error ? err.message : 'the signing worker could not start' });
}
