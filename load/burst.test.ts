/**
 * The same-voucher burst end to end: `omnivas-harness load` bundles the scenario, starts the
 * embedded sandbox, runs 20 VUs × 2 vouchers in the pinned k6 and judges the result. Against the
 * correct sandbox no invariant breaks; with the check-then-act reservation defect the aligned
 * burst over-reserves and the run fails naming it. Without k6 these fail (never skip), saying to
 * run npm run k6:install.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCommand } from '../cli/load-command';
import { parseHistoryLine, type HistoryOp } from '../lib';
import type { OverReservation } from './checker/ledger-replay';

const dirs: string[] = [];

async function burst(extra: { defect?: string[]; fill?: string }): Promise<{
  code: number;
  out: string[];
  dir: string;
  ops: HistoryOp[];
  overReserved: OverReservation[];
  verdict: { valid: boolean | string; violations: { invariant: string }[] } | undefined;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'omnivas-burst-'));
  dirs.push(dir);
  const out: string[] = [];
  const io = { out: (line: string) => out.push(line), err: () => undefined };
  const code = await loadCommand(
    { scenario: 'same-voucher-burst', vus: '20', vouchers: '2', seed: '7', out: dir, ...extra },
    io,
  );
  const ops = (await readFile(join(dir, 'history.jsonl'), 'utf8'))
    .split('\n')
    .flatMap((line) => parseHistoryLine(line) ?? []);
  const overReserved = (
    JSON.parse(await readFile(join(dir, 'ledger-check.json'), 'utf8')) as { overReservations: OverReservation[] }
  ).overReservations;
  const verdict = await readFile(join(dir, 'verdict.json'), 'utf8').then(
    (text) => JSON.parse(text) as { valid: boolean | string; violations: { invariant: string }[] },
    () => undefined,
  );
  return { code, out, dir, ops, overReserved, verdict };
}

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('same-voucher burst through the load command', () => {
  it('against the correct sandbox: every VU claims each voucher, claims are redeemed, and no invariant breaks', async () => {
    const run = await burst({ fill: '2' });
    const claims = run.ops.filter((op) => op.op === 'claim');
    expect(claims).toHaveLength(40);
    expect(new Set(claims.map((op) => op.voucher)).size).toBe(2);
    // fill 2: the claims ask for about twice the balance, so some are refused with 4091 and some redeemed.
    expect(claims.some((op) => op.code === 4091)).toBe(true);
    expect(run.ops.some((op) => op.op === 'redeem' && op.outcome === 'ok')).toBe(true);
    expect(run.overReserved).toEqual([]);
    if (run.verdict !== undefined) expect(run.verdict.valid).toBe(true);
    expect(run.code, run.out.join('\n')).toBe(0);
  });

  it('with reservation-check-then-act: the aligned burst over-reserves and the run fails naming it', async () => {
    // fill 5: a few claims fill the voucher, so any two that race past the check together over-reserve.
    const run = await burst({ fill: '5', defect: ['reservation-check-then-act'] });
    expect(run.overReserved.length).toBeGreaterThan(0);
    if (run.verdict !== undefined)
      expect(run.verdict.violations.map((v) => v.invariant)).toContain('no-over-reservation');
    expect(run.out.join('\n')).toMatch(/ledger: voucher \d+ reserved [\d.]+ of a remaining [\d.]+/);
    expect(run.code).toBe(1);
  });
});
