/**
 * Runs checks straight against an embedded sandbox, outside vitest: how the mutation gate and the
 * per-area "catches its defects" tests prove a check fails against a seeded defect.
 */
import { runCheck } from './check';
import type { CheckDefinition, CheckResult } from './check';
import { createCertifyContext } from './context';
import type { CertifyContext } from './context';
import { startEmbeddedSandbox } from './embedded-sandbox';
import { SERVICE_FEE } from './session';

export async function runChecksAgainstSandbox(
  checks: readonly CheckDefinition<CertifyContext>[],
  options: { defects?: readonly string[]; seed?: number } = {},
): Promise<CheckResult[]> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const embedded = await startEmbeddedSandbox({ defects: options.defects ?? [], seed, serviceFee: SERVICE_FEE });
  try {
    const context = createCertifyContext({ target: embedded.target, seed, sandbox: embedded.access });
    const results: CheckResult[] = [];
    for (const check of checks) results.push(await runCheck(check, context));
    return results;
  } finally {
    await embedded.close();
  }
}

/** The ids of the checks that failed or broke: what "killed" a defect. */
export const failedIds = (results: readonly CheckResult[]): string[] =>
  results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => r.id);
