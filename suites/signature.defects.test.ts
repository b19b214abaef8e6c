/**
 * The signature checks catch the signature defects: with each seeded defect switched on, exactly
 * the listed checks fail among those run, each with evidence. Only those checks run, on a sandbox
 * of the defect's own.
 */
import { describe, expect, it } from 'vitest';
import { failedIds, runChecksAgainstSandbox } from './run-checks';
import { signatureChecks } from './signature.checks';

const REFUSALS = [
  'sig.required-on-posts',
  'sig.rejects-tampered',
  'sig.rejects-other-body',
  'sig.rejects-other-key',
  'sig.rejects-der',
  'sig.rejects-base64url',
  'sig.rejects-mangled',
];

const KILLS: Readonly<Record<string, readonly string[]>> = {
  // Nothing is verified: every refusal check fails.
  'signature-not-checked': REFUSALS,
  'der-signature-accepted': ['sig.rejects-der'],
  'base64url-signature-accepted': ['sig.rejects-base64url'],
  'get-demands-signature': ['sig.not-required-on-get'],
  // The canonical area's defect: a body spelled otherwise than JSON.stringify writes it is refused.
  'signature-over-raw-body': ['sig.accepts-reserialised'],
};

describe('signature checks against seeded defects', () => {
  it.each(Object.entries(KILLS))('%s is caught by %j', async (defect, ids) => {
    const checks = signatureChecks.filter((c) => ids.includes(c.id));
    expect(checks.map((c) => c.id)).toEqual(ids);
    const results = await runChecksAgainstSandbox(checks, { defects: [defect] });
    expect(failedIds(results), JSON.stringify(results.map((r) => [r.id, r.status, r.message]))).toEqual(ids);
    for (const result of results) expect(result.evidence.length).toBeGreaterThan(0);
  });
});
