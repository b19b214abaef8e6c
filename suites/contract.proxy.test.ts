/**
 * Proof that the contract checks read the answers (issue 13): through a proxy that changes a
 * correct sandbox's answers in one documented way each, the checks fail and name the field; with
 * every answer delayed and a small budget, the latency check fails naming the endpoint. And the
 * correct sandbox's answers, for every registered check of every area, all validate.
 */
import { describe, expect, it } from 'vitest';
import { createAnswerCollector } from '../contract/answer-collector';
import type { AnswerCollector } from '../contract/answer-collector';
import type { Expectations } from '../lib/target-config';
import { delayEvery, MUTATIONS, startMutatingProxy } from '../sandbox/mutating-proxy';
import type { AnswerMutation } from '../sandbox/mutating-proxy';
import { runCheck } from './check';
import type { CheckDefinition, CheckResult } from './check';
import { createCertifyContext } from './context';
import type { CertifyContext } from './context';
import { contractChecks, endOfRunChecks } from './contract.checks';
import { SERVICE_FEE, startEmbeddedSandbox } from './embedded-sandbox';
import { registry } from './registry';

interface Run {
  readonly results: readonly CheckResult[];
  readonly collector: AnswerCollector;
  readonly mutated: number;
}

/** The checks, then the end-of-run checks, against a fresh sandbox, behind the proxy when a mutation is given. */
async function runChecks(
  checks: readonly CheckDefinition<CertifyContext>[],
  options: { mutation?: AnswerMutation; expectations?: Partial<Expectations> } = {},
): Promise<Run> {
  const seed = 13;
  const embedded = await startEmbeddedSandbox({ seed, serviceFee: SERVICE_FEE });
  const sandboxUrl = new URL(embedded.urls.url);
  const proxy = options.mutation ? await startMutatingProxy(sandboxUrl.origin, options.mutation) : undefined;
  try {
    const { config } = embedded.target;
    const target = {
      ...embedded.target,
      config: {
        ...config,
        baseUrl: proxy ? `${proxy.url}${sandboxUrl.pathname}` : config.baseUrl,
        expectations: { ...config.expectations, ...options.expectations },
      },
    };
    const collector = createAnswerCollector({ sandboxPartner: true });
    const results: CheckResult[] = [];
    // One context per area, as certify makes them, all reporting to the one collector.
    for (const area of new Set(checks.map((c) => c.area))) {
      const ctx = createCertifyContext({
        target,
        seed,
        sandbox: embedded.access,
        stream: area,
        onExchange: collector.onExchange,
      });
      for (const check of checks.filter((c) => c.area === area)) results.push(await runCheck(check, ctx));
    }
    const last = createCertifyContext({ target, seed, sandbox: embedded.access, onExchange: collector.onExchange });
    for (const check of endOfRunChecks(collector)) results.push(await runCheck(check, last));
    return { results, collector, mutated: proxy?.mutated() ?? 0 };
  } finally {
    await proxy?.close();
    await embedded.close();
  }
}

const resultOf = (run: Run, id: string): CheckResult => {
  const result = run.results.find((r) => r.id === id);
  if (!result) throw new Error(`no result for ${id}`);
  return result;
};

const failing = (run: Run) =>
  run.results.filter((r) => r.status !== 'pass' && r.status !== 'skip').map((r) => `${r.id}: ${r.message}`);

describe('the contract against the correct sandbox', () => {
  it('every answer of every registered check, in every area, validates against the description', async () => {
    const run = await runChecks(registry.all());
    expect(failing(run)).toEqual([]);
    expect(resultOf(run, 'contract.every-answer-valid').status).toBe('pass');
    // Hundreds of answers, of every merchant endpoint and of the sandbox's partner ones.
    expect(run.collector.validated()).toBeGreaterThan(300);
    const endpoints = run.collector.latency().map((l) => l.endpoint);
    expect(endpoints).toEqual(
      expect.arrayContaining(['login', 'test', 'initiate-claim', 'initiate-redeem', 'voucher-detail', 'redeem-gift']),
    );
    expect(endpoints.some((e) => e.startsWith('partner-'))).toBe(true);
  }, 300_000);
});

describe('the contract through a proxy that changes the answers', () => {
  const cases: readonly [string, AnswerMutation, readonly string[], string][] = [
    [
      'drops data.idempotencyKey',
      MUTATIONS.dropIdempotencyKey,
      ['contract.initiate-claim', 'contract.redeem-gift'],
      '$.data.idempotencyKey',
    ],
    [
      'hands back data.metadata parsed',
      MUTATIONS.parseMetadata,
      ['contract.initiate-claim', 'contract.redeem-gift'],
      '$.data.metadata',
    ],
    [
      "swaps the voucher amount's 6-place string for a number",
      MUTATIONS.amountAsNumber,
      ['contract.voucher-detail'],
      '$.data.voucher.amount',
    ],
  ];
  it.each(cases)(
    'that %s fails the contract checks, naming the field',
    async (_what, mutation, checkIds, field) => {
      const run = await runChecks(contractChecks, { mutation });
      expect(run.mutated).toBeGreaterThan(0);
      for (const id of [...checkIds, 'contract.every-answer-valid']) {
        const result = resultOf(run, id);
        expect(result.status, id).toBe('fail');
        expect(result.message, id).toContain(field);
        // The evidence is the exchange that broke it, with the field named.
        expect(
          result.evidence.some((e) => e.exchange !== undefined && e.note?.includes(field)),
          id,
        ).toBe(true);
      }
      // The checks the change does not touch still pass: the failure is the field's, not the proxy's.
      expect(resultOf(run, 'contract.login').status).toBe('pass');
    },
    120_000,
  );

  it('that delays every answer fails the latency budget, naming the endpoint and its p95', async () => {
    const checks = contractChecks.filter((c) => c.id === 'contract.login' || c.id === 'contract.voucher-detail');
    const run = await runChecks(checks, { mutation: delayEvery(60), expectations: { latencyP95Ms: 30 } });
    const budget = resultOf(run, 'contract.latency-budget');
    expect(budget.status).toBe('fail');
    expect(budget.message).toMatch(/voucher-detail: p95 (\d+) ms over 30 ms/);
    const p95 = Number(/voucher-detail: p95 (\d+) ms/.exec(budget.message ?? '')![1]);
    expect(p95).toBeGreaterThanOrEqual(60);
    // The delay breaks no field.
    expect(resultOf(run, 'contract.every-answer-valid').status).toBe('pass');
  }, 120_000);
});
