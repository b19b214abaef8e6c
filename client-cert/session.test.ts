import { describe, expect, it } from 'vitest';
import { SCRIPT_TIMINGS } from './plan';
import { startCertSession } from './session';

describe('the certification session', () => {
  it('ends a scenario nobody performs at its time limit, goal not met, and says so', async () => {
    const session = await startCertSession({
      timings: { ...SCRIPT_TIMINGS, scenarioLimitMs: 300 },
      scenarios: ['full-redemption'],
    });
    try {
      const started = await session.next();
      expect(started?.spec.id).toBe('full-redemption');
      const outcome = await session.ended();
      expect(outcome?.endedBy).toBe('time-limit');
      expect(outcome?.goalMet).toBe(false);
      expect(outcome?.missing).toContain('the time limit ran out');
      expect(await session.next()).toBeUndefined();
    } finally {
      await session.close();
    }
  });

  it('registers a public key the merchant gives, and keeps no private key then', async () => {
    const own = await startCertSession({ timings: SCRIPT_TIMINGS, scenarios: ['timeout'] });
    const pem = own.publicKeyPem;
    await own.close();
    const session = await startCertSession({ timings: SCRIPT_TIMINGS, scenarios: ['timeout'], publicKeyPem: pem });
    try {
      expect(session.publicKeyPem).toBe(pem);
      expect(session.privateKeyPem).toBeUndefined();
      expect(session.plan.map((p) => p.condition)).toEqual([
        "the first redemption's answer is held 1.5 s; your client must give up waiting within 0.7 s",
      ]);
    } finally {
      await session.close();
    }
  });
});
