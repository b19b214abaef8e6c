/** The consent and limit rules of a load run against a target file, and the plan --dry-run prints. */
import { describe, expect, it } from 'vitest';
import type { LoadConsent } from '../../lib/target-config';
import type { P95Budgets } from '../../k6.config';
import { checkLoadConsent, describeLoadPlan, planLoad } from './remote-consent';
import type { ConsentInput } from './remote-consent';

const CONSENT: LoadConsent = {
  allowed: true,
  maxArrivalRate: 10,
  maxVus: 20,
  maxDurationSeconds: 60,
  vouchers: [
    { code: 'V1', amount: '50.000000' },
    { code: 'V2', amount: '30.000000' },
  ],
};
const REMOTE = { field: 'baseUrl', url: 'https://api.test.invalid/api/v1/merchant/client' };
const INPUT: ConsentInput = {
  path: 't.json',
  remote: REMOTE,
  consent: CONSENT,
  sandboxPowers: false,
  scenario: 'steady-flow',
  rate: 2,
  seconds: 30,
  vus: 5,
  vouchers: undefined,
};
const check = (over: Partial<ConsentInput>) => () => checkLoadConsent({ ...INPUT, ...over });

describe('checkLoadConsent', () => {
  it('lets a consenting remote target run within its limits on the listed vouchers', () => {
    expect(checkLoadConsent(INPUT)).toEqual(CONSENT.vouchers);
    expect(checkLoadConsent({ ...INPUT, vouchers: 1 })).toEqual([CONSENT.vouchers[0]]);
    // At each limit exactly: allowed.
    expect(check({ rate: 10, vus: 20, seconds: 60 })).not.toThrow();
    // With sandbox powers the run provisions its own vouchers.
    expect(checkLoadConsent({ ...INPUT, sandboxPowers: true, scenario: 'faults' })).toBeUndefined();
  });

  it('refuses a remote target without consent, naming the field and the fix', () => {
    for (const consent of [undefined, { ...CONSENT, allowed: false }])
      expect(check({ consent })).toThrow(
        expect.objectContaining({
          code: 'NOT_LOOPBACK',
          message: expect.stringMatching(
            /^"baseUrl" in t\.json is https:\/\/api\.test\.invalid\S+, not this machine; .* add "load": \{"allowed": true, "maxArrivalRate"/,
          ),
        }),
      );
    // A loopback target needs no consent (its limits still hold).
    expect(check({ remote: undefined, consent: undefined, sandboxPowers: true })).not.toThrow();
  });

  it('refuses a run beyond a limit, naming the option and the field', () => {
    expect(check({ vus: 21 })).toThrow(
      /--vus 21 is above "load\.maxVus" 20 in t\.json: lower --vus or raise "load\.maxVus"/,
    );
    expect(check({ rate: 11 })).toThrow(/arrival rate \(--profile\) 11 is above "load\.maxArrivalRate" 10/);
    expect(check({ seconds: 61 })).toThrow(/--duration 61 is above "load\.maxDurationSeconds" 60/);
    // A burst's VUs claim at one instant: bounded by the arrival rate too.
    expect(check({ scenario: 'same-voucher-burst', rate: undefined, seconds: undefined, vus: 11 })).toThrow(
      /the burst \(--vus\) 11 is above "load\.maxArrivalRate" 10/,
    );
    // The limits hold on a loopback target too.
    expect(check({ remote: undefined, sandboxPowers: true, vus: 21 })).toThrow(/"load\.maxVus" 20/);
    expect(check({ vouchers: 3 })).toThrow(/--vouchers 3 is more than the 2 listed in "load\.vouchers"/);
  });

  it('refuses, without sandbox powers, the scenarios that need them and a run with no vouchers listed', () => {
    expect(check({ scenario: 'idempotency-storm', rate: undefined, seconds: undefined })).toThrow(
      /idempotency-storm needs sandbox powers \(it provisions a second merchant/,
    );
    expect(check({ scenario: 'faults' })).toThrow(/faults needs sandbox powers \(it injects faults/);
    expect(check({ consent: { ...CONSENT, vouchers: [] } })).toThrow(
      /list the vouchers the run may spend in "load\.vouchers"/,
    );
  });
});

describe('planLoad', () => {
  const base = {
    scenario: 'steady-flow',
    profile: 'smoke',
    baseUrl: REMOTE.url,
    sandboxPowers: false,
    rate: 2,
    durationSeconds: 3,
    flows: 8,
    vus: 5,
    p95Budgets: {},
    injectedFaults: false,
  } as const;

  it('spends at most the listed balance, and for flows no more than their allowance', () => {
    const listed = [{ code: 'V1', amount: '50.000000' }];
    // 8 flows × 4 units allowance = 32 units, below the 50 listed.
    expect(planLoad({ ...base, listed, provisioned: { count: 1, amount: 1n } }).maxSpend).toBe(32_000_000n);
    expect(planLoad({ ...base, flows: 100, listed, provisioned: { count: 1, amount: 1n } }).maxSpend).toBe(50_000_000n);
    const burst = planLoad({
      ...base,
      scenario: 'same-voucher-burst',
      rate: undefined,
      durationSeconds: undefined,
      flows: undefined,
      listed: undefined,
      provisioned: { count: 3, amount: 100_000_000n },
    });
    expect(burst.maxSpend).toBe(300_000_000n);
    expect(burst.vouchers.source).toBe('provisioned');
    expect(describeLoadPlan(burst)).toContain('spends at most 300.000000 (amounts and service fees)');
  });

  it("says which p95 each endpoint is held to: the target file's budget where it sets one, the profile's elsewhere", () => {
    const plan = (p95Budgets: P95Budgets, injectedFaults = false) =>
      describeLoadPlan(
        planLoad({ ...base, p95Budgets, injectedFaults, listed: undefined, provisioned: { count: 1, amount: 1n } }),
      );
    expect(plan({})).toContain(
      'latency thresholds: login, initiate-claim, voucher-detail, redeem-gift p95 < 1000 ms (profile smoke)',
    );
    expect(plan({ login: 300, 'voucher-detail': 300 })).toContain(
      "latency thresholds: login, voucher-detail p95 < 300 ms (the target file's expectations.latencyP95Ms); initiate-claim, redeem-gift p95 < 1000 ms (profile smoke)",
    );
    expect(plan({ login: 300 }, true)).toContain(
      'latency thresholds: none (faults are injected; the verdict sorts the answers out)',
    );
  });
});
