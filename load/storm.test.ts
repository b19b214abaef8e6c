/**
 * The idempotency storm end to end through the load command: against the correct sandbox one key
 * has one effect; with idempotency-ignored or idempotency-different-body-accepted the run fails,
 * the history checker (or, without it, the k6 checks) naming the broken rule. Fails (never skips)
 * without k6, saying to run npm run k6:install.
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
  const code = await loadCommand({ scenario: 'idempotency-storm', vus: '20', vouchers: '1', seed: '3', out: dir, ...(defect === undefined ? {} : { defect: [defect] }) }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  const ops = (await readFile(join(dir, 'history.jsonl'), 'utf8')).split('\n').flatMap((line) => parseHistoryLine(line) ?? []);
  const verdict = await readFile(join(dir, 'verdict.json'), 'utf8').then(
    (text) => JSON.parse(text) as { valid: boolean | string; violations: { invariant: string }[] },
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
    // 20 storm requests with one key, then the probe with the same key and another amount.
    expect(claims).toHaveLength(21);
    expect(new Set(claims.map((op) => op.idempotencyKey)).size).toBe(1);
    expect(claims.find((op) => op.amount === '11000000')?.status).toBe(422);
    expect(run.ops.filter((op) => op.op === 'redeem').map((op) => op.status)).toEqual([200]);
    if (run.verdict !== undefined) expect(run.verdict.valid).toBe(true);
    expect(run.code, run.out + run.err).toBe(0);
  });

  for (const defect of ['idempotency-ignored', 'idempotency-different-body-accepted']) {
    it(`with ${defect}: the run fails`, async () => {
      const run = await storm(defect);
      expect(run.code).toBe(1);
      // The k6 checks see it (thresholds on checks fail) and the checker names one-effect-per-key.
      expect(run.err).toMatch(/thresholds on metrics '.*checks.*' have been crossed/);
      if (run.verdict !== undefined) expect(run.verdict.violations.map((v) => v.invariant)).toContain('one-effect-per-key');
    });
  }
});
