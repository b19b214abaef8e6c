/** The one reader of whole-number settings the scenarios get through -e, and boundedVus on top of it. */
import { describe, expect, it } from 'vitest';
import { MAX_VUS } from '../../k6.config';
import { boundedVus, wholeSetting } from './settings';

describe('wholeSetting', () => {
  it('takes the fallback when unset or empty, the number otherwise', () => {
    expect(wholeSetting(undefined, 'RATE', 1000, 7)).toBe(7);
    expect(wholeSetting('', 'RATE', 1000, 7)).toBe(7);
    expect(wholeSetting('1000', 'RATE', 1000, 7)).toBe(1000);
  });

  it.each(['0', '1001', '2.5', 'ten', '-3', '1e3'])('refuses %j, naming the setting and the range', (raw) => {
    expect(() => wholeSetting(raw, 'RATE', 1000, 7)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: `RATE expected a whole number from 1 to 1000, got ${JSON.stringify(raw)}`,
      }),
    );
  });

  it('bounds VUs at MAX_VUS, fallback included', () => {
    expect(boundedVus(undefined, MAX_VUS + 5)).toBe(MAX_VUS);
    expect(() => boundedVus(String(MAX_VUS + 1), 5, '--vus')).toThrow(
      /^--vus expected a whole number from 1 to 1000, got "1001"$/,
    );
  });
});
