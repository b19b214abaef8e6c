/**
 * The target file's latency budget reaches k6: a short burst against a loopback sandbox whose
 * target file sets expectations.latencyP95Ms for two endpoints runs with those p95 thresholds (as
 * k6's own summary names them) and the profile's for the rest, and its start line says so; behind
 * a proxy that delays every answer beyond the budget, the thresholds fail the run. Needs
 * k6 (npm run k6:install) and fails without it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { delayEvery } from '../../sandbox/mutating-proxy';
import { LOAD_TEST_TIMEOUT_MS, loadRunsIn, sandboxTargetsIn } from './testing';

const runs = loadRunsIn('latency-budget');
const targets = sandboxTargetsIn('latency-budget');

interface Summary {
  readonly metrics: Record<string, { readonly thresholds?: Record<string, { readonly ok: boolean }> }>;
}

describe("load's thresholds read the target file's latency budget", { timeout: LOAD_TEST_TIMEOUT_MS }, () => {
  it('k6 runs with the budget as the p95 threshold of the endpoints it covers, the profile elsewhere', async () => {
    const { path } = await targets({
      fields: { expectations: { latencyP95Ms: { login: 4000, 'redeem-gift': 3500 } } },
    });
    const { run, out } = await runs({ scenario: 'same-voucher-burst', vus: 2, vouchers: 1, seed: 5, target: path });
    expect(out).toContain(
      "load: latency thresholds: login p95 < 4000 ms (the target file's expectations.latencyP95Ms); initiate-claim, voucher-detail p95 < 1000 ms (profile smoke); redeem-gift p95 < 3500 ms (the target file's expectations.latencyP95Ms)",
    );
    const summary = JSON.parse(await readFile(join(run.out, 'summary.json'), 'utf8')) as Summary;
    const thresholds = (endpoint: string) =>
      Object.keys(summary.metrics[`http_req_duration{endpoint:${endpoint}}`]?.thresholds ?? {}).sort();
    // The p99 is the profile's where the budget is below it, the budget where it is above.
    expect(thresholds('login')).toEqual(['p(95)<4000', 'p(99)<4000']);
    expect(thresholds('redeem-gift')).toEqual(['p(95)<3500', 'p(99)<3500']);
    expect(thresholds('initiate-claim')).toEqual(['p(95)<1000', 'p(99)<2000']);
    expect(run.k6.thresholdsFailed, out).toBe(false);
    expect(run.pass, out).toBe(true);
  });

  it('a target slower than its budget fails the thresholds: every answer 60 ms late against a 20 ms claim budget', async () => {
    const { path } = await targets({
      mutation: delayEvery(60),
      fields: { expectations: { latencyP95Ms: { 'initiate-claim': 20 } } },
    });
    const { run, out } = await runs({ scenario: 'same-voucher-burst', vus: 2, vouchers: 1, seed: 5, target: path });
    expect(run.k6.summary?.metrics?.['http_req_duration{endpoint:initiate-claim}']?.values?.['p(95)']).toBeGreaterThan(
      60,
    );
    expect(run.k6.thresholdsFailed).toBe(true);
    // The invariants hold: the budget alone fails the run.
    expect(run.invariantsHold, out).toBe(true);
    expect(out).toMatch(/FAIL: thresholds failed; invariants hold/);
  });
});
