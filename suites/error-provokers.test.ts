import { describe, expect, it } from 'vitest';
import { documentedPairs } from '../lib/error-catalog';
import { documentedMessageMatches } from './error-answer';
import { pairProvoker, tabledPairs } from './error-provokers';

describe('error provokers', () => {
  it('has one for every documented (endpoint, code) pair', () => {
    for (const { endpoint, code } of documentedPairs())
      expect(() => pairProvoker(endpoint, code), `${endpoint} ${code}`).not.toThrow();
  });

  it('tables no pair the document does not list', () => {
    const documented = new Set(documentedPairs().map((p) => `${p.endpoint} ${p.code}`));
    for (const { endpoint, code } of tabledPairs())
      expect(documented.has(`${endpoint} ${code}`), `${endpoint} ${code}`).toBe(true);
  });

  it('needs the faults power (a sandbox, or test hooks) exactly for the codes only a fault provokes', () => {
    // 4043, 4044, 4045 and the rest: fixtures, a test hook or the admin API, as the context can (suites/context.ts).
    for (const { endpoint, code } of documentedPairs()) {
      const fault =
        [4092, 4093, 4094, 4095, 5001, 5002, 5003, 5004, 5031].includes(code) ||
        (code === 4091 && endpoint === 'redeem-gift');
      expect(pairProvoker(endpoint, code).needs, `${endpoint} ${code}`).toEqual(fault ? ['faults'] : []);
    }
  });
});

describe('documented messages', () => {
  it('match exactly, or around the placeholder with some provider text in it', () => {
    expect(documentedMessageMatches(4035, 'The provided verification code is incorrect')).toBe(true);
    expect(documentedMessageMatches(4035, 'The provided verification code is incorrect.')).toBe(false);
    expect(documentedMessageMatches(5031, 'Transfer failed: telebirr timeout')).toBe(true);
    expect(documentedMessageMatches(5031, 'Transfer failed: ')).toBe(false);
    expect(documentedMessageMatches(5031, 'Transfer error: telebirr timeout')).toBe(false);
  });
});
