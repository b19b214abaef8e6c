/**
 * Shared k6 options: the named load profiles and their thresholds. Pure (no k6 imports, no Node):
 * bundled into every scenario, and read by the load command to validate --profile. Every profile
 * is bounded in VUs, iterations or arrival rate, and time (`maxDuration` / `duration`), so a run
 * always stops by itself. Thresholds are per endpoint through the `endpoint` tag every scenario
 * request carries (load/k6/k6-merchant.ts); a target file's p95 budget (expectations.latencyP95Ms)
 * replaces the profile's p95 for the endpoints it covers.
 */
import type { EndpointId } from './lib/endpoint-catalog';
import { HarnessError } from './lib/errors';
import type { InitiatePath, LatencyBudget } from './lib/target-config';

export const PROFILE_NAMES = ['smoke', 'load', 'stress', 'soak', 'spike'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** The endpoints the thresholds name, as the `endpoint` tag values. */
export const TAGGED_ENDPOINTS = ['login', 'initiate-claim', 'voucher-detail', 'redeem-gift'] as const;
export type TaggedEndpoint = (typeof TAGGED_ENDPOINTS)[number];

/** A k6 threshold: an expression, or one that stops the run when crossed. */
export type Threshold =
  string | { readonly threshold: string; readonly abortOnFail: boolean; readonly delayAbortEval?: string };

export interface LoadProfile {
  readonly name: ProfileName;
  readonly description: string;
  /** Default VUs for closed-model scenarios (burst, storm); scenarios cap it at MAX_VUS. */
  readonly vus: number;
  /** Open-model scenarios (steady flow, soak): iterations started per second, and for how long. */
  readonly rate: number;
  readonly duration: string;
  /** The hard stop for any scenario under this profile. */
  readonly maxDuration: string;
  /** Latency bounds in ms per endpoint: p95 and p99. */
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Highest share of failed requests (k6's http_req_failed, with documented refusals counted as expected). */
  readonly maxFailedRate: number;
  /** Lowest share of passing checks. */
  readonly minChecksRate: number;
}

/** No profile lets a scenario go beyond these, whatever -e says. */
export const MAX_VUS = 1000;

export const PROFILES: Readonly<Record<ProfileName, LoadProfile>> = {
  smoke: {
    name: 'smoke',
    description: 'a few VUs, seconds: does it work at all',
    vus: 5,
    rate: 2,
    duration: '10s',
    maxDuration: '1m',
    p95Ms: 1000,
    p99Ms: 2000,
    maxFailedRate: 0.01,
    minChecksRate: 0.99,
  },
  load: {
    name: 'load',
    description: 'the expected peak: 50 VUs',
    vus: 50,
    rate: 20,
    duration: '1m',
    maxDuration: '3m',
    p95Ms: 1500,
    p99Ms: 3000,
    maxFailedRate: 0.01,
    minChecksRate: 0.99,
  },
  stress: {
    name: 'stress',
    description: 'beyond the peak: 500 VUs, looser latency',
    vus: 500,
    rate: 60,
    duration: '2m',
    maxDuration: '5m',
    p95Ms: 5000,
    p99Ms: 10000,
    maxFailedRate: 0.05,
    minChecksRate: 0.95,
  },
  soak: {
    name: 'soak',
    description: 'long: 15 minutes at a moderate rate, across many 300 s token lifetimes',
    vus: 20,
    rate: 5,
    duration: '15m',
    maxDuration: '20m',
    p95Ms: 1500,
    p99Ms: 3000,
    maxFailedRate: 0.01,
    minChecksRate: 0.99,
  },
  spike: {
    name: 'spike',
    description: 'a sudden 1000-VU burst',
    vus: 1000,
    rate: 100,
    duration: '30s',
    maxDuration: '3m',
    p95Ms: 10000,
    p99Ms: 20000,
    maxFailedRate: 0.05,
    minChecksRate: 0.95,
  },
};

export function profileNamed(name: string | undefined): LoadProfile {
  if (name === undefined) return PROFILES.smoke;
  if ((PROFILE_NAMES as readonly string[]).includes(name)) return PROFILES[name as ProfileName];
  throw new HarnessError(
    'INVALID_ARGUMENT',
    `profile: unknown ${JSON.stringify(name)}; choose from ${PROFILE_NAMES.join(', ')}`,
  );
}

/** The target file's p95 budgets in milliseconds, by tagged endpoint (only those it covers). */
export type P95Budgets = Readonly<Partial<Record<TaggedEndpoint, number>>>;

/** The highest budget the target file accepts (lib/target-config.ts): 10 minutes. */
const MAX_BUDGET_MS = 600_000;

/**
 * The target file's latency budget by tagged endpoint. The scenarios tag initiate-redeem's requests
 * `initiate-claim` (load/k6/k6-merchant.ts), so that tag takes the budget of the path the target
 * initiates on.
 */
export function p95BudgetsOf(budget: LatencyBudget | undefined, initiatePath: InitiatePath): P95Budgets {
  if (budget === undefined) return {};
  const budgets: Partial<Record<TaggedEndpoint, number>> = {};
  for (const tag of TAGGED_ENDPOINTS) {
    const id: EndpointId = tag === 'initiate-claim' ? initiatePath : tag;
    const ms = typeof budget === 'number' ? budget : budget[id];
    if (ms !== undefined) budgets[tag] = ms;
  }
  return budgets;
}

/** The budgets as the load command hands them to k6 (`{"login": 800}`); none when unset or empty. */
export function parseP95Budgets(raw: string | undefined, field: string): P95Budgets {
  if (raw === undefined || raw === '') return {};
  const refuse = (why: string) =>
    new HarnessError(
      'INVALID_ARGUMENT',
      `${field} expected a JSON object of whole milliseconds (1 to ${MAX_BUDGET_MS}) by endpoint (${TAGGED_ENDPOINTS.join(', ')}): ${why}`,
    );
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw refuse(`got ${JSON.stringify(raw.slice(0, 80))}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw refuse(`got ${raw.slice(0, 80)}`);
  const budgets: Partial<Record<TaggedEndpoint, number>> = {};
  for (const [tag, ms] of Object.entries(json)) {
    if (!(TAGGED_ENDPOINTS as readonly string[]).includes(tag)) throw refuse(`unknown endpoint ${JSON.stringify(tag)}`);
    if (!(Number.isInteger(ms) && (ms as number) >= 1 && (ms as number) <= MAX_BUDGET_MS))
      throw refuse(`${tag} is ${JSON.stringify(ms)}`);
    budgets[tag as TaggedEndpoint] = ms as number;
  }
  return budgets;
}

export interface LatencyLimit {
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Where the p95 comes from. */
  readonly from: 'target file' | 'profile';
}

/**
 * An endpoint's latency thresholds: the target file's p95 budget where it sets one, the profile's
 * otherwise. The p99 stays the profile's, but never below the p95: a p99 under the p95 budget would
 * fail runs the budget allows.
 */
export function latencyLimit(profile: LoadProfile, budgets: P95Budgets, endpoint: string): LatencyLimit {
  const budget = budgets[endpoint as TaggedEndpoint];
  return budget === undefined
    ? { p95Ms: profile.p95Ms, p99Ms: profile.p99Ms, from: 'profile' }
    : { p95Ms: budget, p99Ms: Math.max(profile.p99Ms, budget), from: 'target file' };
}

/** One line for a person: which p95 each endpoint is held to, and where it comes from. */
export function describeLatencyLimits(profile: LoadProfile, budgets: P95Budgets, injectedFaults = false): string {
  if (injectedFaults) return 'latency thresholds: none (faults are injected; the verdict sorts the answers out)';
  const groups = new Map<string, string[]>();
  for (const endpoint of TAGGED_ENDPOINTS) {
    const limit = latencyLimit(profile, budgets, endpoint);
    const where = limit.from === 'profile' ? `profile ${profile.name}` : "the target file's expectations.latencyP95Ms";
    const key = `p95 < ${limit.p95Ms} ms (${where})`;
    groups.set(key, [...(groups.get(key) ?? []), endpoint]);
  }
  return `latency thresholds: ${[...groups].map(([key, endpoints]) => `${endpoints.join(', ')} ${key}`).join('; ')}`;
}

/**
 * The thresholds of a profile: by default request failures and checks stop the run early
 * (abortOnFail), since going on against a broken target only piles up noise; latency is judged at
 * the end. Scenarios whose history the checker judges pass `abort: false`: an aborted k6 drops the
 * requests in flight without their history lines, and the checker would then see effects (ledger
 * entries) no operation explains — a harness artefact, not a server bug. They are bounded anyway.
 */
export function thresholdsFor(
  profile: LoadProfile,
  options: { endpoints?: readonly string[]; abort?: boolean; injectedFaults?: boolean; p95Budgets?: P95Budgets } = {},
): Record<string, Threshold[]> {
  const { endpoints = TAGGED_ENDPOINTS, abort = true, injectedFaults = false, p95Budgets = {} } = options;
  const limit = (threshold: string): Threshold =>
    abort ? { threshold, abortOnFail: true, delayAbortEval: '5s' } : threshold;
  const thresholds: Record<string, Threshold[]> = { checks: [limit(`rate>${profile.minChecksRate}`)] };
  // Under injected faults 5xx answers, resets and delays are the point: the verdict sorts them out
  // (load/checker/answers.ts), so neither the failure rate nor latency is a threshold.
  if (injectedFaults) return thresholds;
  thresholds.http_req_failed = [limit(`rate<${profile.maxFailedRate}`)];
  for (const endpoint of endpoints) {
    const { p95Ms, p99Ms } = latencyLimit(profile, p95Budgets, endpoint);
    thresholds[`http_req_duration{endpoint:${endpoint}}`] = [`p(95)<${p95Ms}`, `p(99)<${p99Ms}`];
  }
  return thresholds;
}

/** Seconds in a k6 duration of one unit ("90s", "3m", "1h"), as the profiles write them. */
export function durationSeconds(text: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(text);
  if (!m)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `duration expected a whole number and one unit (s, m, h) such as "3m", got ${JSON.stringify(text)}`,
    );
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}

/** No scenario runs longer than this, whatever its settings ask. */
export const MAX_RUN_SECONDS = 30 * 60;

/** The maxDuration for a closed scenario that needs `neededSeconds`: at least the profile's, never above MAX_RUN_SECONDS. */
export function boundedMaxDuration(profile: LoadProfile, neededSeconds: number): string {
  if (neededSeconds > MAX_RUN_SECONDS)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `the run would need ${Math.ceil(neededSeconds)} s, above the ${MAX_RUN_SECONDS} s bound; use fewer vouchers or VUs`,
    );
  return `${Math.ceil(Math.max(durationSeconds(profile.maxDuration), neededSeconds))}s`;
}
