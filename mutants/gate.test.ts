import { describe, expect, it } from 'vitest';
import { documentedPairs } from '../lib/error-catalog';
import { errorCheckId } from '../suites/error-coverage';
import { makeResult } from '../reports/test-support/results';
import { listDefects } from '../sandbox/defects';
import { authChecks } from '../suites/auth.checks';
import { runCertify } from '../suites/certify';
import { judgeCorrect, judgeDefect, judgeGate } from './gate';
import type { SubjectRuns } from './gate';
import { summarizeChecks } from './outcomes';
import type { LoadOutcome } from './outcomes';

const defect = (name: string) => listDefects().find((d) => d.name === name)!;
const same = (text: string) => text;
/** A run where every documented error pair is verified, plus the given results. */
const withErrorPairs = (...results: Parameters<typeof makeResult>[0][]) => [
  ...documentedPairs().map((p) => makeResult({ id: errorCheckId(p.endpoint, p.code), area: 'errors' })),
  ...results.map(makeResult),
];
const checksOf = (...results: Parameters<typeof makeResult>[0][]) =>
  summarizeChecks(withErrorPairs(...results), same, 10);
const load = (over: Partial<LoadOutcome> = {}): LoadOutcome => ({
  scenario: 'idempotency-storm',
  exitCode: 0,
  invariants: 'hold',
  violations: [],
  out: '/tmp/x',
  durationMs: 5,
  ...over,
});
const clean: SubjectRuns = {
  checks: checksOf({ id: 'auth.token-expires' }),
  loads: [load(), load({ scenario: 'same-voucher-burst' })],
};

describe('summarizeChecks', () => {
  it("takes certify's blocking list: required checks that failed or broke, not findings or skips", () => {
    const outcome = checksOf(
      { id: 'auth.token-expires', status: 'fail', message: 'a 301 s old token was accepted' },
      { id: 'auth.origin-checked', status: 'error', message: 'boom' },
      { id: 'contra.initiate-path', kind: 'finding', status: 'fail', message: 'differs' },
      { id: 'auth.rejects-alg-none', status: 'skip', reason: 'no' },
    );
    expect(outcome.blocking.map((c) => [c.id, c.status])).toEqual([
      ['auth.token-expires', 'fail'],
      ['auth.origin-checked', 'error'],
    ]);
    expect(outcome.notPassing.map((c) => c.id)).toEqual([
      'auth.token-expires',
      'auth.origin-checked',
      'contra.initiate-path',
      'auth.rejects-alg-none',
    ]);
    expect([outcome.checks, outcome.passed]).toEqual([30, 26]);
    expect([outcome.coverage.codesVerified, outcome.coverage.codesDocumented]).toEqual([22, 22]);
  });

  it('passes every message through the redactor', () => {
    const outcome = summarizeChecks(
      [makeResult({ id: 'auth.token-expires', status: 'fail', message: 'key sk-live-123456 leaked' })],
      (t) => t.replace('sk-live-123456', '[REDACTED]'),
      1,
    );
    expect(JSON.stringify(outcome)).not.toContain('sk-live-123456');
    expect(outcome.blocking[0]?.message).toBe('key [REDACTED] leaked');
  });
});

describe('judgeDefect', () => {
  it('is killed by a failing required check, and names it', () => {
    const v = judgeDefect(defect('token-never-expires'), {
      checks: checksOf({ id: 'auth.token-expires', status: 'fail', message: 'accepted' }),
      loads: [],
    });
    expect([v.status, v.killedByChecks, v.killedByLoad]).toEqual(['killed', ['auth.token-expires'], []]);
  });

  it('survives when only a finding differs and the load scenario passes', () => {
    const v = judgeDefect(defect('idempotency-keys-global'), {
      checks: checksOf({ id: 'contra.initiate-path', kind: 'finding', status: 'fail', message: 'x' }),
      loads: [load()],
    });
    expect(v.status).toBe('survived');
  });

  it('is killed by the load scenario alone, and says whether its invariants broke or only a threshold failed', () => {
    const byInvariants = judgeDefect(defect('reservation-check-then-act'), {
      checks: checksOf(),
      loads: [load({ scenario: 'same-voucher-burst', exitCode: 1, invariants: 'broken' })],
    });
    expect([byInvariants.status, byInvariants.killedByChecks, byInvariants.killedByLoad]).toEqual([
      'killed',
      [],
      [{ scenario: 'same-voucher-burst', invariants: 'broken' }],
    ]);
    const byThresholds = judgeDefect(defect('idempotency-different-body-accepted'), {
      checks: checksOf(),
      loads: [load({ exitCode: 1 })],
    });
    expect(byThresholds.killedByLoad).toEqual([{ scenario: 'idempotency-storm', invariants: 'hold' }]);
  });

  it('is neither killed nor survived when a run did not finish and nothing else killed it', () => {
    const v = judgeDefect(defect('idempotency-ignored'), { checks: { error: 'the worker exited' }, loads: [load()] });
    expect([v.status, v.errors]).toEqual(['error', ['checks: the worker exited']]);
    expect(
      judgeDefect(defect('idempotency-ignored'), {
        checks: { error: 'x' },
        loads: [load({ exitCode: 1, invariants: 'broken' })],
      }).status,
    ).toBe('killed');
  });
});

