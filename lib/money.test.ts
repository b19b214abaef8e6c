import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownHarnessError } from './testing/thrown-harness-error';
import {
  formatMoney,
  moneyFromDecimal,
  moneyFromJson,
  moneyFromJsonNumber,
  moneyToDecimalLiteral,
  moneyToJsonNumber,
} from './money';

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
    expect(() => moneyFromDecimal('12.3456789', 'remainingBalance')).toThrow(
      /"remainingBalance" expected .* at most 6 places, got "12.3456789"/,
    );
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
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 24n }), (micro) => moneyFromDecimal(formatMoney(micro)) === micro),
    );
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

// Each refusal says which field and why, because the message is the user's only guide to the fix
// (CONTRIBUTING.md › Bad input gets a clear error). Found weak by mutation testing (npm run mutants:lib).
describe('money refusals name the field and the reason', () => {
  const refusal = (f: () => unknown): string => {
    const err = thrownHarnessError(f);
    return `${err.code}: ${err.message}`;
  };

  it('defaults the field to "amount" and passes a given one through', () => {
    expect(refusal(() => moneyFromDecimal('x'))).toMatch(/^MONEY_INVALID: "amount" /);
    expect(refusal(() => moneyFromJsonNumber(-1))).toMatch(/^MONEY_INVALID: "amount" /);
    expect(refusal(() => moneyFromJson(null))).toMatch(/^MONEY_INVALID: "amount" /);
    expect(refusal(() => moneyToJsonNumber(-5n))).toMatch(/^MONEY_UNSAFE_INTEGER: "amount" /);
    expect(refusal(() => moneyFromJsonNumber(-1, 'fee'))).toMatch(/^MONEY_INVALID: "fee" /);
    expect(refusal(() => moneyFromJson('1.2345678', 'fee'))).toMatch(/^MONEY_INVALID: "fee" /);
    expect(refusal(() => moneyFromJson(1e-7, 'fee'))).toMatch(/^MONEY_INVALID: "fee" /);
    expect(refusal(() => moneyToJsonNumber(-5n, 'fee'))).toMatch(
      /^MONEY_UNSAFE_INTEGER: "fee" -0.000005 cannot travel/,
    );
    expect(refusal(() => moneyFromJsonNumber(2 ** 53, 'fee'))).toMatch(
      /^MONEY_UNSAFE_INTEGER: "fee" is 9007199254740992, beyond 2\^53-1/,
    );
  });

  it.each([
    [
      'a number where a decimal string belongs',
      () => moneyFromDecimal(12 as unknown as string),
      'got 12: not a string',
    ],
    ['a signed decimal', () => moneyFromDecimal('-1.00'), 'got "-1.00": not a plain decimal number'],
    ['a 7th decimal place', () => moneyFromDecimal('1.0000001'), 'more than 6 decimal places'],
    ['a string where a number belongs', () => moneyFromJsonNumber('12' as unknown as number), 'got "12": not a number'],
    ['NaN', () => moneyFromJsonNumber(Number.NaN), 'got NaN: not finite'],
    ['-Infinity', () => moneyFromJsonNumber(-Infinity), 'got -Infinity: not finite'],
    ['a negative number', () => moneyFromJsonNumber(-0.5), 'got -0.5: negative'],
    // Below 1e-6 String() spells the number with an exponent: still a fraction that is too fine.
    ['1e-7, spelled with an exponent', () => moneyFromJsonNumber(1e-7), 'got 1e-7: more than 6 decimal places'],
    [
      '1.5e-7, spelled with an exponent and a fraction',
      () => moneyFromJsonNumber(1.5e-7),
      'got 1.5e-7: more than 6 decimal places',
    ],
    ['a boolean', () => moneyFromJson(true), 'got type=boolean: neither a number nor a decimal string'],
  ])('refuses %s, saying why', (_, f, reason) => {
    expect(refusal(f)).toMatch(/^MONEY_INVALID: /);
    expect(refusal(f)).toContain(reason);
  });

  it('accepts zeros beyond the 6th place, keeping every digit before them', () => {
    expect(moneyFromDecimal('0.0000020')).toBe(2n);
    expect(moneyFromDecimal('12.34567800')).toBe(12_345_678n);
  });

  it('moneyFromJson reads both wire forms', () => {
    expect(moneyFromJson('12.5')).toBe(12_500_000n);
    expect(moneyFromJson(12.5)).toBe(12_500_000n);
    expect(moneyFromJson(0)).toBe(0n);
  });

  it('formatMoney refuses a non-bigint with INVALID_ARGUMENT instead of a TypeError', () => {
    expect(refusal(() => formatMoney(5 as unknown as bigint))).toBe(
      'INVALID_ARGUMENT: "micro" expected a bigint, got 5',
    );
  });

  it('keeps significant zeros when trimming a decimal literal', () => {
    expect(moneyToDecimalLiteral(10_000_000n)).toBe('10');
    expect(moneyToDecimalLiteral(10_500_000n)).toBe('10.5');
    expect(moneyToDecimalLiteral(100_000n)).toBe('0.1');
    expect(moneyToJsonNumber(10_000_000n)).toBe(10);
  });
});
