/**
 * Certify's checks for one gate run: certify's own runner (suites/certify.ts) against a fresh
 * embedded sandbox with the run's defects. A fresh sandbox per run, never one reused with its
 * defects switched: a run moves the clock, keeps idempotency keys for 24 hours and queues faults,
 * and the same seed draws the same keys again. Every sandbox power is there, so no check is skipped
 * for want of one.
 */
import type { CheckResult } from '../suites/check-result';
import { runCertify } from '../suites/certify';
import type { CertifyCheck } from '../suites/runner';

export interface CertifyChecksRun {
  readonly results: readonly CheckResult[];
  /** The target's redactor: messages leave the worker only through it. */
  readonly redact: (text: string) => string;
}

export async function runCertifyChecks(options: {
  defects: readonly string[];
  seed: number;
  checks?: readonly CertifyCheck[];
}): Promise<CertifyChecksRun> {
  const run = await runCertify({
    seed: options.seed,
    defects: options.defects,
    ...(options.checks === undefined ? {} : { checks: options.checks }),
  });
  return { results: run.report.results, redact: (text) => run.redactor.redactText(text) };
}