describe('judgeCorrect', () => {
  it('passes only when every check passed, every code was verified and every scenario held', () => {
    expect(judgeCorrect(clean)).toMatchObject({ pass: true, problems: [] });
    const skipped = judgeCorrect({
      ...clean,
      checks: checksOf({ id: 'auth.origin-checked', status: 'skip', reason: 'r' }),
    });
    expect(skipped.problems).toEqual(['1 of 27 checks did not pass: auth.origin-checked (skip)']);
    const finding = judgeCorrect({
      ...clean,
      checks: checksOf({ id: 'contra.initiate-path', kind: 'finding', status: 'fail', message: 'x' }),
    });
    expect(finding.pass).toBe(false);
    const unverified = judgeCorrect({
      ...clean,
      checks: summarizeChecks([makeResult({ id: 'auth.token-expires' })], same, 1),
    });
    expect(unverified.problems).toEqual([
      expect.stringMatching(/^error codes verified 0\/22; not verified: err\.redeem\.4031, /),
    ]);
    const burst = judgeCorrect({
      ...clean,
      loads: [
        load({
          scenario: 'same-voucher-burst',
          exitCode: 1,
          invariants: 'broken',
          violations: ['no-over-reservation: Σ 139 > 100'],
        }),
      ],
    });
    expect(burst.problems).toEqual([
      'load same-voucher-burst failed: invariants broken (no-over-reservation: Σ 139 > 100); see /tmp/x',
    ]);
    expect(judgeCorrect({ loads: [] }).problems).toEqual(['checks: not run']);
  });
});

describe('judgeGate', () => {
  const killed: SubjectRuns = {
    checks: checksOf({ id: 'auth.token-expires', status: 'fail', message: 'm' }),
    loads: [],
  };
  const defects = [defect('token-never-expires'), defect('token-lives-too-long')];

  it('passes when every defect is killed and the correct sandbox is clean', () => {
    expect(judgeGate(defects, (s) => (s === undefined ? clean : killed)).pass).toBe(true);
  });

  it('fails on one survivor, or on a correct sandbox that fails', () => {
    const oneSurvivor = judgeGate(defects, (s) =>
      s === undefined ? clean : s === 'token-lives-too-long' ? { checks: checksOf(), loads: [] } : killed,
    );
    expect([oneSurvivor.pass, oneSurvivor.defects.map((d) => d.status)]).toEqual([false, ['killed', 'survived']]);
    expect(
      judgeGate(defects, (s) =>
        s === undefined ? { ...clean, loads: [{ error: 'K6_FAILED: k6 exited with 107' }] } : killed,
      ).pass,
    ).toBe(false);
  });

  it('turns a real survivor into a failed gate: certify checks without the one that catches alg "none"', async () => {
    const killer = 'auth.rejects-alg-none';
    const run = async (checks: typeof authChecks) => {
      const certified = await runCertify({ defects: ['token-alg-none-accepted'], seed: 7, checks });
      return summarizeChecks(certified.report.results, (text) => certified.redactor.redactText(text), 0);
    };
    const full = await run(authChecks);
    const weakened = await run(authChecks.filter((c) => c.id !== killer));
    const gate = (checks: typeof full) =>
      judgeGate([defect('token-alg-none-accepted')], (s) => (s === undefined ? clean : { checks, loads: [] }));
    expect(gate(full)).toMatchObject({ pass: true, defects: [{ status: 'killed', killedByChecks: [killer] }] });
    expect(gate(weakened).defects[0]).toMatchObject({ status: 'survived', killedByChecks: [] });
    expect(gate(weakened).pass).toBe(false);
  });
});
