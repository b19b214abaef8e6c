/**
 * Checks against an embedded sandbox with seeded defects, through certify's runner: how the
 * per-area "catches its defects" tests prove a check fails against a seeded defect.
 */
import type { CheckResult } from './check-result';
import { runCertify } from './certify';
import type { CertifyCheck } from './runner';

export async function runChecksAgainstSandbox(
  checks: readonly CertifyCheck[],
  options: { defects?: readonly string[]; seed?: number } = {},
): Promise<readonly CheckResult[]> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  return (await runCertify({ seed, checks, defects: options.defects ?? [] })).report.results;
}

/** The ids of the checks that failed or broke: what "killed" a defect. */
export const failedIds = (results: readonly CheckResult[]): string[] =>
  results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.id);
