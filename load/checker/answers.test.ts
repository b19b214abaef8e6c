/**
 * The failed answers of a run sorted by whose fault they are: injected (the server's, expected),
 * the server's with nothing injected, and the harness's own (no answer, nothing injected).
 */
import { describe, expect, it } from 'vitest';
import type { HistoryOp } from '../../lib/history';
import { classifyAnswers, describeAnswers } from './answers';

let t = 0;
function op(status: number, extra: Partial<HistoryOp> = {}): HistoryOp {
  t += 10;
  return {
    runner: 'k6-0',
    vu: 1,
    iteration: t,
    op: 'claim',
    voucher: 'V1',
    amount: '1000000',
    idempotencyKey: `k${t}`,
    invokeMs: t,
    completeMs: t + 5,
    outcome: status === 200 ? 'ok' : status >= 400 && status < 500 ? 'fail' : 'info',
    status,
    ...extra,
  };
}

describe('classifyAnswers', () => {
  it('puts 5xx and lost answers under injected when a fault was active, under server or harness when none was', () => {
    const ops = [
      op(200, { faultInjected: true }),
      op(409, { code: 4091, faultInjected: true }),
      op(503, { code: 5031, faultInjected: true }),
      op(0, { faultInjected: true }),
      op(500, { code: 5004, faultInjected: false }),
      op(0, { faultInjected: false }),
      op(0),
    ];
    const answers = classifyAnswers(ops);
    expect(answers.injected.count).toBe(2);
    expect(answers.injected.byStatus).toEqual({ '503/5031': 1, '0': 1 });
    expect(answers.server.count).toBe(1);
    expect(answers.server.byStatus).toEqual({ '500/5004': 1 });
    expect(answers.server.first.map((o) => o.status)).toEqual([500]);
    expect(answers.harness.count).toBe(2);
    expect(answers.harness.first).toHaveLength(2);
  });

  it('counts nothing when every answer is a success or a documented refusal', () => {
    const answers = classifyAnswers([op(200), op(409, { code: 4091 }), op(403, { code: 4035 })]);
    expect([answers.injected.count, answers.server.count, answers.harness.count]).toEqual([0, 0, 0]);
  });

  it('describes the three kinds on one line, with their statuses', () => {
    const line = describeAnswers(
      classifyAnswers([op(0, { faultInjected: true }), op(0, { faultInjected: true }), op(502)]),
    );
    expect(line).toBe(
      "failed answers: 2 injected, the server's as expected (0 ×2); 1 from the server with no fault injected (502 ×1); 0 the harness's own, no answer with no fault injected",
    );
  });
});
