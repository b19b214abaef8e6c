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

  it('needs no sandbox power: a target without the admin API gives fixtures or test hooks instead', () => {
    // The context's skip reason names the fixture or the hook a target lacks (suites/context.ts).
    for (const { endpoint, code } of documentedPairs())
      expect(pairProvoker(endpoint, code).needs, `${endpoint} ${code}`).toEqual([]);
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
