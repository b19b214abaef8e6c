/**
 * What a pair provoker is (error-provokers.ts holds one per documented pair): it arranges a case —
 * a voucher, a claim, server state — and sends the request that must answer with the pair's code,
 * once or once per generated input, handing each answer to a judge the caller chooses (the
 * document's envelope and message for the pair's own check, the HTTP status for err.http-status).
 */
import type fc from 'fast-check';
import type { ApiResponse } from '../lib/node/http-client';
import { fail, pass, skip } from './check';
import type { CheckOutcome, Power, Severity } from './check';
import type { CertifyContext } from './context';
import { evidenceOf } from './evidence';
import { httpProperty } from './http-property';
import type { CaseVerdict } from './http-property';
import { isRefused, newFlow } from './merchant-steps';
import type { Flow, Refused } from './merchant-steps';

/** Why an answer is not what the pair should give; undefined when it is. */
export type AnswerJudge = (res: ApiResponse) => string | undefined;

export interface PairProvoker {
  readonly needs: readonly Power[];
  /** critical when the refusal guards money or access; high for the envelope of an internal failure. */
  readonly severity: Severity;
  /** The situation, for the check's title: "when …". */
  readonly when: string;
  /** Arranges the case, sends the provoking request (once per generated input, at most `maxRuns`) and judges each answer. */
  run(ctx: CertifyContext, judge: AnswerJudge, options?: RunOptions): Promise<CheckOutcome>;
}

export interface RunOptions {
  readonly maxRuns?: number;
  /** A case that could not be arranged is the pair check's failure; another check judging the same answers skips it. */
  readonly skipUnarranged?: boolean;
}

export interface ProvokerSpec<S> {
  readonly needs?: readonly Power[];
  readonly severity: Severity;
  readonly when: string;
  /** What the provoking request needs (a voucher, a claim and its OTP); a refused step fails the check. */
  arrange(flow: Flow): Promise<S | Refused>;
}

const unarranged = (step: Refused, options: RunOptions): CheckOutcome =>
  options.skipUnarranged ? skip(step.why) : step.refused;

/** Arranges the case, then lets `provoke` send and judge; a case that could not be arranged ends there. */
function arrangedFirst<S>(
  spec: ProvokerSpec<S>,
  provoke: (flow: Flow, state: S, judge: AnswerJudge, options: RunOptions) => Promise<CheckOutcome>,
): PairProvoker {
  return {
    needs: spec.needs ?? [],
    severity: spec.severity,
    when: spec.when,
    async run(ctx, judge, options = {}) {
      const flow = newFlow(ctx);
      const state = await spec.arrange(flow);
      return isRefused(state) ? unarranged(state, options) : provoke(flow, state, judge, options);
    },
  };
}

/** The verdict on one provoking answer, with the arranging exchanges before it as evidence. */
const judged = (flow: Flow, res: ApiResponse, judge: AnswerJudge): CaseVerdict => ({
  problem: judge(res),
  evidence: [...flow.trail, evidenceOf('the provoking request', res)],
});

/** One provoking request. */
export function single<S>(
  spec: ProvokerSpec<S> & { provoke(flow: Flow, state: S): Promise<ApiResponse> },
): PairProvoker {
  return arrangedFirst(spec, async (flow, state, judge) => {
    const { problem, evidence } = judged(flow, await spec.provoke(flow, state), judge);
    return problem === undefined ? pass() : fail(problem, evidence);
  });
}

/** A provoking request per generated input, on one arranged case (a property over, say, the excess amount). */
export function varied<S, I>(
  spec: ProvokerSpec<S> & {
    inputs: fc.Arbitrary<I>;
    numRuns: number;
    provoke(flow: Flow, state: S, input: I): Promise<ApiResponse>;
  },
): PairProvoker {
  return arrangedFirst(spec, (flow, state, judge, options) =>
    httpProperty(
      flow.ctx,
      spec.inputs,
      { numRuns: Math.min(spec.numRuns, options.maxRuns ?? spec.numRuns) },
      async (input) => judged(flow, await spec.provoke(flow, state, input), judge),
    ),
  );
}
