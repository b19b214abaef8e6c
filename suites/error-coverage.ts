/**
 * Error-code coverage: how many of the documented (endpoint, code) pairs a run provoked and
 * verified. The unit is lib/error-catalog.ts `documentedPairs()` (26 pairs, 22 distinct codes).
 */
import { documentedPairs } from '../lib/error-catalog';
import type { ApiErrorCode, CodedEndpoint } from '../lib/error-catalog';
import type { CheckResult } from './check-result';

/** The issue names these checks `err.redeem.4035`: the short endpoint word is the id segment. */
const ID_WORD = { 'initiate-claim': 'initiate', 'redeem-gift': 'redeem' } as const satisfies Record<
  CodedEndpoint,
  string
>;
const ENDPOINT_OF_WORD = new Map<string, CodedEndpoint>(
  Object.entries(ID_WORD).map(([endpoint, word]) => [word, endpoint as CodedEndpoint]),
);
const DOCUMENTED = new Set(documentedPairs().map((p) => `${p.endpoint} ${p.code}`));

/** Skips of error checks against a target without fault injection say this (docs/design.md). */
export const NOT_PROVOKABLE_REASON = 'not provokable from outside on this target';

/** The one spelling of an error check's id: `err.<initiate|redeem>.<code>`. */
export function errorCheckId(endpoint: CodedEndpoint, code: ApiErrorCode): string {
  return `err.${ID_WORD[endpoint]}.${code}`;
}

/**
 * Reads an id of the error-check shape (`err.<word>.<four digits>`). `undefined` when the id does
 * not have that shape; `{ problem }` when it has the shape but names no documented pair, so that
 * a typo such as `err.redeem.4305` is refused instead of silently missing from the coverage.
 */
export function parseErrorCheckId(
  id: string,
): { endpoint: CodedEndpoint; code: ApiErrorCode } | { problem: string } | undefined {
  const m = /^err\.([a-z-]+)\.(\d{4})$/.exec(id);
  if (!m) return undefined;
  const endpoint = ENDPOINT_OF_WORD.get(m[1] ?? '');
  const code = Number(m[2]);
  if (!endpoint)
    return { problem: `"${id}" names endpoint "${m[1]}"; error check ids use ${Object.values(ID_WORD).join(' or ')}` };
  if (!DOCUMENTED.has(`${endpoint} ${code}`))
    return { problem: `"${id}": code ${code} is not documented for ${endpoint} (lib/error-catalog.ts)` };
  return { endpoint, code: code as ApiErrorCode };
}

export type PairStatus = 'verified' | 'failed' | 'error' | 'skipped' | 'not run';

export interface PairCoverage {
  readonly endpoint: CodedEndpoint;
  readonly code: ApiErrorCode;
  readonly checkId: string;
  readonly status: PairStatus;
  /** Why the pair's check was skipped. */
  readonly reason?: string;
}

export interface ErrorCoverage {
  /** All documented pairs, in the catalog's order. */
  readonly pairs: readonly PairCoverage[];
  readonly pairsVerified: number;
  readonly pairsDocumented: number;
  /** A code counts only when every endpoint documenting it was verified: 22/22 must not hide a failing pair. */
  readonly codesVerified: number;
  readonly codesDocumented: number;
  readonly skipped: readonly PairCoverage[];
}

const PAIR_STATUS = { pass: 'verified', fail: 'failed', error: 'error', skip: 'skipped' } as const satisfies Record<
  CheckResult['status'],
  PairStatus
>;

export function errorCoverage(results: readonly CheckResult[]): ErrorCoverage {
  const byId = new Map(results.map((r) => [r.id, r]));
  const pairs = documentedPairs().map(({ endpoint, code }): PairCoverage => {
    const checkId = errorCheckId(endpoint, code);
    const result = byId.get(checkId);
    if (!result) return { endpoint, code, checkId, status: 'not run' };
    const status = PAIR_STATUS[result.status];
    return status === 'skipped'
      ? { endpoint, code, checkId, status, reason: result.reason ?? '' }
      : { endpoint, code, checkId, status };
  });
  const codes = new Set(pairs.map((p) => p.code));
  const codesVerified = [...codes].filter((code) =>
    pairs.every((p) => p.code !== code || p.status === 'verified'),
  ).length;
  return {
    pairs,
    pairsVerified: pairs.filter((p) => p.status === 'verified').length,
    pairsDocumented: pairs.length,
    codesVerified,
    codesDocumented: codes.size,
    skipped: pairs.filter((p) => p.status === 'skipped'),
  };
}
