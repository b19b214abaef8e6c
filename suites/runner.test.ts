import { describe, expect, it } from 'vitest';
import { defineCheck, pass } from './check';
import type { Power } from './check';
import type { CertifyContext } from './context';
import { runChecks, runsAlone } from './runner';
import type { CertifyCheck } from './runner';

function check(id: string, powers: { needs?: readonly Power[]; uses?: readonly Power[] } = {}): CertifyCheck {
  return defineCheck<CertifyContext>({
    id,
    title: 'a check',
    area: 'state-machine',
    source: { doc: 'docs/design.md', section: 'Behaviour where the API documents are silent › States' },
    basis: 'assumption',
    severity: 'high',
    ...powers,
    run: async () => pass(),
  });
}

describe('runsAlone', () => {
  it('gives the target to a check that needs or uses a shared clock, or queues faults', () => {
    expect(runsAlone(check('state.a', { uses: ['clock'] }), true)).toBe(true);
    expect(runsAlone(check('state.a', { needs: ['clock'] }), true)).toBe(true);
    // --slow waits real time: nobody else's clock moves, so the check runs beside the others.
    expect(runsAlone(check('state.a', { uses: ['clock'] }), false)).toBe(false);
    expect(runsAlone(check('state.a', { needs: ['faults'] }), false)).toBe(true);
    expect(runsAlone(check('state.a', { needs: ['otp-per-claim'] }), true)).toBe(false);
  });
});

describe('runChecks', () => {
  it('skips a check lacking a power with the reason naming what unlocks it; a used power is no reason', async () => {
    const results = await runChecks({
      checks: [check('state.bound', { needs: ['otp-per-claim'] }), check('state.model', { uses: ['clock'] })],
      contextFor: () => ({}) as CertifyContext,
      powers: new Set(),
      sharedClock: false,
    });
    expect(results.map((r) => r.status)).toEqual(['skip', 'pass']);
    expect(results[0]!.reason).toMatch(/"otp" source of "http" or "command"/);
    expect(results[0]!.reason).toMatch(/"fixed" OTP/);
  });
});
