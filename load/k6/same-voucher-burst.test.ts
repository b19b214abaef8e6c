/**
 * The same-voucher burst end to end through runLoad: it bundles the scenario, starts the embedded
 * sandbox, runs 20 VUs × 2 vouchers in the pinned k6 and judges the result. Against the correct
 * sandbox no invariant breaks; with the check-then-act reservation defect the aligned burst
 * over-reserves and the run fails naming it. Without k6 these fail (never skip), saying to run
 * npm run k6:install.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOAD_TEST_TIMEOUT_MS, loadRunsIn } from '../node/testing';

const burst = loadRunsIn('burst');
const settings = { scenario: 'same-voucher-burst', vus: 20, vouchers: 2, seed: 7 } as const;

describe('same-voucher burst through runLoad', { timeout: LOAD_TEST_TIMEOUT_MS }, () => {
  it('against the correct sandbox: every VU claims each voucher, claims are redeemed, and no invariant breaks', async () => {
    const { run, out } = await burst({ ...settings, fill: 2 });
    const claims = run.history.filter((op) => op.op === 'claim');
    expect(claims).toHaveLength(40);
    expect(new Set(claims.map((op) => op.voucher)).size).toBe(2);
    // fill 2: the claims ask for about twice the balance, so some are refused with 4091 and some redeemed.
    expect(claims.some((op) => op.code === 4091)).toBe(true);
    expect(run.history.some((op) => op.op === 'redeem' && op.outcome === 'ok')).toBe(true);
    expect(run.overReservations).toEqual([]);
    expect(run.verdict.valid).toBe(true);
    expect(run.pass, out).toBe(true);
    // The files run-load.ts documents (dashboard.html apart: k6 skips it for runs too short to chart).
    expect(await readdir(run.out)).toEqual(
      expect.arrayContaining([
        'summary.json',
        'history.jsonl',
        'finals.json',
        'ledger.json',
        'ledger-check.json',
        'verdict.json',
        'junit.xml',
      ]),
    );
    // No live access token on disk: the login setup() shared with the VUs is not in k6's summary
    // (a JWT starts eyJ), nor in any other file the run wrote.
    for (const file of await readdir(run.out)) {
      const text = await readFile(join(run.out, file), 'utf8');
      expect(text, file).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\./);
      expect(text, file).not.toContain('setup_data');
    }
  });

  it('with reservation-check-then-act: the aligned burst over-reserves and the run fails naming it', async () => {
    // fill 5: a few claims fill the voucher, so any two that race past the check together over-reserve.
    const { run, out } = await burst({ ...settings, fill: 5, defects: ['reservation-check-then-act'] });
    expect(run.overReservations.length).toBeGreaterThan(0);
    expect(run.verdict.violations.map((v) => v.invariant)).toContain('no-over-reservation');
    expect(out).toMatch(/ledger: voucher \d+ reserved [\d.]+ of a remaining [\d.]+/);
    expect(run.pass).toBe(false);
  });
});
