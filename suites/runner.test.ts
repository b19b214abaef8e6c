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
  const sandbox = { sharedClock: true, sharedFaults: true };
  const hooked = { sharedClock: false, sharedFaults: false };
  it('gives the target to a check that needs or uses a shared clock, or queues shared faults', () => {
    expect(runsAlone(check('state.a', { uses: ['clock'] }), sandbox)).toBe(true);
    expect(runsAlone(check('state.a', { needs: ['clock'] }), sandbox)).toBe(true);
    // --slow waits real time: nobody else's clock moves, so the check runs beside the others.
    expect(runsAlone(check('state.a', { uses: ['clock'] }), hooked)).toBe(false);
    expect(runsAlone(check('state.a', { needs: ['faults'] }), { sharedClock: false, sharedFaults: true })).toBe(true);
    // A test hook's fault rides on its own request.
    expect(runsAlone(check('state.a', { needs: ['faults'] }), hooked)).toBe(false);
    expect(runsAlone(check('state.a', { needs: ['otp-per-claim'] }), sandbox)).toBe(false);
  });
});

describe('runChecks', () => {
  it('skips a check lacking a power with the reason naming what unlocks it; a used power is no reason', async () => {
    const results = await runChecks({
      checks: [check('state.bound', { needs: ['otp-per-claim'] }), check('state.model', { uses: ['clock'] })],
      contextFor: () => ({}) as CertifyContext,
      powers: new Set(),
      sharedClock: false,
      sharedFaults: false,
    });
    expect(results.map((r) => r.status)).toEqual(['skip', 'pass']);
    expect(results[0]!.reason).toMatch(/"otp" source of "http" or "command"/);
    expect(results[0]!.reason).toMatch(/"fixed" OTP/);
  });

  it('with --slow, starts every check that waits real time out at once, beside the areas before it', async () => {
    const log: string[] = [];
    const timed = (id: string, area: CertifyCheck['area'], needs: readonly Power[], ms: number): CertifyCheck =>
      defineCheck<CertifyContext>({
        ...check(id, { needs }),
        area,
        run: async () => {
          log.push(`start ${id}`);
          await new Promise((resolve) => setTimeout(resolve, ms));
          log.push(`end ${id}`);
          return pass();
        },
      });
    const results = await runChecks({
      checks: [
        timed('auth.quick', 'auth', [], 1),
        timed('auth.waits', 'auth', ['clock'], 30),
        timed('state.waits', 'state-machine', ['clock'], 30),
      ],
      contextFor: () => ({}) as CertifyContext,
      powers: new Set<Power>(['clock']),
      sharedClock: false,
      sharedFaults: false,
    });
    expect(results.map((r) => `${r.id} ${r.status}`)).toEqual([
      'auth.quick pass',
      'auth.waits pass',
      'state.waits pass',
    ]);
    // Both waits started before either ended: a --slow run waits once, not once per check.
    expect(log.indexOf('start state.waits')).toBeLessThan(log.indexOf('end auth.waits'));
  });
});
