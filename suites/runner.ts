/**
 * The one check runner: certify, the mutation gate and `npm test` all run the registered checks
 * through it, in this process. Areas run one after another, in AREAS order; inside an area,
 * independent checks run concurrently. A check that moves the shared server clock or queues a
 * fault on the sandbox's shared queue runs alone: a token, an OTP or a queued fault must not be
 * pulled from under a check that happens to run beside it (a test hook's fault rides on its own
 * request and needs no such care). With --slow, the checks that wait real time out start at once,
 * beside all the others, so a run waits about one lifetime, not one per such check. Every check
 * gets a context of its own (its own random stream of the run's seed), so a result replays from
 * the seed whatever ran beside it.
 */
import { AREAS } from './check-result';
import type { Area, CheckResult, Power } from './check-result';
import { runCheck } from './check';
import type { CheckDefinition } from './check';
import type { CertifyContext } from './context';

export type CertifyCheck = CheckDefinition<CertifyContext>;

/** Checks at a time inside an area: enough to hide a slow target's latency, few enough for 2 cores. */
export const DEFAULT_CONCURRENCY = 6;

export interface RunChecksOptions {
  readonly checks: readonly CertifyCheck[];
  /** A fresh context for one check (its own random stream, its own clients). */
  readonly contextFor: (check: CertifyCheck) => CertifyContext;
  /** What the target can do; a check needing more is skipped with the reason. */
  readonly powers: ReadonlySet<Power>;
  /** True when moving the clock moves it for every check (a sandbox's admin clock, not --slow's real wait). */
  readonly sharedClock: boolean;
  /** True when faults come from a queue every request shares (the sandbox's admin faults, not test hooks). */
  readonly sharedFaults: boolean;
  readonly concurrency?: number;
  /** Stops starting checks; those not started end as skips saying the run was interrupted. */
  readonly signal?: AbortSignal;
  /**
   * Why the run must stop (a target that stopped answering: TargetHealth.stopReason), else undefined;
   * once it says so, no check starts and those not started end as skips giving the reason.
   */
  readonly stopReason?: () => string | undefined;
  /** Each result as it comes, with how many of the run's checks are done: for progress lines. */
  readonly onResult?: (result: CheckResult, done: number, total: number) => void;
}

export const INTERRUPTED_REASON = 'not run: the run was interrupted before this check started';

/** What gives a target each power it can have without the sandbox's admin API (docs/target-config.md). */
const UNLOCKS: Partial<Record<Power, string>> = {
  faults:
    'a test environment that honours the x-omnivas-test-fault header (docs/test-hooks.md) provides faults: set "testHooks": true in the target file',
  clock: 'certify --slow waits the time out instead',
  'otp-per-claim':
    'an "otp" source of "http" or "command" in the target file that reads the code each claim was sent provides it (a "fixed" OTP is the same for every claim)',
};

function missingPowers(needs: readonly Power[], powers: ReadonlySet<Power>): string | undefined {
  const missing = needs.filter((p) => !powers.has(p));
  if (missing.length === 0) return undefined;
  const unlocks = missing.flatMap((p) => UNLOCKS[p] ?? []);
  return [
    `needs sandbox-only powers (${missing.join(', ')}): not provokable from outside on this target`,
    ...unlocks,
  ].join('; ');
}

const powersOfCheck = (check: CertifyCheck): readonly Power[] => [...(check.needs ?? []), ...(check.uses ?? [])];

/** A check that must have the target to itself while it runs: one that queues shared faults or moves a shared clock. */
export function runsAlone(check: CertifyCheck, shared: { sharedClock: boolean; sharedFaults: boolean }): boolean {
  const powers = powersOfCheck(check);
  return (shared.sharedFaults && powers.includes('faults')) || (shared.sharedClock && powers.includes('clock'));
}

/** A check that waits real time out (--slow: a clock the target has only by waiting), so mostly idle. */
function waitsRealTime(check: CertifyCheck, options: RunChecksOptions): boolean {
  return !options.sharedClock && options.powers.has('clock') && powersOfCheck(check).includes('clock');
}

function notStarted(check: CertifyCheck, reason: string): CheckResult {
  return {
    id: check.id,
    title: check.title,
    area: check.area,
    severity: check.severity,
    source: check.source,
    basis: check.basis,
    kind: check.kind ?? 'requirement',
    needs: check.needs ?? [],
    status: 'skip',
    reason,
    evidence: [],
    durationMs: 0,
  };
}

/** Runs `checks` and returns their results in the order given (grouped by area, in AREAS order). */
export async function runChecks(options: RunChecksOptions): Promise<CheckResult[]> {
  const { checks, powers, signal } = options;
  const limit = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const ordered = AREAS.flatMap((area: Area) => checks.filter((c) => c.area === area));
  const results = new Map<CertifyCheck, CheckResult>();
  const skipUnless = (needs: readonly Power[]) => missingPowers(needs, powers);
  const record = (check: CertifyCheck, result: CheckResult) => {
    results.set(check, result);
    options.onResult?.(result, results.size, ordered.length);
  };
  const runOne = async (check: CertifyCheck) => {
    if (signal?.aborted) return record(check, notStarted(check, INTERRUPTED_REASON));
    const stop = options.stopReason?.();
    if (stop !== undefined) return record(check, notStarted(check, `not run: the target stopped answering: ${stop}`));
    record(check, await runCheck(check, options.contextFor(check), { skipUnless }));
  };

  // Started first and not counted against the limit: they spend their time waiting, not sending.
  const waiting = ordered.filter((c) => waitsRealTime(c, options)).map(runOne);
  for (const area of AREAS) {
    const queue = ordered.filter((c) => c.area === area && !waitsRealTime(c, options));
    const running = new Set<Promise<void>>();
    for (const check of queue) {
      if (runsAlone(check, options)) {
        await Promise.all(running);
        await runOne(check);
        continue;
      }
      if (running.size >= limit) await Promise.race(running);
      const task: Promise<void> = runOne(check).finally(() => running.delete(task));
      running.add(task);
    }
    await Promise.all(running);
  }
  await Promise.all(waiting);
  return ordered.map((check) => results.get(check)!);
}
