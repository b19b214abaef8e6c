/**
 * `check-history` merges the histories of several runners before judging: two runners each claim
 * 60 of a voucher of 100 at the same moment. Either runner's history alone is consistent; only
 * together do they show the over-reservation, which the merged verdict names. Also: a runner
 * repeated across files, and a history line that is not JSON, are refused as bad input.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatHistoryLine, type FinalVoucherState, type HistoryOp } from '../lib/history';
import { runCli } from './program';

const VOUCHER = '3225118500682251';

function claim(runner: string, key: string, invokeMs: number): HistoryOp {
  return {
    runner,
    vu: 1,
    iteration: 0,
    op: 'claim',
    voucher: VOUCHER,
    amount: '60000000',
    idempotencyKey: key,
    invokeMs,
    completeMs: invokeMs + 10,
    outcome: 'ok',
    status: 200,
  };
}

const FINALS: FinalVoucherState[] = [
  {
    voucher: VOUCHER,
    amount: '100000000',
    remainingBalance: '100000000',
    serviceFee: '1000000',
    status: 'REDEEM_INITIATED',
  },
];

type Files = { dir: string; a: string; b: string; aAgain: string; finals: string };

function files(): Files {
  const dir = mkdtempSync(join(tmpdir(), 'omnivas-check-history-'));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  // As kubectl logs shows a runner: k6's own lines around the history lines.
  const log = (op: HistoryOp) => `k6 v2.2.0 starting\n${formatHistoryLine(op)}\nrunning (0m01.0s), 0/1 VUs\n`;
  return {
    dir,
    a: write('runner-a.log', log(claim('omnivas-burst-1-abcde', 'claim-a', 1_000))),
    b: write('runner-b.log', log(claim('omnivas-burst-2-fghij', 'claim-b', 1_002))),
    aAgain: write('runner-a-copy.log', log(claim('omnivas-burst-1-abcde', 'claim-c', 5_000))),
    finals: write('finals.json', JSON.stringify({ scenario: 'same-voucher-burst', finals: FINALS })),
  };
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('check-history', () => {
  it("finds an over-reservation that only the two runners' histories together show", async () => {
    const f = files();
    for (const one of [f.a, f.b]) {
      const alone = await cli('check-history', '--history', one, '--finals', f.finals, '--out', join(f.dir, 'alone'));
      expect(alone.code, alone.out + alone.err).toBe(0);
    }
    const out = join(f.dir, 'merged');
    const merged = await cli('check-history', '--history', f.a, f.b, '--finals', f.finals, '--out', out);
    expect(merged.code, merged.out + merged.err).toBe(1);
    expect(merged.out).toContain('2 operations from 2 runner(s) in 2 file(s)');
    const verdict = JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8')) as {
      valid: unknown;
      violations: { invariant: string; voucher: string; ops: HistoryOp[] }[];
    };
    expect(verdict.valid).toBe(false);
    const over = verdict.violations.find((v) => v.invariant === 'no-over-reservation');
    expect(over?.voucher).toBe(VOUCHER);
    // The violation names one op of each runner.
    expect(new Set(over?.ops.map((op) => op.runner))).toEqual(
      new Set(['omnivas-burst-1-abcde', 'omnivas-burst-2-fghij']),
    );
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(
      /<failure[^>]*>[^<]*no-over-reservation|no-over-reservation[\s\S]*<failure/,
    );
  });

  it('refuses one runner in two files: the same log given twice, or runners without distinct names', async () => {
    const f = files();
    const run = await cli('check-history', '--history', f.a, f.aAgain, '--finals', f.finals, '--out', join(f.dir, 'x'));
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/repeats runner "omnivas-burst-1-abcde"/);
  });

  it('refuses a history line whose JSON is broken, naming the file and the line', async () => {
    const f = files();
    const broken = join(f.dir, 'broken.log');
    writeFileSync(broken, 'k6 starting\nOMNIVAS_OP {"runner": "r1", \n');
    const run = await cli('check-history', '--history', broken, '--finals', f.finals, '--out', join(f.dir, 'y'));
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/--history .*broken\.log: history line 2: the text after "OMNIVAS_OP " is not JSON/);
  });

  it.each([
    [
      'a missing --history',
      (f: Files) => ['--history', join(f.dir, 'none.log'), '--finals', f.finals],
      /^omnivas-harness: cannot read --history \S*none\.log: no such file; give the saved log of a runner \[FILE_UNREADABLE\]$/,
    ],
    [
      'a missing --finals',
      (f: Files) => ['--history', f.a, '--finals', join(f.dir, 'none.json')],
      /^omnivas-harness: cannot read --finals \S*none\.json: no such file .*\[FILE_UNREADABLE\]$/,
    ],
    [
      'a --finals that is not JSON',
      (f: Files) => ['--history', f.a, '--finals', f.a],
      /^omnivas-harness: "--finals \S*runner-a\.log" is not valid JSON: .*line 1 column 1.*\[INVALID_JSON\]$/,
    ],
    [
      'a --ledger that is a folder',
      (f: Files) => ['--history', f.a, '--finals', f.finals, '--ledger', f.dir],
      /^omnivas-harness: cannot read --ledger \S+: it is a directory \[FILE_UNREADABLE\]$/,
    ],
  ])('refuses %s with exit 2 and one line', async (_, argv, line) => {
    const f = files();
    const run = await cli('check-history', ...argv(f), '--out', join(f.dir, 'z'));
    expect(run.code).toBe(2);
    expect(run.err.split('\n')).toEqual([expect.stringMatching(line)]);
  });
});
