import { describe, expect, it } from 'vitest';
import { documentedPairs } from '../lib/error-catalog';
import { errorCheckId, errorCoverage, NOT_PROVOKABLE_REASON, parseErrorCheckId } from './error-coverage';
import { makeResult } from '../reports/test-support/results';

const allPairs = documentedPairs();
const errorResults = (status: (id: string) => 'pass' | 'fail' | 'skip' | 'error') =>
  allPairs.map((p) => {
    const id = errorCheckId(p.endpoint, p.code);
    const s = status(id);
    return makeResult({ id, area: 'errors', status: s, ...(s === 'skip' ? { reason: NOT_PROVOKABLE_REASON } : {}) });
  });

describe('error check ids', () => {
  it('spell every documented pair once, and read back', () => {
    const ids = allPairs.map((p) => errorCheckId(p.endpoint, p.code));
    expect(new Set(ids).size).toBe(26);
    expect(ids).toContain('err.redeem.4035');
    expect(ids).toContain('err.initiate.4041');
    expect(ids.map(parseErrorCheckId)).toEqual(allPairs);
  });

  it('leave other ids alone and flag near misses', () => {
    expect(parseErrorCheckId('sig.rejects-der')).toBeUndefined();
    expect(parseErrorCheckId('err.envelope-shape')).toBeUndefined();
    expect(parseErrorCheckId('err.redeem.9999')).toHaveProperty('problem');
    expect(parseErrorCheckId('err.claim.4041')).toHaveProperty('problem');
  });
});

describe('errorCoverage', () => {
  it('counts 26 of 26 pairs and 22 of 22 codes when every error check passed', () => {
    const c = errorCoverage(errorResults(() => 'pass'));
    expect([c.pairsVerified, c.pairsDocumented, c.codesVerified, c.codesDocumented]).toEqual([26, 26, 22, 22]);
    expect(c.skipped).toEqual([]);
  });

  it('does not count a code as verified while one of its endpoints fails', () => {
    const c = errorCoverage(errorResults((id) => (id === 'err.initiate.4041' ? 'fail' : 'pass')));
    expect([c.pairsVerified, c.codesVerified]).toEqual([25, 21]);
    expect(c.pairs.find((p) => p.checkId === 'err.initiate.4041')?.status).toBe('failed');
  });

  it('lists the pairs skipped as not provokable, with the reason, and marks missing checks as not run', () => {
    const faultCodes = new Set([4092, 4093, 4094, 4095, 5001, 5002, 5003, 5004, 5031]);
    const results = errorResults((id) => (faultCodes.has(Number(id.slice(-4))) ? 'skip' : 'pass')).filter(
      (r) => r.id !== 'err.redeem.4043',
    );
    const c = errorCoverage(results);
    expect(c.skipped.map((p) => p.checkId)).toEqual([
      'err.redeem.4092',
      'err.redeem.4093',
      'err.redeem.4094',
      'err.redeem.4095',
      'err.initiate.5001',
      'err.initiate.5002',
      'err.redeem.5002',
      'err.redeem.5003',
      'err.initiate.5004',
      'err.redeem.5004',
      'err.redeem.5031',
    ]);
    expect(c.skipped.every((p) => p.reason === NOT_PROVOKABLE_REASON)).toBe(true);
    expect(c.pairs.find((p) => p.checkId === 'err.redeem.4043')?.status).toBe('not run');
    expect(c.pairsVerified).toBe(26 - 11 - 1);
    expect(c.codesVerified).toBe(22 - 9 - 1);
  });

  it('ignores results that are not error checks', () => {
    const c = errorCoverage([
      makeResult({ id: 'sig.rejects-der' }),
      makeResult({ id: 'err.envelope-shape', status: 'fail' }),
    ]);
    expect(c.pairsVerified).toBe(0);
    expect(c.pairs.every((p) => p.status === 'not run')).toBe(true);
  });
});
