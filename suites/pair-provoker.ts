/**
 * What a pair provoker is (error-provokers.ts holds one per documented pair): it arranges a case —
 * a voucher, a claim, server state — and sends the request that must answer with the pair's code,
 * once or once per generated input, handing each answer to a judge the caller chooses (the
 * document's envelope and message for the pair's own check, the HTTP status for err.http-status).
 */
import type fc from 'fast-check';
import type { ApiResponse } from '../lib/node/http-client';
import { CheckFailure, isCheckFailure, pass, skip } from './check';
import type { CheckOutcome, Power, Severity } from './check';
import type { CertifyContext } from './context';
import { evidenceOf } from './evidence';
import { httpProperty } from './http-property';
import { newFlow } from './merchant-steps';
import type { Flow } from './merchant-steps';

/** Why an answer is not what the pair should give; undefined when it is. */
export type AnswerJudge = (res: ApiResponse) => string | undefined;

export interface PairProvoker {
  readonly needs: readonly Power[];
  /** critical when the refusal guards money or access; high for the envelope of an internal failure. */
  readonly severity: Severity;
  /** The situation, for the check's title: "when …". */
  readonly when: string;
  /** Arranges the case, sends the provoking request (once per generated input, at most `maxRuns`) and judges each answer; a wrong answer throws a CheckFailure. */
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
  arrange(flow: Flow): Promise<S>;
}

/** The arranged state; a case that could not be arranged fails the check, or, when asked, skips it with the reason. */
async function arranged<S>(
  spec: ProvokerSpec<S>,
  flow: Flow,
  options: RunOptions,
): Promise<{ state: S } | CheckOutcome> {
  try {
    return { state: await spec.arrange(flow) };
  } catch (err) {
    if (options.skipUnarranged && isCheckFailure(err)) return skip(err.message);
    throw err;
  }
}

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
      const arrangement = await arranged(spec, flow, options);
      return 'state' in arrangement ? provoke(flow, arrangement.state, judge, options) : arrangement;
    },
  };
}

/** Judges one provoking answer: a problem fails the check (or the case), with the arranging exchanges before it as evidence. */
function expectJudged(flow: Flow, res: ApiResponse, judge: AnswerJudge): void {
  const problem = judge(res);
  if (problem !== undefined) throw new CheckFailure(problem, [...flow.trail, evidenceOf('the provoking request', res)]);
}

/** One provoking request. */
export function single<S>(
  spec: ProvokerSpec<S> & { provoke(flow: Flow, state: S): Promise<ApiResponse> },
): PairProvoker {
  return arrangedFirst(spec, async (flow, state, judge) => {
    expectJudged(flow, await spec.provoke(flow, state), judge);
    return pass();
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
      async (input) => expectJudged(flow, await spec.provoke(flow, state, input), judge),
    ),
  );
}
