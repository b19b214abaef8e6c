/**
 * The one rule for whole numbers a user types: a command-line option (cli/options.ts) or a k6 -e
 * setting (load/k6/settings.ts) alike. Digits only, so "1e3", "-1", "2.0", "0x10" and " 5" are refused, not
 * coerced: `--vus 1e3` and `--vouchers 1e3` get the same answer. Pure: it runs inside k6 too.
 */
import { HarnessError } from './errors';

/** `text` as a whole number from `min` to `max`, or INVALID_ARGUMENT naming `field`, the range and what was given. */
export function parseWholeNumber(text: string, field: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `${field} expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  return n;
}
