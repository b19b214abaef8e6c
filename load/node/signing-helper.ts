/**
 * The signing helper (Node): signs request bodies for k6 on 127.0.0.1, so a run's requests are
 * signed at run time without k6 signing them. k6's interpreter signs a secp256k1 body in about a
 * millisecond at best (lib/secp256k1-signer.ts); here libsecp256k1 signs in tens of microseconds,
 * and the round trip on loopback costs k6 about what any request costs it: `npm run bench` has
 * the flows per second either way. The pattern is the OTP bridge's (load/otp-bridge.ts): a free
 * port, its own random bearer token handed to k6 through the process environment (never argv),
 * `POST /sign` with the exact string to sign as the body (signing-server.ts).
 *
 * The server runs in a worker thread (signing-worker.ts) with its own event loop: on the load
 * command's thread its requests queued behind the embedded sandbox's, two a flow beside the
 * sandbox's three, while the OS can run a second thread on another core. The key and the token
 * reach the worker in memory (workerData), never through argv, the environment or a file; neither
 * is ever printed or written: the token goes to the run's redactor.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { HarnessError } from '../../lib/errors';
import type { PrivateKey } from '../../lib/keys';
import type { FromSigningWorker, SigningCounts, SigningWorkerData, ToSigningWorker } from './signing-server';

export { helperSecp256k1Signer, helperSignature, type SigningCounts } from './signing-server';

export interface SigningHelper {
  readonly url: string;
  /** The bearer token k6 must send; register it with the run's redactor. */
  readonly token: string;
  /** Bodies signed and requests refused so far (the worker's figures; the final ones once closed). */
  counts(): Promise<SigningCounts>;
  /** Stops the server and ends the worker thread. */
  close(): Promise<void>;
}

/** Beside the bundled CLI in dist/; beside the sources, the TypeScript entry through tsx (a devDependency). */
const BUILT_WORKER = join(import.meta.dirname, 'signing-worker.js');
const WORKER = existsSync(BUILT_WORKER) ? BUILT_WORKER : join(import.meta.dirname, 'signing-worker-tsx.mjs');

/** `token`: what k6 must send as `Bearer …` (load/otp-bridge.ts newBridgeToken makes one). */
export async function startSigningHelper(options: { key: PrivateKey; token: string }): Promise<SigningHelper> {
  const { key, token } = options;
  // A copy of the key's bytes: structured clone copies them into the worker, and the copy here goes with the Worker's options.
  const workerData: SigningWorkerData = { keyType: key.type, keyBytes: key.privateKey.slice(), token };
  // execArgv and env: nothing of the parent's (a tsx loader, a test runner's flags) is needed, and the worker reads no variable.
  const worker = new Worker(WORKER, { workerData, execArgv: [], env: {} });

  let final: SigningCounts | undefined;
  /** Answers awaited from the worker, in the order asked (it answers in order); the worker is ref'd while any is. */
  const waiting: ((message: FromSigningWorker | undefined) => void)[] = [];
  let exited = false;
  worker.once('exit', () => {
    exited = true;
    for (const settle of waiting.splice(0)) settle(undefined);
  });
  // An uncaught error ends the worker: before the start, it is why the start failed; after it, k6 sees
  // refused connections and says so, and the counts stay as last known.
  let failure: string | undefined;
  worker.on('error', (err) => (failure = err.message));
  worker.on('message', (message: FromSigningWorker) => {
    if (message.kind === 'closed') final = message.counts;
    waiting.shift()?.(message);
    if (waiting.length === 0) worker.unref();
  });
  const ask = (message: ToSigningWorker | undefined) =>
    new Promise<FromSigningWorker | undefined>((resolve) => {
      if (exited) return resolve(undefined);
      waiting.push(resolve);
      worker.ref();
      if (message !== undefined) worker.postMessage(message);
    });

  const started = await ask(undefined);
  if (started?.kind !== 'listening') {
    await worker.terminate();
    const why = started?.kind === 'failed' ? started.message : (failure ?? 'it ended before it listened');
    throw new HarnessError('INTERNAL', `the signing helper's worker did not start: ${why}`);
  }
  // A helper left open by a run that failed before k6 started must not keep the process alive.
  worker.unref();

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${started.port}`,
    token,
    counts: async () => {
      if (closing !== undefined) await closing;
      const answer = final === undefined ? await ask({ kind: 'counts' }) : undefined;
      return answer?.kind === 'counts' ? answer.counts : (final ?? { signed: 0, refused: 0 });
    },
    close: () =>
      (closing ??= (async () => {
        await ask({ kind: 'close' });
        await worker.terminate();
      })()),
  };
}
