import { describe, expect, it } from 'vitest';
import { seedOption, wholeNumber } from './options';

describe('wholeNumber', () => {
  it('reads digits within the range, bounds included, and passes an absent option through', () => {
    expect(wholeNumber('0', '--port', 0, 65_535)).toBe(0);
    expect(wholeNumber('65535', '--port', 0, 65_535)).toBe(65_535);
    expect(wholeNumber('007', '--jobs', 1, 8)).toBe(7);
    expect(wholeNumber(undefined, '--seed', 0, 10)).toBeUndefined();
  });

  it('refuses what is not a whole number in the range, naming the flag, the range and what was given', () => {
    for (const bad of ['', '-1', '1e3', 'eight', '11']) {
      expect(() => wholeNumber(bad, '--vouchers', 1, 10)).toThrow(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          message: `--vouchers expected a whole number from 1 to 10, got ${JSON.stringify(bad)}`,
        }),
      );
    }
    expect(() => wholeNumber('0', '--vouchers', 1, 10)).toThrow(/from 1 to 10, got "0"/);
  });
});

describe('seedOption', () => {
  it('takes a seed below 2^31, refuses one at it, and draws one when none is given', () => {
    expect(seedOption('2147483647')).toBe(2 ** 31 - 1);
    expect(() => seedOption('2147483648')).toThrow(
      /^--seed expected a whole number from 0 to 2147483647, got "2147483648"$/,
    );
    const drawn = seedOption(undefined);
    expect(Number.isInteger(drawn) && drawn >= 0 && drawn < 2 ** 31).toBe(true);
  });
});
