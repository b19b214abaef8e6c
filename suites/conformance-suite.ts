/**
 * One vitest test per check. Under `certify` the result is recorded for the reports and the test
 * mirrors it; under `npm test` (the embedded correct sandbox) every check must pass — a check that
 * skips or fails against the reference is itself broken.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from './check';
import type { Area, CheckDefinition, Power } from './check';
import type { CertifyContext } from './context';
import { openSuiteSession } from './session';
import type { SuiteSession } from './session';

function missingPowers(needs: readonly Power[], powers: ReadonlySet<Power>): string | undefined {
  const missing = needs.filter((p) => !powers.has(p));
  return missing.length === 0
    ? undefined
    : `needs sandbox-only powers (${missing.join(', ')}): not provokable from outside on this target`;
}

export function conformanceSuite(area: Area, checks: readonly CheckDefinition<CertifyContext>[]): void {
  describe(`${area} conformance`, () => {
    let session: SuiteSession;
    beforeAll(async () => {
      session = await openSuiteSession(area);
    });
    afterAll(async () => {
      await session?.close();
    });
    it('has checks', () => expect(checks.length).toBeGreaterThan(0));
    for (const check of checks) {
      it(`${check.id}: ${check.title}`, async () => {
        const result = await runCheck(check, session.context, {
          skipUnless: (needs) => missingPowers(needs, session.context.powers),
        });
        await session.record(result);
        const detail = result.message ?? result.reason ?? '';
        if (check.kind !== 'finding')
          expect(result.status === 'fail' || result.status === 'error', `${result.status}: ${detail}`).toBe(false);
        if (!session.certifying) expect(result.status, `against the correct sandbox: ${detail}`).toBe('pass');
      });
    }
  });
}
