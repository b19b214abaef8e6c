/**
 * The idempotency storm end to end through the load command: against the correct sandbox one key
 * has one effect per merchant; with idempotency-ignored, idempotency-different-body-accepted or
 * idempotency-keys-global the run fails, the k6 checks and the history checker naming the broken
 * rule. Fails (never skips) without k6, saying to run npm run k6:install.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCommand } from '../cli/load-command';
import { parseHistoryLine } from '../lib';

const dirs: string[] = [];

async function storm(defect?: string) {
  const dir = await mkdtemp(join(tmpdir(), 'omnivas-storm-'));
  dirs.push(dir);
  const out: string[] = [];
  const err: string[] = [];
  const code = await loadCommand(
    {
      scenario: 'idempotency-storm',
      vus: '20',
      vouchers: '1',
      seed: '3',
      out: dir,
      ...(defect === undefined ? {} : { defect: [defect] }),
    },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  const ops = (await readFile(join(dir, 'history.jsonl'), 'utf8'))
    .split('\n')
    .flatMap((line) => parseHistoryLine(line) ?? []);
  const verdict = await readFile(join(dir, 'verdict.json'), 'utf8').then(
    (text) => JSON.parse(text) as { valid: boolean | string; violations: { invariant: string; message: string }[] },
    () => undefined,
  );
  return { code, out: out.join('\n'), err: err.join('\n'), ops, verdict };
}

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('idempotency storm through the load command', () => {
  it('against the correct sandbox: 20 identical requests, one claim, the probes answered as documented', async () => {
    const run = await storm();
    const claims = run.ops.filter((op) => op.op === 'claim');
    // 20 storm requests with one key, the probe with the same key and another amount, the second merchant's claim with the same key.
    expect(claims).toHaveLength(22);
    expect(new Set(claims.map((op) => op.idempotencyKey)).size).toBe(1);
    expect(claims.find((op) => op.amount === '11000000')?.status).toBe(422);
    // The second merchant's same key is its own: a claim it can redeem with its own OTP.
    const second = run.ops.filter((op) => op.merchant === 'merchant-2');
    expect(second.map((op) => [op.op, op.status])).toEqual([
      ['claim', 200],
      ['redeem', 200],
    ]);
    const firstRedeem = run.ops.find((op) => op.op === 'redeem' && op.merchant === undefined);
    expect(firstRedeem?.status).toBe(200);
    expect(second[1]?.otp).not.toBe(firstRedeem?.otp);
    if (run.verdict !== undefined) expect(run.verdict.valid).toBe(true);
    expect(run.code, run.out + run.err).toBe(0);
  });

  it("with idempotency-keys-global: the second merchant gets the first one's answer replayed, and the run fails naming it", async () => {
    const run = await storm('idempotency-keys-global');
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/thresholds on metrics '.*checks.*' have been crossed/);
    // The replayed 200 texts no OTP: the second merchant's redemption finds no claim of its own.
    expect(run.ops.filter((op) => op.merchant === 'merchant-2').map((op) => [op.op, op.outcome])).toEqual([
      ['claim', 'ok'],
      ['redeem', 'fail'],
    ]);
    const named = run.verdict?.violations.find((v) => v.invariant === 'acknowledged-present');
    expect(named?.message).toMatch(/@merchant-2 was acknowledged, but the ledger has no claim entry/);
  });

  for (const defect of ['idempotency-ignored', 'idempotency-different-body-accepted']) {
    it(`with ${defect}: the run fails`, async () => {
      const run = await storm(defect);
      expect(run.code).toBe(1);
      // The k6 checks see it (thresholds on checks fail) and the checker names one-effect-per-key.
      expect(run.err).toMatch(/thresholds on metrics '.*checks.*' have been crossed/);
      if (run.verdict !== undefined)
        expect(run.verdict.violations.map((v) => v.invariant)).toContain('one-effect-per-key');
    });
  }
});
