/**
 * Reading the whole-number settings a scenario gets through -e (VUS, RATE, DURATION_S, …) by the
 * command line's rule (lib/whole-number.ts), so `-e VUS=1e3` and `--vus 1e3` get the same answer.
 * No k6 import: the scenarios bundle it, and its test runs in Node.
 */
import { parseWholeNumber } from '../../lib';
import { MAX_VUS } from '../../k6.config';

/** A whole number from 1 to `max` set through -e (`fallback` when unset or empty). */
export function wholeSetting(raw: string | undefined, field: string, max: number, fallback: number): number {
  return raw === undefined || raw === '' ? fallback : parseWholeNumber(raw, field, 1, max);
}

/** A VU count from -e, bounded by the profiles' MAX_VUS (the fallback too). */
export function boundedVus(raw: string | undefined, fallback: number, field = 'VUS'): number {
  return wholeSetting(raw, field, MAX_VUS, Math.min(fallback, MAX_VUS));
}
