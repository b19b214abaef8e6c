/**
 * The steady flow and the soak end to end through runLoad: full flows (claim → detail → redeem) at
 * the profile's arrival rate, every claim redeemed, tokens renewed (the renewal age shortened to
 * 2 s so a short run crosses several "lifetimes"), and the invariants hold. Fails (never skips)
 * without k6, saying to run npm run k6:install.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOAD_TEST_TIMEOUT_MS, loadRunsIn } from '../node/testing';
import type { LoadRun } from '../node/run-load';
import { corpusEntries } from '../request-corpus';

const flows = loadRunsIn('flow');

/** A counter of k6's summary (0 when k6 did not count it). */
const countOf = (run: LoadRun, metric: string) => run.k6.summary?.metrics?.[metric]?.values?.['count'] ?? 0;

describe('steady flow through runLoad', { timeout: LOAD_TEST_TIMEOUT_MS }, () => {
  it('runs full flows at the smoke rate, redeems every claim, renews tokens, and the invariants hold', async () => {
    const { run, out } = await flows({
      scenario: 'steady-flow',
      durationSeconds: 6,
      renewTokenAfter: 2,
      vouchers: 4,
      seed: 9,
    });
    const of = (kind: string) => run.history.filter((op) => op.op === kind);
    // 2 flows a second for 6 s (a starved machine may drop one or two: k6's dropped_iterations).
    expect(of('claim').length).toBeGreaterThanOrEqual(10);
    for (const kind of ['claim', 'detail', 'redeem'])
      expect(of(kind).map((op) => op.status)).toEqual(of('claim').map(() => 200));
    // Four vouchers share the flows, several partial claims each; each detail read saw a balance.
    expect(new Set(of('claim').map((op) => op.voucher)).size).toBe(4);
    expect(of('detail').every((op) => op.remainingBalance !== undefined)).toBe(true);
    // Each redemption used its own claim (linked by key).
    expect(new Set(of('redeem').map((op) => op.claimKey))).toEqual(new Set(of('claim').map((op) => op.idempotencyKey)));
    // Tokens older than 2 s were replaced by a new login, and none was refused meanwhile (no 401 above).
    expect(countOf(run, 'token_renewals')).toBeGreaterThan(0);
    expect(out).toMatch(/token renewals: [1-9]/);
    expect(run.verdict.valid).toBe(true);
    expect(run.answers.harness.count).toBe(0);
    expect(run.pass, out).toBe(true);
  });

  it('soak is the steady flow under the soak profile (5 flows a second), here cut to 4 s', async () => {
    const { run, out } = await flows({ scenario: 'soak', durationSeconds: 4, vouchers: 5, seed: 2 });
    expect(out).toContain('load: 5 flows/s for 4 s');
    expect(out).toMatch(/load: soak, profile soak, 20 VUs/);
    expect([run.profile, run.vus]).toEqual(['soak', 20]);
    const redeems = run.history.filter((op) => op.op === 'redeem');
    expect(redeems.length).toBeGreaterThanOrEqual(15);
    expect(redeems.every((op) => op.status === 200)).toBe(true);
    expect(run.verdict.valid).toBe(true);
    expect(run.pass, out).toBe(true);
  });

  it('presigned: every flow claims from the corpus made for its slot, k6 signs no claim, and the invariants hold', async () => {
    const { run, out } = await flows({
      scenario: 'steady-flow',
      durationSeconds: 3,
      vouchers: 2,
      seed: 4,
      signing: 'presigned',
    });
    // 2 flows a second for 3 s, plus a second of slack: rate × (duration + 1 s) slots, in the file k6 reads.
    const corpus = corpusEntries(await readFile(join(run.out, 'corpus.json'), 'utf8'), 'corpus.json');
    expect(corpus).toHaveLength(8);
    const claims = run.history.filter((op) => op.op === 'claim');
    expect(claims.length).toBeGreaterThanOrEqual(4);
    // Keys made in Node by the generator: each claim sent carries its slot's entry (voucher and amount too).
    const byKey = new Map(corpus.map((e) => [e.claim.idempotencyKey, e]));
    for (const claim of claims)
      expect(byKey.get(claim.idempotencyKey)).toMatchObject({ voucherCode: claim.voucher, amount: claim.amount });
    expect(countOf(run, 'presigned_requests')).toBe(claims.length);
    expect(countOf(run, 'k6_signed_claims')).toBe(0);
    // Outbox OTPs exist only after the claim: those redemptions are signed in k6.
    const redemptions = run.history.filter((op) => op.op === 'redeem');
    expect(redemptions.map((op) => op.status)).toEqual(claims.map(() => 200));
    expect(countOf(run, 'k6_signed_redemptions')).toBe(redemptions.length);
    expect(run.k6.summary?.signing).toEqual({ mode: 'presigned', claims: 'corpus', redemptions: 'k6' });
    expect(run.verdict.valid).toBe(true);
    expect(run.pass, out).toBe(true);
  });

  it('refuses a duration beyond 30 minutes and a token renewal beyond 240 s, and both on a burst', async () => {
    await expect(flows({ scenario: 'steady-flow', durationSeconds: 31 * 60, seed: 1 })).rejects.toThrow(
      /--duration expected from 1s to 30m, got 1860 s/,
    );
    await expect(flows({ scenario: 'steady-flow', renewTokenAfter: 241, seed: 1 })).rejects.toThrow(
      /--renew-token-after expected a whole number from 1 to 240, got 241/,
    );
    await expect(flows({ scenario: 'same-voucher-burst', durationSeconds: 5, seed: 1 })).rejects.toThrow(
      /apply to the flow scenarios/,
    );
  });
});
