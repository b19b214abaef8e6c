/**
 * Records from out dirs: a certify dir written by the real report writer, and a load dir in the
 * shapes the load command writes (k6's summary, verdict.json, finals.json, ledger-check.json),
 * made here small with a broken invariant, lost answers and a secret-bearing op in it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failingReport, passingReport } from '../reports/test-support/sample-reports';
import { writeReports } from '../reports/write-reports';
import { AREAS } from '../suites/check-result';
import { recordFromOutDir } from './record-from-dir';
import { parseRunRecord, RUN_RECORD_FORMAT } from './run-record';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'omnivas-history-record-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const SECRET_OTP = '918273';
const SECRET_KEY = 'sk-live-should-never-appear';

const trend = (p95: number) => ({
  type: 'trend',
  contains: 'time',
  values: { med: p95 / 2, 'p(95)': p95, 'p(99)': p95 * 1.2, max: p95 * 1.3, min: 1, avg: p95 / 2, 'p(90)': p95 * 0.9 },
});

async function loadDir(name: string, thresholdOk = true): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  const lostOp = { op: 'redeem', otp: SECRET_OTP, idempotencyKey: SECRET_KEY, status: 0 };
  const files = {
    'summary.json': {
      signing: { mode: 'presigned' },
      state: { testRunDurationMs: 20_000 },
      metrics: {
        'http_req_duration{endpoint:initiate-claim}': {
          ...trend(40),
          thresholds: { 'p(95)<1000': { ok: thresholdOk } },
        },
        'http_req_duration{endpoint:redeem-gift}': trend(20),
        // A threshold's submetric no request was tagged with: k6 keeps it, all zeros.
        'http_req_duration{endpoint:login}': { type: 'trend', values: { med: 0, 'p(95)': 0, 'p(99)': 0, max: 0 } },
        http_reqs: { type: 'counter', values: { count: 1000, rate: 50 } },
        iterations: { type: 'counter', values: { count: 200, rate: 10 } },
        http_req_failed: { type: 'rate', values: { rate: 0.02 } },
      },
    },
    'verdict.json': {
      valid: false,
      ops: 400,
      violations: [{ invariant: 'conservation', voucher: 'V1', message: 'off by 1', ops: [lostOp] }],
      undetermined: [{ invariant: 'one-effect-per-key', voucher: 'V2', message: 'an info op' }],
      counts: {
        claim: { ok: 190, fail: 5, info: 5 },
        redeem: { ok: 180, fail: 0, info: 0 },
        detail: { ok: 20, fail: 0, info: 0 },
      },
      answers: {
        injected: { count: 0, byStatus: {}, first: [] },
        server: { count: 4, byStatus: { '503/5031': 4 }, first: [] },
        harness: { count: 2, byStatus: { '0': 2 }, first: [lostOp] },
      },
      contract: { answers: 12, violations: 1, first: ['voucher-detail HTTP 200: $.data.voucher.serialNumber ...'] },
    },
    'finals.json': {
      scenario: 'steady-flow',
      seed: 77,
      vus: 5,
      signing: { mode: 'presigned' },
      vouchers: [],
      finals: [],
    },
    'ledger-check.json': { invariant: 'no-over-reservation', valid: false, overReservations: [{}] },
  };
  for (const [file, json] of Object.entries(files)) await writeFile(join(dir, file), JSON.stringify(json));
  return dir;
}

describe('recordFromOutDir', () => {
  it('reads a load dir: latency per endpoint, throughput, failures by cause, invariants; no secret', async () => {
    const dir = await loadDir('load');
    const record = await recordFromOutDir(dir, {
      target: { name: 'staging', baseUrl: 'http://127.0.0.1:9/api/v1/merchant/client' },
      profile: 'load',
      startedAt: '2026-12-01T02:00:00.000Z',
    });
    expect(record).toMatchObject({
      format: RUN_RECORD_FORMAT,
      kind: 'load',
      scenario: 'steady-flow',
      profile: 'load',
      seed: 77,
      signing: 'presigned',
      target: { name: 'staging', baseUrl: 'http://127.0.0.1:9/api/v1/merchant/client' },
      startedAt: '2026-12-01T02:00:00.000Z',
    });
    expect(record.id).toMatch(/^20261201T020000Z-load-steady-flow-[0-9a-z]{6}$/);
    const load = record.load!;
    expect(load.endpoints).toEqual({
      'initiate-claim': { p50: 20, p95: 40, p99: 48, perSecond: 10 },
      'redeem-gift': { p50: 10, p95: 20, p99: 24, perSecond: 9 },
    });
    expect(load.throughput).toEqual({ requestsPerSecond: 50, iterationsPerSecond: 10 });
    expect(load.httpFailedRate).toBe(0.02);
    expect(load.answers.server).toEqual({ count: 4, rate: 0.01, lost: 0, byStatus: { '503/5031': 4 } });
    expect(load.answers.harness).toEqual({ count: 2, rate: 0.005, lost: 2, byStatus: { '0': 2 } });
    expect(load.invariants).toMatchObject({
      conservation: 'broken',
      'one-effect-per-key': 'undetermined',
      'no-over-reservation': 'holds',
      'ledger-replay': 'broken',
      'answer-contract': 'broken',
    });
    expect(load.thresholdsPassed).toBe(true);
    const text = JSON.stringify(record);
    expect(text).not.toContain(SECRET_OTP);
    expect(text).not.toContain(SECRET_KEY);
    expect(parseRunRecord(JSON.parse(text), 'x')).toEqual(record);
  });

  it("takes the load command's defaults for what a load dir does not say, and a failed threshold", async () => {
    const record = await recordFromOutDir(await loadDir('defaults', false));
    expect(record.target).toEqual({ name: 'embedded sandbox' });
    expect(record.profile).toBe('smoke');
    expect(record.load?.thresholdsPassed).toBe(false);
    expect(Date.parse(record.startedAt)).toBeLessThanOrEqual(Date.now() - 20_000 + 1000);
  });

  it("reads a certify dir written by certify's own writer: each check's id and status, totals, partial areas", async () => {
    const dir = join(root, 'certify');
    const report = failingReport();
    await writeReports(dir, report, (t) => t);
    const record = await recordFromOutDir(dir);
    expect(record).toMatchObject({
      kind: 'certify',
      target: { name: report.target.name, baseUrl: report.target.baseUrl },
      startedAt: report.startedAt,
      seed: report.seed,
      certify: { verdict: 'fail' },
    });
    expect(record.certify!.checks).toEqual(report.results.map((r) => ({ id: r.id, status: r.status })));
    expect(record.certify!.totals['checks']).toBe(report.results.length);
    const areas = new Set(report.results.map((r) => r.area));
    expect(record.scenario).toBe(
      areas.size === AREAS.length ? 'certify' : `certify:${AREAS.filter((a) => areas.has(a)).join(',')}`,
    );
    const passing = join(root, 'certify-pass');
    await writeReports(passing, passingReport(), (t) => t);
    expect((await recordFromOutDir(passing)).certify!.verdict).toBe('pass');
  });

  it('refuses a folder holding neither run, and a load dir whose summary is not k6s', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    await expect(recordFromOutDir(empty)).rejects.toMatchObject({
      code: 'HISTORY_STORE_INVALID',
      message: expect.stringMatching(/holds neither a load run \(finals\.json\) nor a certify run \(summary\.json\)/),
    });
    const dir = await loadDir('bad-summary');
    await writeFile(join(dir, 'summary.json'), '{"format": "omnivas-harness/certify-summary@1"}');
    await expect(recordFromOutDir(dir)).rejects.toMatchObject({
      code: 'HISTORY_STORE_INVALID',
      message: expect.stringMatching(/has no "metrics": it is not k6's summary/),
    });
  });
});
