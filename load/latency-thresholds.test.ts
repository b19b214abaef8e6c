/**
 * k6's latency thresholds and the target file's budget (k6.config.ts): expectations.latencyP95Ms
 * replaces the profile's p95 for the endpoints it covers, travels to k6 as JSON in one variable,
 * and is read back there strictly.
 */
import { describe, expect, it } from 'vitest';
import { p95BudgetsOf, parseP95Budgets, PROFILES, TAGGED_ENDPOINTS, thresholdsFor } from '../k6.config';
import type { LatencyBudget } from '../lib/target-config';
import { LOAD_ENV } from './load-env';
import { latencyBudgetEnv } from './node/latency-budget-env';

const smoke = PROFILES.smoke;
/** The latency thresholds, by endpoint tag. */
const latency = (thresholds: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(thresholds).flatMap(([name, list]) => {
      const m = /^http_req_duration\{endpoint:(.+)\}$/.exec(name);
      return m ? [[m[1]!, list]] : [];
    }),
  );

describe('thresholdsFor with a p95 budget', () => {
  it("without a budget holds every tagged endpoint to the profile's p95 and p99", () => {
    const expected = ['p(95)<1000', 'p(99)<2000'];
    expect(latency(thresholdsFor(smoke))).toEqual(Object.fromEntries(TAGGED_ENDPOINTS.map((e) => [e, expected])));
    expect(latency(thresholdsFor(PROFILES.load, { p95Budgets: {} }))['login']).toEqual(['p(95)<1500', 'p(99)<3000']);
  });

  it("replaces the profile's p95 for the endpoints the budget covers, and only those", () => {
    const t = latency(thresholdsFor(smoke, { p95Budgets: { login: 300, 'redeem-gift': 800 } }));
    expect(t).toEqual({
      login: ['p(95)<300', 'p(99)<2000'],
      'initiate-claim': ['p(95)<1000', 'p(99)<2000'],
      'voucher-detail': ['p(95)<1000', 'p(99)<2000'],
      'redeem-gift': ['p(95)<800', 'p(99)<2000'],
    });
  });

  it("a budget above the profile's p99 raises the p99 to it (a p99 below the p95 would fail what the budget allows)", () => {
    expect(latency(thresholdsFor(smoke, { p95Budgets: { login: 3000 } }))['login']).toEqual([
      'p(95)<3000',
      'p(99)<3000',
    ]);
  });

  it('has no latency thresholds under injected faults, budget or not', () => {
    expect(latency(thresholdsFor(smoke, { injectedFaults: true, p95Budgets: { login: 300 } }))).toEqual({});
  });
});

describe("p95BudgetsOf: the target file's budget by endpoint tag", () => {
  it('takes one number for every tagged endpoint, and nothing without a budget', () => {
    expect(p95BudgetsOf(900, 'initiate-claim')).toEqual({
      login: 900,
      'initiate-claim': 900,
      'voucher-detail': 900,
      'redeem-gift': 900,
    });
    expect(p95BudgetsOf(undefined, 'initiate-claim')).toEqual({});
  });

  it('takes per-endpoint budgets; the initiate-claim tag takes the budget of the path the target initiates on', () => {
    const budget: LatencyBudget = { 'initiate-redeem': 700, 'initiate-claim': 400, test: 50, login: 200 };
    expect(p95BudgetsOf(budget, 'initiate-claim')).toEqual({ login: 200, 'initiate-claim': 400 });
    expect(p95BudgetsOf(budget, 'initiate-redeem')).toEqual({ login: 200, 'initiate-claim': 700 });
    expect(p95BudgetsOf({ test: 50 }, 'initiate-claim')).toEqual({});
  });
});

describe('the budget on its way to k6', () => {
  it('is one variable of JSON when the target file sets a budget, and absent otherwise', () => {
    const env = latencyBudgetEnv({
      expectations: { latencyP95Ms: { 'voucher-detail': 250 } },
      initiatePath: 'initiate-claim',
    });
    expect(env).toEqual({ [LOAD_ENV.latencyP95Ms]: '{"voucher-detail":250}' });
    expect(parseP95Budgets(env[LOAD_ENV.latencyP95Ms], LOAD_ENV.latencyP95Ms)).toEqual({ 'voucher-detail': 250 });
    expect(latencyBudgetEnv({ expectations: { latencyP95Ms: undefined }, initiatePath: 'initiate-claim' })).toEqual({});
    expect(parseP95Budgets(undefined, LOAD_ENV.latencyP95Ms)).toEqual({});
    expect(parseP95Budgets('', LOAD_ENV.latencyP95Ms)).toEqual({});
  });

  it.each([
    ['not JSON', '{login: 3}', /got "\{login: 3\}"/],
    ['an array', '[300]', /got \[300\]/],
    ['an unknown endpoint', '{"test": 300}', /unknown endpoint "test"/],
    ['zero', '{"login": 0}', /login is 0/],
    ['a fraction', '{"login": 2.5}', /login is 2\.5/],
    ['above ten minutes', '{"login": 600001}', /login is 600001/],
    ['a string', '{"login": "300"}', /login is "300"/],
  ])('is refused when it is %s, naming the variable and the fix', (_what, raw, why) => {
    expect(() => parseP95Budgets(raw, LOAD_ENV.latencyP95Ms)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(
          new RegExp(`^OMNIVAS_LATENCY_P95_MS expected a JSON object of whole milliseconds .*: ${why.source}`),
        ),
      }),
    );
  });
});
