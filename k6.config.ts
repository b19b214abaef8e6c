/**
 * Shared k6 options: the named load profiles and their thresholds. Pure (no k6 imports, no Node):
 * bundled into every scenario, and read by the load command to validate --profile. Every profile
 * is bounded in VUs, iterations or arrival rate, and time (`maxDuration` / `duration`), so a run
 * always stops by itself. Thresholds are per endpoint through the `endpoint` tag every scenario
 * request carries (load/k6/k6-merchant.ts).
 */
import { HarnessError } from './lib/errors';

export const PROFILE_NAMES = ['smoke', 'load', 'stress', 'soak', 'spike'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** The endpoints the thresholds name, as the `endpoint` tag values. */
export const TAGGED_ENDPOINTS = ['login', 'initiate-claim', 'voucher-detail', 'redeem-gift'] as const;

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

/**
 * The thresholds of a profile: by default request failures and checks stop the run early
 * (abortOnFail), since going on against a broken target only piles up noise; latency is judged at
 * the end. Scenarios whose history the checker judges pass `abort: false`: an aborted k6 drops the
 * requests in flight without their history lines, and the checker would then see effects (ledger
 * entries) no operation explains — a harness artefact, not a server bug. They are bounded anyway.
 */
export function thresholdsFor(
  profile: LoadProfile,
  options: { endpoints?: readonly string[]; abort?: boolean; injectedFaults?: boolean } = {},
): Record<string, Threshold[]> {
  const { endpoints = TAGGED_ENDPOINTS, abort = true, injectedFaults = false } = options;
  const limit = (threshold: string): Threshold =>
    abort ? { threshold, abortOnFail: true, delayAbortEval: '5s' } : threshold;
  const thresholds: Record<string, Threshold[]> = { checks: [limit(`rate>${profile.minChecksRate}`)] };
  // Under injected faults 5xx answers, resets and delays are the point: the verdict sorts them out
  // (load/checker/answers.ts), so neither the failure rate nor latency is a threshold.
  if (injectedFaults) return thresholds;
  thresholds.http_req_failed = [limit(`rate<${profile.maxFailedRate}`)];
  for (const endpoint of endpoints)
    thresholds[`http_req_duration{endpoint:${endpoint}}`] = [`p(95)<${profile.p95Ms}`, `p(99)<${profile.p99Ms}`];
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
