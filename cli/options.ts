/** Parsing of the commands' numeric options, so every flag refuses bad input with the same message. */
import { HarnessError } from '../lib/errors';

/**
 * `text` as a whole number from `min` to `max`; undefined when the option was not given (the
 * caller picks its default). Digits only: "1e3", "-1", "2.0" and " 5" are refused, not coerced.
 */
export function wholeNumber(text: string, flag: string, min: number, max: number): number;
export function wholeNumber(text: string | undefined, flag: string, min: number, max: number): number | undefined;
export function wholeNumber(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `${flag} expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  return Number(text);
}

/** --seed: a whole number below 2^31, which k6 and the seeded sources take alike; a random one when not given (the reports name it). */
export function seedOption(text: string | undefined): number {
  return wholeNumber(text, '--seed', 0, 2 ** 31 - 1) ?? Math.floor(Math.random() * 2 ** 31);
}
