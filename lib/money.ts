/**
 * Money as integer micro-units (bigint). The API's responses carry amounts as 6-place decimal
 * strings ("50.000000") and its requests as JSON numbers (500, 12.5): both convert here, exactly,
 * and nothing in the harness does arithmetic on floats.
 */
import { HarnessError, describeValue } from './errors';

export type Micro = bigint;

export const MICRO_PER_UNIT = 1_000_000n;
export const MONEY_DECIMALS = 6;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const EXPONENT = /^(\d+)(?:\.(\d+))?e([+-]?\d+)$/i;

function invalid(field: string, got: unknown, why: string): HarnessError {
  return new HarnessError(
    'MONEY_INVALID',
    `"${field}" expected a non-negative decimal with at most 6 places, got ${describeValue(got)}: ${why}`,
  );
}

/** Digits and a power-of-ten shift to micro-units, refusing fractions finer than a micro-unit. */
function microFromDigits(intPart: string, fraction: string, exponent: number, field: string, got: unknown): Micro {
  const digits = intPart + fraction;
  const shift = MONEY_DECIMALS - fraction.length + exponent;
  if (shift >= 0) return BigInt(digits) * 10n ** BigInt(shift);
  const kept = digits.slice(0, digits.length + shift) || '0';
  const dropped = digits.slice(digits.length + shift);
  if (/[1-9]/.test(dropped)) throw invalid(field, got, 'more than 6 decimal places');
  return BigInt(kept);
}

/** Parses a decimal string such as "50.000000" or "12.5" (no sign, no exponent) into micro-units. */
export function moneyFromDecimal(text: string, field = 'amount'): Micro {
  if (typeof text !== 'string') throw invalid(field, text, 'not a string');
  const m = DECIMAL.exec(text);
  if (!m) throw invalid(field, text, 'not a plain decimal number');
  return microFromDigits(m[1]!, m[2] ?? '', 0, field, text);
}

/**
 * Converts a JSON number as the server's JSON.parse sees it. The shortest round-trip spelling
 * (String(n)) is the decimal the client meant, so 12.5 is exactly 12_500_000 micro-units.
 */
export function moneyFromJsonNumber(value: number, field = 'amount'): Micro {
  if (typeof value !== 'number') throw invalid(field, value, 'not a number');
  if (!Number.isFinite(value)) throw invalid(field, value, 'not finite');
  if (value < 0) throw invalid(field, value, 'negative');
  if (Math.trunc(value) > Number.MAX_SAFE_INTEGER) {
    throw new HarnessError(
      'MONEY_UNSAFE_INTEGER',
      `"${field}" is ${describeValue(value)}, beyond 2^53-1: a JSON number cannot carry it exactly`,
    );
  }
  const spelled = String(Math.abs(value)); // -0 is zero, not a negative amount
  const m = DECIMAL.exec(spelled) ?? EXPONENT.exec(spelled);
  if (!m) throw invalid(field, value, 'not a decimal number');
  return microFromDigits(m[1]!, m[2] ?? '', Number(m[3] ?? 0), field, value);
}

/** Accepts either form: a decimal string from a response or a number from a request body. */
export function moneyFromJson(value: unknown, field = 'amount'): Micro {
  if (typeof value === 'string') return moneyFromDecimal(value, field);
  if (typeof value === 'number') return moneyFromJsonNumber(value, field);
  throw invalid(field, value, 'neither a number nor a decimal string');
}

/** Formats micro-units as the API's 6-place decimal string: 50_000_000n → "50.000000". */
export function formatMoney(micro: Micro): string {
  if (typeof micro !== 'bigint')
    throw new HarnessError('INVALID_ARGUMENT', `"micro" expected a bigint, got ${describeValue(micro)}`);
  const sign = micro < 0n ? '-' : '';
  const abs = micro < 0n ? -micro : micro;
  return `${sign}${abs / MICRO_PER_UNIT}.${(abs % MICRO_PER_UNIT).toString().padStart(MONEY_DECIMALS, '0')}`;
}

/** The shortest decimal spelling (no trailing zeros), as a client would write the JSON number. */
export function moneyToDecimalLiteral(micro: Micro): string {
  const fixed = formatMoney(micro);
  return fixed.replace(/\.?0+$/, '') || '0';
}

/**
 * The JSON number for a request body. Refuses amounts a double would round, so the number the
 * server parses is exactly the amount meant.
 */
export function moneyToJsonNumber(micro: Micro, field = 'amount'): number {
  const literal = moneyToDecimalLiteral(micro);
  const n = Number(literal);
  if (micro < 0n || String(n) !== literal) {
    throw new HarnessError(
      'MONEY_UNSAFE_INTEGER',
      `"${field}" ${literal} cannot travel as a JSON number without rounding; use at most 15 significant digits`,
    );
  }
  return n;
}
