/**
 * When a change between the latest run and its baseline counts as a regression. The defaults are
 * documented in README.md › Run history and trends and in `trend --help`; each is a trend option.
 */
import { HarnessError } from '../lib/errors';

export interface TrendThresholds {
  /** p95 regresses when latest > baseline × this … */
  readonly p95Ratio: number;
  /** … and latest − baseline is at least this many ms (loopback latencies of 2–20 ms jitter by more than 20 %). */
  readonly p95MinIncreaseMs: number;
  /** The unexplained error rate regresses when it rises by more than this (0.01: one percentage point). */
  readonly errorRateIncrease: number;
  /** Throughput regresses when latest < baseline × this. */
  readonly throughputRatio: number;
}

export const DEFAULT_THRESHOLDS: TrendThresholds = {
  p95Ratio: 1.2,
  p95MinIncreaseMs: 5,
  errorRateIncrease: 0.01,
  throughputRatio: 0.8,
};

/** How many runs a trend shows and takes its baseline from (the latest and up to N−1 before it). */
export const DEFAULT_LAST = 10;

/** A decimal option in [min, max]; undefined when not given. No exponents, no signs: "1e3" is refused, not read. */
export function decimalOption(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || n < min || n > max)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `${flag} expected a number from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  return n;
}
