/**
 * A fast-check property whose cases are HTTP exchanges with the target: seeded from the run so a
 * failure replays, explicit examples first (so a rule's telling cases are always tried), and the
 * evidence of the last failing case — the shrunk one — in the outcome.
 */
import fc from 'fast-check';
import { fromProperty } from './check';
import type { CheckOutcome, Evidence } from './check';
import type { CertifyContext } from './context';

/** One case's verdict: a problem fails the property; evidence is what a person needs to see it. */
export interface CaseVerdict {
  readonly problem: string | undefined;
  readonly evidence: readonly Evidence[];
}

export interface HttpPropertyOptions<T> {
  /** At most 50 for HTTP properties: a full certify must stay under 60 s on 2 cores. */
  readonly numRuns: number;
  readonly examples?: readonly T[];
}

export async function httpProperty<T>(
  ctx: CertifyContext,
  inputs: fc.Arbitrary<T>,
  options: HttpPropertyOptions<T>,
  judge: (input: T) => Promise<CaseVerdict>,
): Promise<CheckOutcome> {
  let evidence: readonly Evidence[] = [];
  // fast-check counts any throw as a failing case; a broken harness or a target that cannot run
  // the case (CHECK_NOT_APPLICABLE) must instead reach runCheck, as an error or a skip.
  let broken: { readonly error: unknown } | undefined;
  const property = fc.asyncProperty(inputs, async (input) => {
    if (broken !== undefined) return true;
    let verdict: CaseVerdict;
    try {
      verdict = await judge(input);
    } catch (error) {
      broken = { error };
      return true;
    }
    if (verdict.problem === undefined) return true;
    evidence = verdict.evidence;
    throw new Error(verdict.problem);
  });
  const details = await fc.check(property, {
    numRuns: Math.min(options.numRuns, 50),
    seed: ctx.seed,
    examples: (options.examples ?? []).map((example): [T] => [example]),
  });
  if (broken !== undefined) throw broken.error;
  return fromProperty(details, evidence);
}
