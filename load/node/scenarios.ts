/** The scenarios the load runner runs, and what each provisions. */
import type { ProfileName } from '../../k6.config';
import { HarnessError } from '../../lib/errors';
import type { Micro } from '../../lib/money';
import { FLOW_ALLOWANCE } from '../load-env';

export interface ScenarioSpec {
  readonly defaultVouchers: number;
  /** What each voucher holds; for a flow scenario, per flow it gets (load/load-env.ts flowPlan). */
  readonly voucherAmount: Micro;
  /** An open-model flow scenario (load/k6/merchant-flow.ts); faults: the sandbox injects faults during it. */
  readonly flow?: { readonly faults: boolean };
  /** The profile when none is given (smoke otherwise). */
  readonly profile?: ProfileName;
}

export const LOAD_SCENARIOS = {
  'same-voucher-burst': { defaultVouchers: 3, voucherAmount: 100_000_000n },
  'idempotency-storm': { defaultVouchers: 3, voucherAmount: 100_000_000n },
  'steady-flow': { defaultVouchers: 10, voucherAmount: FLOW_ALLOWANCE, flow: { faults: false } },
  soak: { defaultVouchers: 10, voucherAmount: FLOW_ALLOWANCE, flow: { faults: false }, profile: 'soak' },
  faults: { defaultVouchers: 10, voucherAmount: FLOW_ALLOWANCE, flow: { faults: true } },
} as const satisfies Record<string, ScenarioSpec>;
export type LoadScenario = keyof typeof LOAD_SCENARIOS;

export const MAX_VOUCHERS = 100;

export function scenarioNamed(name: string): LoadScenario {
  if (name in LOAD_SCENARIOS) return name as LoadScenario;
  throw new HarnessError(
    'INVALID_ARGUMENT',
    `--scenario: unknown ${JSON.stringify(name)}; choose from ${Object.keys(LOAD_SCENARIOS).join(', ')}`,
  );
}
