/**
 * The rules a load run against a target file obeys before anything is sent: a target off this
 * machine needs the file's consent (its `load` section), every run stays within the section's
 * limits, and without sandbox powers only the scenarios a client can run and judge are allowed, on
 * the vouchers the section lists. Also the plan a run follows, as --dry-run prints it.
 */
import { describeLatencyLimits, profileNamed } from '../../k6.config';
import type { P95Budgets, ProfileName } from '../../k6.config';
import { HarnessError } from '../../lib/errors';
import { formatMoney, moneyFromDecimal } from '../../lib/money';
import type { Micro } from '../../lib/money';
import type { LoadConsent } from '../../lib/target-config';
import { FLOW_ALLOWANCE } from '../load-env';
import type { VoucherSpec } from '../load-env';
import type { LoadScenario } from './scenarios';

/** Scenarios that need the sandbox's admin API: the storm provisions a second merchant, faults injects them. */
export const NEEDS_SANDBOX_POWERS: Readonly<Partial<Record<LoadScenario, string>>> = {
  'idempotency-storm': 'it provisions a second merchant through the sandbox admin API',
  faults: 'it injects faults through the sandbox admin API',
};

export interface ConsentInput {
  /** The target file, for the messages. */
  readonly path: string;
  /** The URL that is off this machine, when one is (baseUrl or sandbox.adminUrl), with its field. */
  readonly remote: { readonly field: string; readonly url: string } | undefined;
  readonly consent: LoadConsent | undefined;
  readonly sandboxPowers: boolean;
  readonly scenario: LoadScenario;
  /** Flow scenarios: flows started per second and for how many seconds. */
  readonly rate: number | undefined;
  readonly seconds: number | undefined;
  readonly vus: number;
  /** --vouchers when given. */
  readonly vouchers: number | undefined;
}

const CONSENT_EXAMPLE =
  '"load": {"allowed": true, "maxArrivalRate": 10, "maxVus": 20, "maxDurationSeconds": 600, "vouchers": [{"code": "…", "amount": "100.000000"}]}';

/**
 * Throws a HarnessError (NOT_LOOPBACK without consent, INVALID_ARGUMENT beyond a limit,
 * CONFIG_INVALID for what the file lacks) naming the fix; returns the listed vouchers the run
 * spends when it has no sandbox powers, undefined when it provisions its own.
 */
export function checkLoadConsent(input: ConsentInput): VoucherSpec[] | undefined {
  const { path, remote, consent, scenario } = input;
  if (remote !== undefined && consent?.allowed !== true)
    throw new HarnessError(
      'NOT_LOOPBACK',
      `"${remote.field}" in ${path} is ${remote.url}, not this machine; load runs target loopback only unless the target file consents: add ${CONSENT_EXAMPLE} (docs/target-config.md › load)`,
    );
  if (consent !== undefined) {
    const over = (asked: string, value: number, field: keyof LoadConsent, max: number) => {
      if (value > max)
        throw new HarnessError(
          'INVALID_ARGUMENT',
          `${asked} ${value} is above "load.${field}" ${max} in ${path}: lower ${asked} or raise "load.${field}"`,
        );
    };
    over('--vus', input.vus, 'maxVus', consent.maxVus);
    // A burst sends its VUs' claims at one instant: they count as arrivals too.
    if (input.rate === undefined) over('the burst (--vus)', input.vus, 'maxArrivalRate', consent.maxArrivalRate);
    else over("the profile's arrival rate (--profile)", input.rate, 'maxArrivalRate', consent.maxArrivalRate);
    if (input.seconds !== undefined)
      over('--duration', input.seconds, 'maxDurationSeconds', consent.maxDurationSeconds);
  }
  if (input.sandboxPowers) return undefined;
  const needs = NEEDS_SANDBOX_POWERS[scenario];
  if (needs !== undefined)
    throw new HarnessError(
      'CONFIG_INVALID',
      `${scenario} needs sandbox powers (${needs}) and ${path} has no "sandbox.adminUrl": run steady-flow, soak or same-voucher-burst there`,
    );
  const listed = consent?.vouchers ?? [];
  if (listed.length === 0)
    throw new HarnessError(
      'CONFIG_INVALID',
      `${path} has no sandbox powers to provision vouchers: list the vouchers the run may spend in "load.vouchers" ([{"code": "…", "amount": "100.000000"}])`,
    );
  if (input.vouchers !== undefined && input.vouchers > listed.length)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--vouchers ${input.vouchers} is more than the ${listed.length} listed in "load.vouchers" of ${path}: lower --vouchers or list more`,
    );
  return listed.slice(0, input.vouchers ?? listed.length).map((v) => ({ code: v.code, amount: v.amount }));
}

/** What a run will do, as --dry-run prints it; nothing of it has been sent. */
export interface LoadPlan {
  readonly dryRun: true;
  readonly scenario: LoadScenario;
  readonly profile: ProfileName;
  readonly baseUrl: string;
  readonly sandboxPowers: boolean;
  /** Flow scenarios: flows started per second, for how long, and at most how many. */
  readonly rate: number | undefined;
  readonly durationSeconds: number | undefined;
  readonly flows: number | undefined;
  readonly vus: number;
  /** The target file's p95 budgets for the thresholds (none: the profile's). */
  readonly p95Budgets: P95Budgets;
  /** The faults scenario: no latency thresholds. */
  readonly injectedFaults: boolean;
  /** Listed in the target file, or provisioned by the sandbox (codes not known before the run). */
  readonly vouchers: { readonly source: 'target file' | 'provisioned'; readonly specs: readonly VoucherSpec[] };
  /** The most the run can spend: the vouchers' balance, and for flows no more than their allowance. */
  readonly maxSpend: Micro;
}

export function planLoad(
  options: Omit<LoadPlan, 'dryRun' | 'maxSpend' | 'vouchers'> & {
    readonly listed: readonly VoucherSpec[] | undefined;
    readonly provisioned: { readonly count: number; readonly amount: Micro };
  },
): LoadPlan {
  const { listed, provisioned, ...rest } = options;
  const specs =
    listed ??
    Array.from({ length: provisioned.count }, (_, i) => ({
      code: `(provisioned ${i + 1})`,
      amount: formatMoney(provisioned.amount),
    }));
  const balance = specs.reduce((sum, v) => sum + moneyFromDecimal(v.amount), 0n);
  const flowsAsk = options.flows === undefined ? undefined : BigInt(options.flows) * FLOW_ALLOWANCE;
  return {
    dryRun: true,
    ...rest,
    vouchers: { source: listed === undefined ? 'provisioned' : 'target file', specs },
    maxSpend: flowsAsk !== undefined && flowsAsk < balance ? flowsAsk : balance,
  };
}

export function describeLoadPlan(plan: LoadPlan): string[] {
  const flow =
    plan.rate === undefined
      ? `one burst per voucher by ${plan.vus} VUs`
      : `${plan.rate} flows/s for ${plan.durationSeconds} s (at most ${plan.flows} flows) by up to ${plan.vus} VUs`;
  return [
    `dry run: nothing sent to ${plan.baseUrl}`,
    `plan: ${plan.scenario}, profile ${plan.profile}, ${flow}; ${plan.sandboxPowers ? 'with' : 'without'} sandbox powers`,
    describeLatencyLimits(profileNamed(plan.profile), plan.p95Budgets, plan.injectedFaults),
    `vouchers (${plan.vouchers.source}): ${plan.vouchers.specs.map((v) => `${v.code} ${v.amount}`).join(', ')}`,
    `spends at most ${formatMoney(plan.maxSpend)} (amounts and service fees)`,
  ];
}
