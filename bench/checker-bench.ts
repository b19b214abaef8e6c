/**
 * The history checker's speed (issue 5: a history of 1,000,000 operations is checked in seconds):
 * a correct run of 20,000 vouchers × about 52 ops, simulated in memory, then checked with its
 * ledger. Prints figures; asserts nothing. `npx tsx bench/checker-bench.ts`.
 */
import { formatHistoryLine, parseHistoryLine } from '../lib/history';
import { seededRandom } from '../lib/random';
import { checkHistory } from '../load/checker/checker';
import { randomPlans, simulateRun } from '../load/checker/simulation';

export interface CheckerBenchResult {
  ops: number;
  /** Wall-clock time of checkHistory with the ledger. */
  ms: number;
  opsPerSec: number;
  /** CPU time of that check (user + system, this process): on a busy machine a steadier figure than wall time. */
  cpuMs: number;
  /** The same history checked without the ledger (the client's view only). */
  msWithoutLedger: number;
}

export async function benchChecker(vouchers = 20_000, claimsPerVoucher = 27): Promise<CheckerBenchResult> {
  const run = simulateRun(randomPlans(seededRandom(5), vouchers, claimsPerVoucher), { runners: 4 });
  // As the checker meets them: parsed from history lines (flat strings, one object shape per line kind).
  const ops = run.ops.map((op) => parseHistoryLine(formatHistoryLine(op))!);
  run.ops.length = 0;
  const timed = (ledger: boolean) => {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const verdict = checkHistory({
      ops,
      finals: run.finals,
      initial: run.initial,
      otpSource: true,
      ...(ledger ? { ledger: run.ledger } : {}),
    });
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    // A correct run must pass: a figure for a checker that found violations would be meaningless.
    if (verdict.valid !== true)
      throw new Error(
        `checker bench: the correct model's history was judged ${String(verdict.valid)}: ${verdict.violations[0]?.message}`,
      );
    return { ms, cpuMs: (used.user + used.system) / 1000 };
  };
  const { ms, cpuMs } = timed(true);
  const msWithoutLedger = timed(false).ms;
  return {
    ops: ops.length,
    ms: Math.round(ms),
    opsPerSec: Math.round((ops.length * 1000) / ms),
    cpuMs: Math.round(cpuMs),
    msWithoutLedger: Math.round(msWithoutLedger),
  };
}

// Run directly (npx tsx bench/checker-bench.ts); bundled into dist/bench.js, bench/main.ts calls it.
if (/bench[\\/]checker-bench\.ts$/.test(process.argv[1] ?? '')) {
  console.log('History checker: a correct run of 20,000 vouchers, checked with its ledger and without');
  console.table(await benchChecker());
}
