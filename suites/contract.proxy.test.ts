/**
 * Proof that the contract checks read the answers (issue 13): through a proxy that changes a
 * correct sandbox's answers in one documented way each, the checks fail and name the field. With
 * every answer 1.1 s late, certify (its own run path, two contract checks) reports the finding that
 * names each endpoint over 1 s and its p95, and with a budget in the target file fails the budget
 * check instead. And the correct sandbox's answers, for every registered check of every area, all
 * validate.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAnswerCollector } from '../contract/answer-collector';
import type { AnswerCollector } from '../contract/answer-collector';
import type { Expectations } from '../lib/target-config';
import { delayEvery, MUTATIONS, startMutatingProxy } from '../sandbox/mutating-proxy';
import type { AnswerMutation, RunningProxy } from '../sandbox/mutating-proxy';
import { runCheck } from './check';
import type { CheckDefinition, CheckResult } from './check';
import { createCertifyContext } from './context';
import type { CertifyContext } from './context';
import { contractChecks, endOfRunChecks } from './contract.checks';
import { SERVICE_FEE, startEmbeddedSandbox } from './embedded-sandbox';
import type { EmbeddedSandbox } from './embedded-sandbox';
import { registry } from './registry';
import { certifyTarget } from './certify';
import { writeReports } from '../reports/write-reports';

interface Run {
  readonly results: readonly CheckResult[];
  readonly collector: AnswerCollector;
  readonly mutated: number;
}

const SEED = 13;

/**
 * A fresh embedded sandbox, behind the proxy when a mutation is given, and its target pointed at
 * the proxy with `expectations` over the target file's; both closed once `use` is done.
 */
async function withProxiedSandbox<T>(
  options: { mutation?: AnswerMutation; expectations?: Partial<Expectations> },
  use: (embedded: EmbeddedSandbox, target: EmbeddedSandbox['target'], proxy: RunningProxy | undefined) => Promise<T>,
): Promise<T> {
  const embedded = await startEmbeddedSandbox({ seed: SEED, serviceFee: SERVICE_FEE });
  const sandboxUrl = new URL(embedded.urls.url);
  const proxy = options.mutation ? await startMutatingProxy(sandboxUrl.origin, options.mutation) : undefined;
  try {
    const { config } = embedded.target;
    const target = {
      ...embedded.target,
      config: {
        ...config,
        baseUrl: proxy ? `${proxy.url}${sandboxUrl.pathname}` : config.baseUrl,
        ...(options.expectations && { expectations: { ...config.expectations, ...options.expectations } }),
      },
    };
    return await use(embedded, target, proxy);
  } finally {
    await proxy?.close();
    await embedded.close();
  }
}

/** The checks, then the end-of-run checks, against a fresh sandbox, behind the proxy when a mutation is given. */
async function runChecks(
  checks: readonly CheckDefinition<CertifyContext>[],
  options: { mutation?: AnswerMutation } = {},
): Promise<Run> {
  return withProxiedSandbox(options, async (embedded, target, proxy) => {
    const collector = createAnswerCollector({ sandboxPartner: true });
    const results: CheckResult[] = [];
    // One context per area, as certify makes them, all reporting to the one collector.
    for (const area of new Set(checks.map((c) => c.area))) {
      const ctx = createCertifyContext({
        target,
        seed: SEED,
        sandbox: embedded.access,
        stream: area,
        onExchange: collector.onExchange,
      });
      for (const check of checks.filter((c) => c.area === area)) results.push(await runCheck(check, ctx));
    }
    const last = createCertifyContext({
      target,
      seed: SEED,
      sandbox: embedded.access,
      onExchange: collector.onExchange,
    });
    for (const check of endOfRunChecks(collector)) results.push(await runCheck(check, last));
    return { results, collector, mutated: proxy?.mutated() ?? 0 };
  });
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
});

describe('certify through a proxy that delays every answer 1.1 s', { timeout: 120_000 }, () => {
  const DELAY_MS = 1100;
  // Two checks of the contract area: a few dozen answers at most, each 1.1 s late.
  const checks = contractChecks.filter((c) => c.id === 'contract.login' || c.id === 'contract.voucher-detail');

  /** runCertify's own path (certifyTarget) against a sandbox behind the delaying proxy, with `expectations` in the target file. */
  async function certifyDelayed(expectations: Partial<Expectations>) {
    return withProxiedSandbox({ mutation: delayEvery(DELAY_MS), expectations }, async (embedded, target) => {
      const opened = { target, sandbox: embedded.access, close: async () => {} };
      const run = await certifyTarget(opened, { seed: SEED, areas: ['contract'], checks });
      const dir = await mkdtemp(join(tmpdir(), 'omnivas-certify-delayed-'));
      try {
        await writeReports(dir, run.report, run.redactor);
        const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as {
          verdict: string;
          totals: { findings: number };
          checks: { id: string; kind: string; status: string; message?: string; note?: string }[];
          latency: { endpoint: string; p95Ms: number }[];
        };
        return { run, summary, html: await readFile(join(dir, 'report.html'), 'utf8') };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  const p95Of = (message: string | undefined, endpoint: string) =>
    Number(new RegExp(`${endpoint}: p95 (\\d+) ms`).exec(message ?? '')?.[1]);

  it('without a budget: the finding contract.latency-over-1s names each endpoint and its p95, and the run still passes', async () => {
    const { run, summary, html } = await certifyDelayed({ latencyP95Ms: undefined });
    const finding = summary.checks.find((c) => c.id === 'contract.latency-over-1s');
    expect(finding).toMatchObject({ kind: 'finding', status: 'fail' });
    expect(finding?.message).toMatch(/login: p95 \d+ ms over 1000 ms \(\d+ answers, max \d+ ms\)/);
    // One detail read: one answer.
    expect(finding?.message).toMatch(/voucher-detail: p95 \d+ ms over 1000 ms \(1 answer, max \d+ ms\)/);
    for (const endpoint of ['login', 'voucher-detail'])
      expect(p95Of(finding?.message, endpoint)).toBeGreaterThanOrEqual(DELAY_MS);
    // The figures are the report's latency table's.
    const login = summary.latency.find((l) => l.endpoint === 'login');
    expect(login?.p95Ms).toBe(p95Of(finding?.message, 'login'));
    expect(html).toContain('contract.latency-over-1s');
    // A finding, not a failure: without a budget no latency fails the run.
    expect(summary.checks.find((c) => c.id === 'contract.latency-budget')?.status).toBe('pass');
    expect(summary.totals.findings).toBeGreaterThanOrEqual(1);
    expect(summary.verdict).toBe('pass');
    expect(run.summary.findings.map((f) => f.id)).toContain('contract.latency-over-1s');
  });

  it('with a 500 ms budget in the target file: contract.latency-budget fails the run instead, naming the endpoint and its p95', async () => {
    const { summary } = await certifyDelayed({ latencyP95Ms: 500 });
    const budget = summary.checks.find((c) => c.id === 'contract.latency-budget');
    expect(budget?.status).toBe('fail');
    expect(budget?.message).toMatch(/login: p95 \d+ ms over 500 ms/);
    expect(p95Of(budget?.message, 'voucher-detail')).toBeGreaterThanOrEqual(DELAY_MS);
    expect(summary.checks.find((c) => c.id === 'contract.latency-over-1s')).toMatchObject({
      status: 'pass',
      note: 'the target file sets a budget: contract.latency-budget judges it',
    });
    // The delay breaks no field: the budget alone fails the run.
    expect(summary.checks.find((c) => c.id === 'contract.every-answer-valid')?.status).toBe('pass');
    expect(summary.verdict).toBe('fail');
  });
});
