import { describe, expect, it } from 'vitest';
import { checkHistory, INVARIANTS } from '../load/checker/checker';
import { simulateRun, type PlannedClaim } from '../load/checker/simulation';
import { childrenNamed, parseXml, textOf } from './test-support/xml-parser';
import type { XmlElement } from './test-support/xml-parser';
import { describeOp, verdictToJson, verdictToJunit } from './verdict-junit';

const UNIT = 1_000_000n;
const at = (invokeMs: number, durationMs = 10) => ({ invokeMs, durationMs, at: 0.5, copies: 1 });
const cases = (root: XmlElement) => childrenNamed(root, 'testsuite').flatMap((s) => childrenNamed(s, 'testcase'));

function verdictOf(bug?: 'otp-reused') {
  const claims: PlannedClaim[] = [{ ...at(0), amount: 3n * UNIT, redeem: { ...at(0), gapMs: 5, reuseOtp: true } }];
  const run = simulateRun(
    [{ voucher: 'V<&>"1', amount: 100n * UNIT, serviceFee: UNIT, claims, reads: [] }],
    bug ? { bug } : {},
  );
  return {
    run,
    verdict: checkHistory({
      ops: run.ops,
      finals: run.finals,
      initial: run.initial,
      ledger: run.ledger,
      otpSource: true,
    }),
  };
}

describe('verdictToJunit', () => {
  it('writes one passing testcase per invariant for a valid verdict', () => {
    const root = parseXml(verdictToJunit(verdictOf().verdict));
    expect(cases(root).map((c) => c.attributes.name)).toEqual([...INVARIANTS]);
    expect(root.attributes).toMatchObject({ tests: '7', failures: '0' });
    for (const c of cases(root)) expect(childrenNamed(c, 'failure')).toEqual([]);
  });

  it('fails exactly the broken invariants, naming the first ops (escaped)', () => {
    const { run, verdict } = verdictOf('otp-reused');
    const broken = new Set(verdict.violations.map((v) => v.invariant));
    expect(broken.has('one-redemption-per-otp')).toBe(true);
    const root = parseXml(verdictToJunit(verdict));
    expect(root.attributes.failures).toBe(String(broken.size));
    for (const c of cases(root)) {
      const [failure] = childrenNamed(c, 'failure');
      expect(failure !== undefined).toBe(broken.has(c.attributes.name as never));
    }
    const otp = cases(root).find((c) => c.attributes.name === 'one-redemption-per-otp')!;
    const failure = childrenNamed(otp, 'failure')[0]!;
    expect(failure.attributes.message).toContain('voucher V<&>"1');
    expect(textOf(failure)).toContain(describeOp(run.bugOps[0]!));
  });
});

describe('verdictToJson', () => {
  it('round-trips through JSON with bigints as decimal strings', () => {
    const { verdict } = verdictOf('otp-reused');
    const withBigint = { ...verdict, extra: 12_500_000n } as typeof verdict;
    const parsed = JSON.parse(verdictToJson(withBigint)) as Record<string, unknown>;
    expect(parsed.extra).toBe('12500000');
    expect(parsed.violations).toEqual(JSON.parse(JSON.stringify(verdict.violations)));
    expect(parsed.valid).toBe(false);
  });
});
