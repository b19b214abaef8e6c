/**
 * Whose fault each failed answer of a run is (issue 5 › 5 faults: the verdict tells the server's
 * faults from the harness's own), by faultOf (load/checker/op-index.ts) and whether an injected
 * fault was active on the op's endpoint (HistoryOp.faultInjected):
 *  - injected: a 5xx, a documented 5xxx code or no answer while a fault was injected — the
 *    server's, expected;
 *  - server: a 5xx or a 5xxx code with no fault injected — the server's, unexpected;
 *  - harness: no answer (status 0) with no fault injected — the load generator's own (timeouts,
 *    connections it could not open).
 * Documented refusals (4xx) are answers, judged by the k6 checks and the invariants, not faults.
 */
import type { HistoryOp } from '../../lib/history';
import { faultOf } from './op-index';
import { firstOps } from './verdict';

export interface AnswerClass {
  count: number;
  /** "503/5031" (HTTP status / envelope code) or "0" (no answer) → how many. */
  readonly byStatus: Record<string, number>;
  /** The first few, in invoke order. */
  first: HistoryOp[];
}

export interface FailedAnswers {
  readonly injected: AnswerClass;
  readonly server: AnswerClass;
  readonly harness: AnswerClass;
}

export type AnswerKind = keyof FailedAnswers;

export function answerKindOf(op: HistoryOp): AnswerKind | undefined {
  const fault = faultOf(op);
  if (fault === undefined) return undefined;
  return op.faultInjected === true ? 'injected' : fault;
}

export function classifyAnswers(ops: Iterable<HistoryOp>): FailedAnswers {
  const empty = (): AnswerClass => ({ count: 0, byStatus: {}, first: [] });
  const answers: FailedAnswers = { injected: empty(), server: empty(), harness: empty() };
  const all: Record<AnswerKind, HistoryOp[]> = { injected: [], server: [], harness: [] };
  for (const op of ops) {
    const kind = answerKindOf(op);
    if (kind === undefined) continue;
    const c = answers[kind];
    c.count++;
    const status = op.code === undefined ? String(op.status) : `${op.status}/${op.code}`;
    c.byStatus[status] = (c.byStatus[status] ?? 0) + 1;
    all[kind].push(op);
  }
  for (const kind of Object.keys(all) as AnswerKind[]) answers[kind].first = firstOps(all[kind]);
  return answers;
}

/** One console line: e.g. "failed answers: 7 injected (the server's, expected: 0 ×3, 503/5004 ×4); 0 from the server unprovoked; 0 the harness's own". */
export function describeAnswers(answers: FailedAnswers): string {
  const detail = (c: AnswerClass) =>
    c.count === 0
      ? ''
      : ` (${Object.entries(c.byStatus)
          .map(([s, n]) => `${s} ×${n}`)
          .join(', ')})`;
  return `failed answers: ${answers.injected.count} injected, the server's as expected${detail(answers.injected)}; ${answers.server.count} from the server with no fault injected${detail(answers.server)}; ${answers.harness.count} the harness's own, no answer with no fault injected${detail(answers.harness)}`;
}
