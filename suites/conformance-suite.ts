/**
 * `npm test`'s view of an area: the area's checks run through certify's runner against a correct
 * embedded sandbox, and every check must pass there (a check that skips or fails against the
 * reference is itself broken). One vitest test per check, so a broken one is named.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Area, CheckResult } from './check-result';
import { runCertify } from './certify';
import type { CertifyCheck } from './runner';

/** An area's checks take from seconds to a minute on 2 busy cores; far above that is a hang. */
const AREA_LIMIT_MS = 240_000;

export function conformanceSuite(area: Area, checks: readonly CertifyCheck[]): void {
  describe(`${area} conformance`, () => {
    let results: ReadonlyMap<string, CheckResult>;
    beforeAll(async () => {
      const seed = Number(process.env.OMNIVAS_SEED ?? Math.floor(Math.random() * 2 ** 31));
      const run = await runCertify({ seed, checks });
      results = new Map(run.report.results.map((r) => [r.id, r]));
    }, AREA_LIMIT_MS);
    it('has checks', () => expect(checks.length).toBeGreaterThan(0));
    for (const check of checks) {
      it(`${check.id}: ${check.title}`, () => {
        const result = results.get(check.id);
        expect(result, 'the runner returned no result').toBeDefined();
        const detail = result!.message ?? result!.reason ?? '';
        expect(
          result!.status,
          `against the correct sandbox (seed ${process.env.OMNIVAS_SEED ?? 'random'}): ${detail}`,
        ).toBe('pass');
      });
    }
  });
}
