/**
 * The history checker's speed (issue 5: a history of 1,000,000 operations is checked in seconds):
 * a correct run of 20,000 vouchers × about 50 ops, simulated in memory, then checked with its
 * ledger. Prints figures; asserts nothing. `npx tsx bench/checker-bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import { seededRandom } from '../lib/random';
import { checkHistory } from '../reports/history-checker';
import { randomPlans, simulateRun } from '../reports/history-simulation';

export interface CheckerBenchResult {
  ops: number;
  ms: number;
  opsPerSec: number;
  /** The same history checked without the ledger (the client's view only). */
  msWithoutLedger: number;
}

export async function benchChecker(vouchers = 20_000, claimsPerVoucher = 25): Promise<CheckerBenchResult> {
  const run = simulateRun(randomPlans(seededRandom(5), vouchers, claimsPerVoucher), { runners: 4 });
  const timed = (ledger: boolean) => {
    const start = performance.now();
    const verdict = checkHistory({ ops: run.ops, finals: run.finals, initial: run.initial, otpSource: true, ...(ledger ? { ledger: run.ledger } : {}) });
    const ms = performance.now() - start;
    // A correct run must pass: a figure for a checker that found violations would be meaningless.
    if (verdict.valid !== true) throw new Error(`checker bench: the correct model's history was judged ${String(verdict.valid)}: ${verdict.violations[0]?.message}`);
    return ms;
  };
  const ms = timed(true);
  const msWithoutLedger = timed(false);
  return { ops: run.ops.length, ms: Math.round(ms), opsPerSec: Math.round((run.ops.length * 1000) / ms), msWithoutLedger: Math.round(msWithoutLedger) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log('History checker: a correct run of 20,000 vouchers, checked with its ledger and without');
  console.table(await benchChecker());
}
