/** The end-of-run checks judge whatever collector they are given: fed here by hand. */
import { describe, expect, it } from 'vitest';
import type { AnswerCollector } from '../contract/answer-collector';
import type { EndpointLatency } from '../contract/latency';
import type { LatencyBudget } from '../lib/target-config';
import { runCheck } from './check';
import type { CertifyContext } from './context';
import { budgetFor, endOfRunChecks } from './contract.checks';

const fakeCollector = (latency: EndpointLatency[], validated = 10): AnswerCollector => ({
  onExchange: () => {},
  validated: () => validated,
  violations: () => [],
  violationCount: () => 0,
  latency: () => latency,
});

const row = (endpoint: string, p95Ms: number): EndpointLatency => ({
  endpoint,
  count: 20,
  p50Ms: 5,
  p95Ms,
  maxMs: p95Ms + 1,
});
const ctxWith = (latencyP95Ms: LatencyBudget | undefined) => ({ expectations: { latencyP95Ms } }) as CertifyContext;

async function judge(latency: EndpointLatency[], budget: LatencyBudget | undefined, validated?: number) {
  const [every, withBudget, finding] = endOfRunChecks(fakeCollector(latency, validated));
  const ctx = ctxWith(budget);
  return {
    every: await runCheck(every!, ctx),
    budget: await runCheck(withBudget!, ctx),
    finding: await runCheck(finding!, ctx),
  };
}

describe('the end-of-run contract checks', () => {
  it('without a budget: a p95 above 1 s is a finding naming the endpoint and the figure; the budget check passes, saying there is none', async () => {
    const r = await judge([row('redeem-gift', 1200), row('login', 40), row('partner-account', 5000)], undefined);
    expect(r.finding.status).toBe('fail');
    expect(r.finding.kind).toBe('finding');
    expect(r.finding.message).toBe('redeem-gift: p95 1200 ms over 1000 ms (20 answers, max 1201 ms)');
    // No budget is no missing coverage (a skip would make the run INCOMPLETE): a pass that says so.
    expect(r.budget.status).toBe('pass');
    expect(r.budget.note).toMatch(/no budget/);
    expect((await judge([row('redeem-gift', 1000)], undefined)).finding.status).toBe('pass');
  });

  it('with a budget: an endpoint over it fails the requirement; the finding defers to it', async () => {
    const r = await judge([row('redeem-gift', 700), row('login', 40)], 500);
    expect(r.budget.status).toBe('fail');
    expect(r.budget.kind).toBe('requirement');
    expect(r.budget.message).toBe('redeem-gift: p95 700 ms over 500 ms (20 answers, max 701 ms)');
    expect(r.finding.status).toBe('pass');
    expect((await judge([row('redeem-gift', 700)], { login: 100 })).budget.status).toBe('pass');
    expect((await judge([row('redeem-gift', 700)], { 'redeem-gift': 699 })).budget.status).toBe('fail');
  });

  it('skips every-answer-valid when nothing was collected rather than passing on nothing', async () => {
    expect((await judge([], undefined, 0)).every.status).toBe('skip');
    expect((await judge([], undefined, 3)).every.status).toBe('pass');
  });

  it('applies a budget only to the merchant API endpoints', () => {
    expect(budgetFor(300, 'voucher-detail')).toBe(300);
    expect(budgetFor(300, 'partner-account')).toBeUndefined();
    expect(budgetFor({ login: 50 }, 'voucher-detail')).toBeUndefined();
    expect(budgetFor(undefined, 'login')).toBeUndefined();
  });
});
