import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownHarnessError } from './testing/thrown-harness-error';
import { formatMoney, moneyFromDecimal, moneyFromJson, moneyFromJsonNumber, moneyToDecimalLiteral, moneyToJsonNumber } from './money';

const code = (f: () => unknown): string => thrownHarnessError(f).code;

describe('money', () => {
  it('parses the API decimal strings exactly', () => {
    expect(moneyFromDecimal('50.000000')).toBe(50_000_000n);
    expect(moneyFromDecimal('0.005000')).toBe(5_000n);
    expect(moneyFromDecimal('12.5')).toBe(12_500_000n);
    expect(moneyFromDecimal('7')).toBe(7_000_000n);
    expect(moneyFromDecimal('0.0000010')).toBe(1n);
  });

  it('parses JSON numbers as the server sees them', () => {
    expect(moneyFromJsonNumber(500)).toBe(500_000_000n);
    expect(moneyFromJsonNumber(12.5)).toBe(12_500_000n);
    expect(moneyFromJsonNumber(0.1)).toBe(100_000n);
    expect(moneyFromJsonNumber(1e-6)).toBe(1n);
    expect(moneyFromJsonNumber(5e2)).toBe(500_000_000n);
    expect(moneyFromJsonNumber(9_007_199_254_740_991)).toBe(9_007_199_254_740_991_000_000n);
    expect(moneyFromJsonNumber(-0)).toBe(0n);
  });

  it('refuses NaN, Infinity, negatives, more than 6 places and unsafe integers with a code', () => {
    expect(code(() => moneyFromJsonNumber(Number.NaN))).toBe('MONEY_INVALID');
    expect(code(() => moneyFromJsonNumber(Infinity))).toBe('MONEY_INVALID');
    expect(code(() => moneyFromJsonNumber(-1))).toBe('MONEY_INVALID');
    expect(code(() => moneyFromJsonNumber(1.0000001))).toBe('MONEY_INVALID');
    expect(code(() => moneyFromJsonNumber(1e-7))).toBe('MONEY_INVALID');
    expect(code(() => moneyFromJsonNumber(2 ** 53))).toBe('MONEY_UNSAFE_INTEGER');
    expect(code(() => moneyFromDecimal('12.3456789'))).toBe('MONEY_INVALID');
    expect(code(() => moneyFromDecimal('-1.00'))).toBe('MONEY_INVALID');
    expect(code(() => moneyFromDecimal('1e3'))).toBe('MONEY_INVALID');
    expect(code(() => moneyFromDecimal(''))).toBe('MONEY_INVALID');
    expect(code(() => moneyFromJson(true))).toBe('MONEY_INVALID');
  });

  it('names the field and the value in its message', () => {
    expect(() => moneyFromDecimal('12.3456789', 'remainingBalance')).toThrow(/"remainingBalance" expected .* at most 6 places, got "12.3456789"/);
  });

  it('formats back to 6 places', () => {
    expect(formatMoney(50_000_000n)).toBe('50.000000');
    expect(formatMoney(5_000n)).toBe('0.005000');
    expect(formatMoney(0n)).toBe('0.000000');
    expect(formatMoney(-1n)).toBe('-0.000001');
    expect(moneyToDecimalLiteral(12_500_000n)).toBe('12.5');
    expect(moneyToDecimalLiteral(500_000_000n)).toBe('500');
    expect(moneyToDecimalLiteral(0n)).toBe('0');
  });

  it('round-trips any micro amount through the 6-place string', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 24n }), (micro) => moneyFromDecimal(formatMoney(micro)) === micro));
  });

  it('round-trips amounts with at most 15 significant digits through a JSON number', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }), (micro) => {
        const n = moneyToJsonNumber(micro);
        return moneyFromJsonNumber(JSON.parse(JSON.stringify(n)) as number) === micro;
      }),
    );
  });

  it('refuses to put an amount a double would round into a JSON number', () => {
    expect(code(() => moneyToJsonNumber(12_345_678_901_234_567n))).toBe('MONEY_UNSAFE_INTEGER');
    expect(code(() => moneyToJsonNumber(-5n))).toBe('MONEY_UNSAFE_INTEGER');
  });

  it('agrees with exact decimal arithmetic for any double with at most 6 places', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 999_999 }), (units, micros) => {
        const text = `${units}.${String(micros).padStart(6, '0')}`;
        return moneyFromJsonNumber(Number(text)) === BigInt(units) * 1_000_000n + BigInt(micros);
      }),
    );
  });
});
