/**
 * What one conformance check ended as: the unit every report is built from.
 *
 * The check model lives with the checks; reports/ builds on it (reports depend on checks, not the
 * reverse). suites/check.ts re-exports these types beside `defineCheck`.
 */

/**
 * The nine areas and the contract, in the order reports list them. The contract comes last:
 * its end-of-run checks judge the answers of every area before it (suites/contract.checks.ts).
 */
export const AREAS = [
  'auth',
  'signature',
  'canonical',
  'replay',
  'idempotency',
  'errors',
  'detail',
  'state-machine',
  'contradictions',
  'contract',
] as const;
export type Area = (typeof AREAS)[number];

/** Severity has a stated meaning, listed from worst to mildest. */
export const SEVERITIES = {
  critical: 'money or security',
  high: 'contract violation: wrong code, wrong envelope',
  medium: 'headers, formats',
  low: 'performance, hygiene',
} as const satisfies Record<string, string>;
export type Severity = keyof typeof SEVERITIES;

/** `assumption` = a docs/design.md decision where the API documents are silent. */
export const BASES = ['document', 'assumption'] as const;
export type Basis = (typeof BASES)[number];

/**
 * Powers a check may need beyond ordinary requests. A sandbox has all of them; another target only
 * what its target file and command line give it (suites/context.ts `powersOf`): the clock by waiting
 * (--slow), faults through test hooks, each claim's own OTP through an http or command OTP source.
 */
export const POWERS = {
  admin: 'arranges server state only an administrator can (the sandbox admin API)',
  clock: 'moves the server clock',
  faults: 'injects internal failures',
  outbox: 'reads the OTPs the server would send by SMS',
  'otp-per-claim':
    "reads the code each claim's SMS carried (an outbox, or an http or command OTP source; not one fixed code)",
} as const satisfies Record<string, string>;
export type Power = keyof typeof POWERS;

export const SOURCE_DOCS = ['omnivas-merchant-api-v1.0', 'partner-and-merchant-onboarding', 'docs/design.md'] as const;
export type SourceDoc = (typeof SOURCE_DOCS)[number];

export interface CheckSource {
  readonly doc: SourceDoc;
  /** As the document titles it, nested with ›: 'Authentication › Step 3'. */
  readonly section: string;
}

/** Requirements decide the verdict; findings (the documents' contradictions) are reported, never fail the run. */
export const CHECK_KINDS = ['requirement', 'finding'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** `error` = the check itself broke (it threw); the run went on. */
export type CheckStatus = 'pass' | 'fail' | 'skip' | 'error';

/**
 * One HTTP exchange as evidence. Structural on purpose: the HTTP client's `Exchange`
 * (lib/node/http-client.ts) is assignable to it as it is, and reports do not depend on that client.
 */
export interface EvidenceExchange {
  readonly method: string;
  readonly url: string;
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly requestBody?: string | undefined;
  /** Absent when no response came back; `error` says why. */
  readonly status?: number | undefined;
  readonly responseHeaders?: Readonly<Record<string, string>>;
  readonly responseBody?: string | undefined;
  /** Clock readings in ms, any origin: only their difference is shown. */
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** Why no answer came: connection refused, timeout… */
  readonly error?: string | undefined;
}

export interface Evidence {
  readonly label?: string;
  readonly exchange?: EvidenceExchange;
  /** A command that replays the exchange (lib/node/http-client.ts `toCurl`). */
  readonly curl?: string;
  readonly note?: string;
}

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly area: Area;
  readonly severity: Severity;
  readonly source: CheckSource;
  readonly basis: Basis;
  readonly kind: CheckKind;
  /** Sandbox-only powers the check needs; empty when an ordinary target will do. */
  readonly needs: readonly Power[];
  readonly status: CheckStatus;
  /** What failed (fail) or what broke (error). */
  readonly message?: string;
  /** Why the check did not run (skip). */
  readonly reason?: string;
  /** What a passing check observed, e.g. which initiate path a target serves (findings). */
  readonly note?: string;
  readonly evidence: readonly Evidence[];
  readonly durationMs: number;
  /** A failing property's replay data: fast-check seed, path and shrunk counterexample. */
  readonly seed?: number;
  readonly path?: string;
  readonly counterexample?: string;
}
