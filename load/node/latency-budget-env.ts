/**
 * The target file's latency budget as k6 gets it: p95 milliseconds by endpoint tag in
 * LOAD_ENV.latencyP95Ms, which the scenarios' thresholds read (k6.config.ts thresholdsFor). One
 * helper for the local run and the Kubernetes manifests, so both hold a target to the same budget.
 */
import { p95BudgetsOf } from '../../k6.config';
import type { Expectations, InitiatePath } from '../../lib/target-config';
import { LOAD_ENV } from '../load-env';

export function latencyBudgetEnv(config: {
  readonly expectations: Pick<Expectations, 'latencyP95Ms'>;
  readonly initiatePath: InitiatePath;
}): Record<string, string> {
  const budgets = p95BudgetsOf(config.expectations.latencyP95Ms, config.initiatePath);
  return Object.keys(budgets).length === 0 ? {} : { [LOAD_ENV.latencyP95Ms]: JSON.stringify(budgets) };
}
