/**
 * Σ of amounts whose time is strictly before a moment, answered by binary search over sorted
 * prefix sums: the n log n building block of the reservation sweeps. An unknown amount (a
 * whole-balance claim) is counted apart, so a caller can tell "at least" from "exactly".
 */
export interface TimedAmount {
  readonly t: number;
  readonly amount: bigint | null;
}

export interface SumBefore {
  readonly sum: bigint;
  /** How many of the entries before the moment had an unknown amount (not in `sum`). */
  readonly unknown: number;
}

export class TimeSums {
  readonly #times: number[];
  readonly #sums: bigint[];
  readonly #unknowns: number[];

  constructor(entries: readonly TimedAmount[]) {
    const sorted = [...entries].sort((a, b) => a.t - b.t);
    this.#times = sorted.map((e) => e.t);
    this.#sums = [0n];
    this.#unknowns = [0];
    for (const e of sorted) {
      this.#sums.push(this.#sums[this.#sums.length - 1]! + (e.amount ?? 0n));
      this.#unknowns.push(this.#unknowns[this.#unknowns.length - 1]! + (e.amount === null ? 1 : 0));
    }
  }

  /** Entries with t < moment. */
  before(moment: number): SumBefore {
    let lo = 0;
    let hi = this.#times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#times[mid]! < moment) lo = mid + 1;
      else hi = mid;
    }
    return { sum: this.#sums[lo]!, unknown: this.#unknowns[lo]! };
  }
}
