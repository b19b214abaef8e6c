import { describe, expect, it } from 'vitest';
import { parseWholeNumber } from './whole-number';

describe('parseWholeNumber', () => {
  it('reads digits within the range, bounds and leading zeros included', () => {
    expect(parseWholeNumber('0', '--port', 0, 65_535)).toBe(0);
    expect(parseWholeNumber('65535', '--port', 0, 65_535)).toBe(65_535);
    expect(parseWholeNumber('007', '--jobs', 1, 8)).toBe(7);
  });

  it.each(['', ' 5', '5 ', '-1', '2.0', '1e3', '0x10', 'eight', '11', '0', '99999999999999999999'])(
    'refuses %j, naming the field, the range and what was given',
    (bad) => {
      expect(() => parseWholeNumber(bad, 'VUS', 1, 10)).toThrow(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          message: `VUS expected a whole number from 1 to 10, got ${JSON.stringify(bad)}`,
        }),
      );
    },
  );
});
