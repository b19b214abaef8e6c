/**
 * The steady flow and the soak end to end through the load command: full flows (claim → detail →
 * redeem) at the profile's arrival rate, every claim redeemed, tokens renewed (the renewal age
 * shortened to 2 s so a short run crosses several "lifetimes"), and the invariants hold. Fails
 * (never skips) without k6, saying to run npm run k6:install.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCommand, type LoadOptions } from '../cli/load-command';
import { parseHistoryLine } from '../lib';
import { corpusEntries } from './request-corpus';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function flows(options: Omit<LoadOptions, 'out'>) {
  const dir = await mkdtemp(join(tmpdir(), 'omnivas-flow-'));
  dirs.push(dir);
  const lines: string[] = [];
  const code = await loadCommand({ ...options, out: dir }, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  const ops = (await readFile(join(dir, 'history.jsonl'), 'utf8'))
    .split('\n')
    .flatMap((line) => parseHistoryLine(line) ?? []);
  const verdict = JSON.parse(await readFile(join(dir, 'verdict.json'), 'utf8')) as {
    valid: boolean | string;
    answers: Record<string, { count: number }>;
  };
  const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as {
    signing: unknown;
    metrics: Record<string, { values: Record<string, number> } | undefined>;
  };
  return { code, output: lines.join('\n'), dir, ops, verdict, summary };
}

describe('steady flow through the load command', () => {
  it('runs full flows at the smoke rate, redeems every claim, renews tokens, and the invariants hold', async () => {
    const run = await flows({
      scenario: 'steady-flow',
      duration: '6s',
      renewTokenAfter: '2',
      vouchers: '4',
      seed: '9',
    });
    const of = (kind: string) => run.ops.filter((op) => op.op === kind);
    // 2 flows a second for 6 s (a starved machine may drop one or two: k6's dropped_iterations).
    expect(of('claim').length).toBeGreaterThanOrEqual(10);
    for (const kind of ['claim', 'detail', 'redeem'])
      expect(of(kind).map((op) => op.status)).toEqual(of('claim').map(() => 200));
    // Four vouchers share the flows, several partial claims each; each detail read saw a balance.
    expect(new Set(of('claim').map((op) => op.voucher)).size).toBe(4);
    expect(of('detail').every((op) => op.remainingBalance !== undefined)).toBe(true);
    // Each redemption used its own claim (linked by key).
    expect(new Set(of('redeem').map((op) => op.claimKey))).toEqual(new Set(of('claim').map((op) => op.idempotencyKey)));
    // Tokens older than 2 s were replaced by a new login, and none was refused meanwhile (no 401 above).
    expect(run.summary.metrics['token_renewals']?.values['count']).toBeGreaterThan(0);
    expect(run.output).toMatch(/token renewals: [1-9]/);
    expect(run.verdict.valid).toBe(true);
    expect(run.verdict.answers['harness']?.count).toBe(0);
    expect(run.code, run.output).toBe(0);
  });

  it('soak is the steady flow under the soak profile (5 flows a second), here cut to 4 s', async () => {
    const run = await flows({ scenario: 'soak', duration: '4s', vouchers: '5', seed: '2' });
    expect(run.output).toContain('load: 5 flows/s for 4 s');
    expect(run.output).toMatch(/load: soak, profile soak, 20 VUs/);
    const redeems = run.ops.filter((op) => op.op === 'redeem');
    expect(redeems.length).toBeGreaterThanOrEqual(15);
    expect(redeems.every((op) => op.status === 200)).toBe(true);
    expect(run.verdict.valid).toBe(true);
    expect(run.code, run.output).toBe(0);
  });

  it('presigned: every flow claims from the corpus made for its slot, k6 signs no claim, and the invariants hold', async () => {
    const run = await flows({
      scenario: 'steady-flow',
      duration: '3s',
      vouchers: '2',
      seed: '4',
      signing: 'presigned',
    });
    // 2 flows a second for 3 s, plus a second of slack: rate × (duration + 1 s) slots.
    const corpus = corpusEntries(await readFile(join(run.dir, 'corpus.json'), 'utf8'), 'corpus.json');
    expect(corpus).toHaveLength(8);
    const claims = run.ops.filter((op) => op.op === 'claim');
    expect(claims.length).toBeGreaterThanOrEqual(4);
    // Keys made in Node by the generator: each claim sent carries its slot's entry (voucher and amount too).
    const byKey = new Map(corpus.map((e) => [e.claim.idempotencyKey, e]));
    for (const claim of claims)
      expect(byKey.get(claim.idempotencyKey)).toMatchObject({ voucherCode: claim.voucher, amount: claim.amount });
    const count = (metric: string) => run.summary.metrics[metric]?.values['count'] ?? 0;
    expect(count('presigned_requests')).toBe(claims.length);
    expect(count('k6_signed_claims')).toBe(0);
    // Outbox OTPs exist only after the claim: those redemptions are signed in k6.
    const redemptions = run.ops.filter((op) => op.op === 'redeem');
    expect(redemptions.map((op) => op.status)).toEqual(claims.map(() => 200));
    expect(count('k6_signed_redemptions')).toBe(redemptions.length);
    expect(run.summary.signing).toEqual({ mode: 'presigned', claims: 'corpus', redemptions: 'k6' });
    expect(run.verdict.valid).toBe(true);
    expect(run.code, run.output).toBe(0);
  });

  it('refuses --duration beyond 30 minutes and --renew-token-after beyond 240 s, and both on a burst', async () => {
    await expect(flows({ scenario: 'steady-flow', duration: '31m' })).rejects.toThrow(
      /--duration expected from 1s to 30m, got "31m"/,
    );
    await expect(flows({ scenario: 'steady-flow', renewTokenAfter: '241' })).rejects.toThrow(
      /--renew-token-after expected a whole number from 1 to 240/,
    );
    await expect(flows({ scenario: 'same-voucher-burst', duration: '5s' })).rejects.toThrow(
      /apply to the flow scenarios/,
    );
  });
});
