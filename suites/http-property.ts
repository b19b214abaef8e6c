/**
 * A fast-check property whose cases are HTTP exchanges with the target: seeded from the run so a
 * failure replays, explicit examples first (so a rule's telling cases are always tried), and the
 * evidence of the last failing case — the shrunk one — in the outcome. A case fails by throwing a
 * CheckFailure (`refute`); anything else it throws is not the target's failure.
 */
import fc from 'fast-check';
import { fromProperty, isCheckFailure } from './check';
import type { CheckOutcome } from './check';
import type { CertifyContext } from './context';

export interface HttpPropertyOptions<T> {
  /** At most 50 for HTTP properties: a full certify must stay under 60 s on 2 cores. */
  readonly numRuns: number;
  readonly examples?: readonly T[];
}

export async function httpProperty<T>(
  ctx: CertifyContext,
  inputs: fc.Arbitrary<T>,
  options: HttpPropertyOptions<T>,
  run: (input: T) => Promise<void>,
): Promise<CheckOutcome> {
  // fast-check counts any throw as a failing case; a broken harness, an unreachable target or a
  // target that cannot run the case (CHECK_NOT_APPLICABLE) must instead reach runCheck, as an
  // error or a skip, and without shrinking on it.
  let broken: { readonly error: unknown } | undefined;
  const property = fc.asyncProperty(inputs, async (input) => {
    if (broken !== undefined) return;
    try {
      await run(input);
    } catch (error) {
      if (isCheckFailure(error)) throw error;
      broken = { error };
    }
  });
  const details = await fc.check(property, {
    numRuns: Math.min(options.numRuns, 50),
    seed: ctx.seed,
    examples: (options.examples ?? []).map((example): [T] => [example]),
  });
  if (broken !== undefined) throw broken.error;
  return fromProperty(details);
}
