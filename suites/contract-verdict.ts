/** A contract check's verdict from the violations it found: each one named by field, with its exchange. */
import { toCurl } from '../lib/node/http-client';
import type { Exchange } from '../lib/node/http-client';
import { describeViolation } from '../contract/violation';
import type { ContractViolation } from '../contract/violation';
import { fail, pass } from './check';
import type { CheckOutcome, Evidence } from './check';

/** How many violations a failure lists in its message and evidence; the count says how many more. */
const SHOWN = 5;

export function violationEvidence(v: ContractViolation): Evidence {
  return {
    label: `${v.operation}: ${v.path}`,
    exchange: v.exchange,
    curl: toCurl(v.exchange),
    note: `${v.rule}: ${v.path} expected ${v.expected}, got ${v.actual}`,
  };
}

export function contractVerdict(
  violations: readonly ContractViolation[],
  answers: number,
  total = violations.length,
): CheckOutcome {
  if (total === 0) return pass(`${answers} answer${answers === 1 ? '' : 's'} conform to the description`);
  const shown = violations.slice(0, SHOWN);
  const more = total > shown.length ? `; and ${total - shown.length} more` : '';
  return fail(
    `${total} violation${total === 1 ? '' : 's'} of the API description (${answers} answers judged): ${shown.map(describeViolation).join('; ')}${more}`,
    shown.map(violationEvidence),
  );
}

/** The violations of a set of exchanges. */
export const violationsOf = (
  validate: (exchange: Exchange) => ContractViolation[],
  exchanges: readonly Exchange[],
): ContractViolation[] => exchanges.flatMap((x) => validate(x));
