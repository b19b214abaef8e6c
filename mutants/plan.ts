/**
 * What the mutation gate runs: for each seeded defect, certify's checks against a sandbox with that
 * defect alone switched on, and for the concurrency and idempotency defects the load scenario that
 * provokes them; then the same against the correct sandbox (no defect), which must pass all of it.
 */
import { listDefects, parseDefectNames } from '../sandbox/defects';
import type { DefectArea, DefectInfo } from '../sandbox/defects';
import type { LoadScenario } from '../load/node/scenarios';

/** The load command's options a gate run sets, beside the scenario, defect, seed and output folder. */
export interface LoadSettings {
  readonly vus: number;
  readonly vouchers: number;
  /** Burst only: the claims ask for this many times the balance, so an over-reservation has room to show. */
  readonly fill?: number;
}

export interface LoadPlan {
  readonly scenario: LoadScenario;
  readonly settings: LoadSettings;
}

/**
 * An oversubscribed burst catches check-then-act, the storm one effect per key. Fill 5, as in the
 * load proof (scripts/proof-load.ts): a correct server accepts about 4 of the 20 claims, so the
 * balance runs out mid-burst, where claims are checked together. Measured with these settings
 * (2026-12-03, 20 bursts a run): fill 5 named the race in 20/20 bursts in each of 3 runs (one
 * with a core kept busy); fill 25 in 16/20 on a quiet machine, since its balance ran out at the
 * first claim or two, which reach an idle server one at a time.
 */
const BURST: LoadPlan = { scenario: 'same-voucher-burst', settings: { vus: 20, vouchers: 2, fill: 5 } };
const STORM: LoadPlan = { scenario: 'idempotency-storm', settings: { vus: 20, vouchers: 2 } };

/** The scenario each area's defects also face; areas not named here are judged by the checks alone. */
const LOAD_BY_AREA: Partial<Record<DefectArea, LoadPlan>> = { concurrency: BURST, idempotency: STORM };

/** One unit of work for a gate worker. `defect` undefined: the correct sandbox. */
export type GateTask =
  | { readonly kind: 'checks'; readonly defect: string | undefined; readonly seed: number }
  | {
      readonly kind: 'load';
      readonly defect: string | undefined;
      readonly seed: number;
      readonly plan: LoadPlan;
      readonly out: string;
    };

/** Every scenario some defect faces: the correct sandbox must hold under each. */
const allLoadPlans = (): LoadPlan[] => [...new Set(Object.values(LOAD_BY_AREA))];

/**
 * The tasks for `defects`, load runs first: they wait on k6 much of the time, so starting them
 * early overlaps that wait with check runs in the other workers.
 */
export function planTasks(
  defects: readonly DefectInfo[],
  seed: number,
  loadDir: (subject: string, scenario: LoadScenario) => string,
): GateTask[] {
  const loads: GateTask[] = [];
  for (const defect of defects) {
    const plan = LOAD_BY_AREA[defect.area];
    if (plan) loads.push({ kind: 'load', defect: defect.name, seed, plan, out: loadDir(defect.name, plan.scenario) });
  }
  for (const plan of allLoadPlans())
    loads.push({ kind: 'load', defect: undefined, seed, plan, out: loadDir('correct', plan.scenario) });
  const checks: GateTask[] = [
    ...defects.map((d) => ({ kind: 'checks' as const, defect: d.name, seed })),
    { kind: 'checks', defect: undefined, seed },
  ];
  return [...loads, ...checks];
}

/** The defects named by --only (all when none), in the catalog's order; an unknown name is refused with the list. */
export function selectDefects(only: readonly string[] | undefined): readonly DefectInfo[] {
  if (only === undefined || only.length === 0) return listDefects();
  const named = new Set<string>(parseDefectNames(only));
  return listDefects().filter((d) => named.has(d.name));
}
