/**
 * Every documented error code (issue area 6): one check per (endpoint, code) pair, generated from
 * the catalog — the pair's provoker (error-provokers.ts) and the one verifier of the envelope, code
 * and message (error-answer.ts) — plus the HTTP status over all pairs, which is a docs/design.md
 * assumption and so its own check, and the validation errors (error-validation.ts).
 */
import { apiError, documentedPairs } from '../lib/error-catalog';
import type { ApiErrorCode, CodedEndpoint } from '../lib/error-catalog';
import { isHarnessError } from '../lib/errors';
import type { ApiResponse } from '../lib/node/http-client';
import { errorCheckId } from './error-coverage';
import { defineCheck, fail, pass, settle, skip } from './check';
import type { CheckDefinition, CheckOutcome, Evidence } from './check';
import type { CertifyContext } from './context';
import { documentedErrorProblem, httpStatusProblem } from './error-answer';
import { pairProvoker } from './error-provokers';
import { validationChecks } from './error-validation';
import { evidenceOf } from './evidence';

const API = 'omnivas-merchant-api-v1.0' as const;

const TABLE_SECTION: Readonly<Record<CodedEndpoint, string>> = {
  'initiate-claim': 'Gift Voucher Redemption › 1. Initiate Claim › Error Response Format; Error Codes',
  'redeem-gift': 'Gift Voucher Redemption › 3. Redeem Gift › Error Response Format; Error Codes',
};

/**
 * The answers each pair check judged, per context: err.http-status judges these rather than
 * provoking every code again, which would double the test vouchers a real target must provide.
 * A pair whose check has not run (--only, a baseline) is provoked afresh.
 */
const judgedAnswers = new WeakMap<CertifyContext, Map<string, ApiResponse[]>>();

function answersOf(ctx: CertifyContext, checkId: string): ApiResponse[] {
  const byCheck = judgedAnswers.get(ctx) ?? new Map<string, ApiResponse[]>();
  judgedAnswers.set(ctx, byCheck);
  const answers = byCheck.get(checkId) ?? [];
  byCheck.set(checkId, answers);
  return answers;
}

function pairCheck(endpoint: CodedEndpoint, code: ApiErrorCode): CheckDefinition<CertifyContext> {
  const provoker = pairProvoker(endpoint, code);
  const id = errorCheckId(endpoint, code);
  return defineCheck<CertifyContext>({
    id,
    title: `${endpoint} answers ${code} "${apiError(code).message}" in the error envelope when ${provoker.when}`,
    area: 'errors',
    source: { doc: API, section: TABLE_SECTION[endpoint] },
    basis: 'document',
    severity: provoker.severity,
    needs: provoker.needs,
    run: (ctx) =>
      provoker.run(ctx, (res) => {
        answersOf(ctx, id).push(res);
        return documentedErrorProblem(res, code);
      }),
  });
}

/** A pair's outcome for the HTTP-status check; a pair this target cannot provoke is left out. */
async function statusOutcome(ctx: CertifyContext, endpoint: CodedEndpoint, code: ApiErrorCode): Promise<CheckOutcome> {
  const judged = answersOf(ctx, errorCheckId(endpoint, code));
  if (judged.length > 0) {
    for (const res of judged) {
      const problem = httpStatusProblem(res);
      if (problem !== undefined) return fail(problem, [evidenceOf('the provoking request', res)]);
    }
    return pass();
  }
  const provoker = pairProvoker(endpoint, code);
  const lacking = provoker.needs.filter((power) => !ctx.powers.has(power));
  if (lacking.length > 0) return skip(`needs ${lacking.join(', ')}`);
  try {
    // One answer per pair is enough to see the status mapping; its failure is one of this check's list.
    return await settle(() => provoker.run(ctx, httpStatusProblem, { maxRuns: 1, skipUnarranged: true }));
  } catch (err) {
    if (isHarnessError(err) && err.code === 'CHECK_NOT_APPLICABLE') return skip(err.message);
    throw err;
  }
}

const httpStatusCheck = defineCheck<CertifyContext>({
  id: 'err.http-status',
  title: 'Every documented error code travels with its first three digits as the HTTP status (4041 → 404, 5031 → 503)',
  area: 'errors',
  source: { doc: 'docs/design.md', section: 'Behaviour where the API documents are silent › Error envelope' },
  basis: 'assumption',
  severity: 'high',
  async run(ctx) {
    const failures: string[] = [];
    const evidence: Evidence[] = [];
    let checked = 0;
    for (const { endpoint, code } of documentedPairs()) {
      const outcome = await statusOutcome(ctx, endpoint, code);
      if (outcome.status === 'skip') continue;
      checked++;
      if (outcome.status === 'fail') {
        failures.push(`${endpoint}: ${outcome.message}`);
        // The provoking exchange of the first few: the mapping is usually one function, wrong everywhere alike.
        if (evidence.length < 3) evidence.push(...outcome.evidence.slice(-1));
      }
    }
    if (checked === 0) return skip('no documented code is provokable on this target');
    const more = failures.length > 3 ? `; and ${failures.length - 3} more` : '';
    if (failures.length > 0)
      return fail(`${failures.length} of ${checked} pairs: ${failures.slice(0, 3).join('; ')}${more}`, evidence);
    return pass(`${checked} of ${documentedPairs().length} pairs provoked`);
  },
});

export const errorsChecks: readonly CheckDefinition<CertifyContext>[] = [
  ...documentedPairs().map(({ endpoint, code }) => pairCheck(endpoint, code)),
  httpStatusCheck,
  ...validationChecks,
];
