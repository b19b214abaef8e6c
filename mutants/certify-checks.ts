/**
 * Certify's checks, run the way certify runs them on its embedded sandbox, but outside vitest:
 * every registered check (suites/registry.ts, the list the suite files are made of), area by area,
 * each area with its own context and random stream of the seed, one sandbox for the whole run,
 * each check through runCheck. certify adds vitest around exactly this; starting vitest for each of
 * the gate's 36 runs would cost more than the checks themselves, and certify's runner changes
 * process.env, so two could not share a worker.
 */
import { AREAS } from '../suites/check-result';
import type { CheckDefinition, CheckResult } from '../suites/check';
import { runCheck } from '../suites/check';
import { createCertifyContext } from '../suites/context';
import type { CertifyContext } from '../suites/context';
import { startEmbeddedSandbox } from '../suites/embedded-sandbox';
import { registry } from '../suites/registry';
import { SERVICE_FEE } from '../suites/session';

export interface CertifyChecksRun {
  readonly results: readonly CheckResult[];
  /** The target's redactor: messages leave the worker only through it. */
  readonly redact: (text: string) => string;
}

/**
 * A fresh sandbox per run, never one reused with its defects switched: a run moves the clock, keeps
 * idempotency keys for 24 hours and queues faults, and the same seed draws the same keys again.
 * Every sandbox power is there, so no check is skipped for want of one.
 */
export async function runCertifyChecks(options: {
  defects: readonly string[];
  seed: number;
  checks?: readonly CheckDefinition<CertifyContext>[];
}): Promise<CertifyChecksRun> {
  const checks = options.checks ?? registry.all();
  const { seed } = options;
  const embedded = await startEmbeddedSandbox({ defects: options.defects, seed, serviceFee: SERVICE_FEE });
  try {
    const results: CheckResult[] = [];
    for (const area of AREAS) {
      const context = createCertifyContext({ target: embedded.target, seed, sandbox: embedded.access, stream: area });
      for (const check of checks.filter((c) => c.area === area)) results.push(await runCheck(check, context));
    }
    return { results, redact: (text) => embedded.target.redactor.redactText(text) };
  } finally {
    await embedded.close();
  }
}
