/**
 * The answers the Node side of a load run receives (the service fee, the final voucher states, the
 * logins before them), judged against the API description as certify judges every answer
 * (contract/answer-collector.ts). k6's own requests are judged by the checker, not here. A violation
 * fails the run and is reported three ways: the closing lines, verdict.json (a summary) and
 * contract.json (each violation whole, its exchange redacted).
 */
import { describeViolation } from '../../contract/violation';
import type { ContractViolation } from '../../contract/violation';
import type { AnswerCollector } from '../../contract/answer-collector';
import { HarnessError, isHarnessError } from '../../lib/errors';

/** How many violations the closing lines and an error message name; contract.json keeps the collector's. */
const SHOWN = 5;

export interface LoadContract {
  /** Answers validated against an operation of the description. */
  readonly answers: number;
  /** How many violations in all; `violations` keeps the first ones whole. */
  readonly violationCount: number;
  readonly violations: readonly ContractViolation[];
}

export const contractOf = (collector: AnswerCollector): LoadContract => ({
  answers: collector.validated(),
  violationCount: collector.violationCount(),
  violations: collector.violations(),
});

export const contractHolds = (contract: LoadContract): boolean => contract.violationCount === 0;

/** The first violations, one line each: operation, status, JSON path, expected and actual. */
function shownViolations(contract: LoadContract): string[] {
  const lines = contract.violations.slice(0, SHOWN).map(describeViolation);
  if (contract.violationCount > lines.length) lines.push(`… and ${contract.violationCount - lines.length} more`);
  return lines;
}

/** The closing lines: a headline, then the first violations. */
export function describeLoadContract(contract: LoadContract): string[] {
  const head = `answers to the harness's own requests (${contract.answers} judged against openapi/merchant-api-v1.0.yaml)`;
  if (contractHolds(contract)) return [`${head}: conform`];
  return [
    `${head}: ${contract.violationCount} violation(s), in contract.json`,
    ...shownViolations(contract).map((line) => `  contract: ${line}`),
  ];
}

/** verdict.json's summary of the contract: counts and the first violations as lines (the exchanges are in contract.json). */
export const contractSummary = (contract: LoadContract) => ({
  answers: contract.answers,
  violations: contract.violationCount,
  first: shownViolations(contract),
});

/** contract.json: every kept violation with its exchange; the caller redacts the text it writes. */
export const contractFileJson = (contract: LoadContract): string =>
  `${JSON.stringify({ answers: contract.answers, violationCount: contract.violationCount, violations: contract.violations }, null, 2)}\n`;

/**
 * A step that read an answer failed (a detail without its amounts): the violations the collector
 * found say why, so they go into the error rather than being lost with the run.
 */
export function withContract(err: unknown, contract: LoadContract): unknown {
  if (contractHolds(contract)) return err;
  const why = `the answers break the API description: ${shownViolations(contract).join('; ')}`;
  if (isHarnessError(err)) return new HarnessError(err.code, `${err.message}; ${why}`, { cause: err });
  return new HarnessError('TARGET_MALFORMED_RESPONSE', `${err instanceof Error ? err.message : String(err)}; ${why}`, {
    cause: err,
  });
}
