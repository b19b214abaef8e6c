/** Parsing of the commands' numeric options, so every flag refuses bad input with the same message. */
import { parseWholeNumber } from '../lib/whole-number';

/**
 * `text` as a whole number from `min` to `max` (lib/whole-number.ts: digits only, as k6's settings);
 * undefined when the option was not given (the caller picks its default).
 */
export function wholeNumber(text: string, flag: string, min: number, max: number): number;
export function wholeNumber(text: string | undefined, flag: string, min: number, max: number): number | undefined;
export function wholeNumber(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  return text === undefined ? undefined : parseWholeNumber(text, flag, min, max);
}

/** --seed: a whole number below 2^31, which k6 and the seeded sources take alike; a random one when not given (the reports name it). */
export function seedOption(text: string | undefined): number {
  return wholeNumber(text, '--seed', 0, 2 ** 31 - 1) ?? Math.floor(Math.random() * 2 ** 31);
}
