/**
 * The idempotency storm end to end through runLoad: against the correct sandbox one key has one
 * effect per merchant; with idempotency-ignored, idempotency-different-body-accepted or
 * idempotency-keys-global the run fails, the k6 checks and the history checker naming the broken
 * rule. Fails (never skips) without k6, saying to run npm run k6:install.
 */
import { describe, expect, it } from 'vitest';
import { LOAD_TEST_TIMEOUT_MS, loadRunsIn } from '../node/testing';

const stormIn = loadRunsIn('storm');
const storm = (defect?: string) =>
  stormIn({
    scenario: 'idempotency-storm',
    vus: 20,
    vouchers: 1,
    seed: 3,
    ...(defect === undefined ? {} : { defects: [defect] }),
  });

describe('idempotency storm through runLoad', { timeout: LOAD_TEST_TIMEOUT_MS }, () => {
  it('against the correct sandbox: 20 identical requests, one claim, the probes answered as documented', async () => {
    const { run, out, err } = await storm();
    const claims = run.history.filter((op) => op.op === 'claim');
    // 20 storm requests with one key, the probe with the same key and another amount, the second merchant's claim with the same key.
    expect(claims).toHaveLength(22);
    expect(new Set(claims.map((op) => op.idempotencyKey)).size).toBe(1);
    expect(claims.find((op) => op.amount === '11000000')?.status).toBe(422);
    // The second merchant's same key is its own: a claim it can redeem with its own OTP.
    const second = run.history.filter((op) => op.merchant === 'merchant-2');
    expect(second.map((op) => [op.op, op.status])).toEqual([
      ['claim', 200],
      ['redeem', 200],
    ]);
    const firstRedeem = run.history.find((op) => op.op === 'redeem' && op.merchant === undefined);
    expect(firstRedeem?.status).toBe(200);
    expect(second[1]?.otp).not.toBe(firstRedeem?.otp);
    expect(run.verdict.valid).toBe(true);
    expect(run.pass, out + err).toBe(true);
  });

  it("with idempotency-keys-global: the second merchant gets the first one's answer replayed, and the run fails naming it", async () => {
    const { run, err } = await storm('idempotency-keys-global');
    expect(run.pass).toBe(false);
    expect(run.k6.thresholdsFailed).toBe(true);
    expect(err).toMatch(/thresholds on metrics '.*checks.*' have been crossed/);
    // The replayed 200 texts no OTP: the second merchant's redemption finds no claim of its own.
    expect(run.history.filter((op) => op.merchant === 'merchant-2').map((op) => [op.op, op.outcome])).toEqual([
      ['claim', 'ok'],
      ['redeem', 'fail'],
    ]);
    const named = run.verdict.violations.find((v) => v.invariant === 'acknowledged-present');
    expect(named?.message).toMatch(/@merchant-2 was acknowledged, but the ledger has no claim entry/);
  });

  for (const defect of ['idempotency-ignored', 'idempotency-different-body-accepted']) {
    it(`with ${defect}: the run fails`, async () => {
      const { run, err } = await storm(defect);
      expect(run.pass).toBe(false);
      // The k6 checks see it (thresholds on checks fail) and the checker names one-effect-per-key.
      expect(run.k6.thresholdsFailed).toBe(true);
      expect(err).toMatch(/thresholds on metrics '.*checks.*' have been crossed/);
      expect(run.verdict.violations.map((v) => v.invariant)).toContain('one-effect-per-key');
    });
  }
});
