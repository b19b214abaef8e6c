/**
 * Signs and verifies per second inside k6's JavaScript VM, with lib/ (noble) as the scenarios sign:
 * the figure that says whether signing on the fly limits a scenario's request rate. Runs the bundle
 * `npm run build` wrote (npm run bench builds first).
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { HarnessError, type KeyType } from '../lib';
import { runSigningSpeed } from '../load/node/run-signing-speed';
import { opsPerSecondOf } from '../load/signing-speed-report';

export interface K6SigningBenchRow {
  algorithm: KeyType;
  operation: 'sign' | 'verify';
  k6OpsPerSec: number;
}

/** bench/ and dist/ both sit one level under the root, so this holds in dist/bench.js too. */
const BUNDLE = resolve(import.meta.dirname, '..', 'dist', 'load', 'signing-speed.js');

export async function benchK6Signing(): Promise<K6SigningBenchRow[]> {
  await access(BUNDLE).catch((err: unknown) => {
    throw new HarnessError('K6_FAILED', `${BUNDLE} is missing; run npm run build`, { cause: err });
  });
  const report = await runSigningSpeed(BUNDLE);
  return report.timings.map((t) => ({
    algorithm: t.algorithm,
    operation: t.operation,
    k6OpsPerSec: Math.round(opsPerSecondOf(t)),
  }));
}
