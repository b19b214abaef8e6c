/**
 * `npm run proof:load`: the load scenarios' proof (issue 5), repeatable. Against the correct
 * sandbox, 20 bursts of 50 VUs break nothing; with reservation-check-then-act, at least 19 of the
 * 20 bursts show a violation named in the verdict; the idempotency storm passes against the
 * correct sandbox and fails with each idempotency defect. Each run is `node dist/cli.js load` on
 * the embedded sandbox (loopback, bounded); this prints per-run figures — bursts, bursts with a
 * violation (history checker and ledger replay), how well the bursts were aligned, run time — and
 * exits 1 when a claim of the proof does not hold. Too slow for npm test (about 8 minutes).
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseHistoryLine } from '../lib/history';

const CLI = resolve(import.meta.dirname, '..', 'dist', 'cli.js');
const OUT = process.argv[2] ?? join(tmpdir(), 'omnivas-proof');
/**
 * Oversubscribed bursts: Σ asked ≈ 25 × the balance, each claim up to the whole balance (load-env
 * burstAmount), so any two claims that pass the availability check together over-reserve — at fill
 * 5 (claims of ~10%) a race is only visible when some ten claims overlap near the end of the balance.
 */
const BURST = ['--scenario', 'same-voucher-burst', '--vus', '50', '--vouchers', '20', '--fill', '25', '--seed', '1'];
const STORM = ['--scenario', 'idempotency-storm', '--vus', '20', '--vouchers', '3', '--seed', '3'];
const STORM_DEFECTS = ['idempotency-ignored', 'idempotency-different-body-accepted', 'idempotency-keys-global'];

interface Run {
  readonly name: string;
  readonly dir: string;
  readonly code: number;
  readonly seconds: number;
}

function load(name: string, args: readonly string[]): Promise<Run> {
  const dir = join(OUT, name);
  const started = Date.now();
  return new Promise((done, fail) => {
    // Output goes to a log beside the run: the figures below are what this proof reports.
    const child = spawn(process.execPath, [CLI, 'load', ...args, '--out', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const log: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => log.push(b));
    child.stderr.on('data', (b: Buffer) => log.push(b));
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = (Date.now() - started) / 1000;
      writeFile(join(OUT, `${name}.log`), Buffer.concat(log)).then(
        () => done({ name, dir, code: code ?? -1, seconds }),
        fail,
      );
    });
  });
}

async function json<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

interface BurstFigures {
  /** Per burst: V (verdict) / L (ledger) or -, claims accepted, ms from the first claim's departure to the median's and the last's. */
  readonly perBurst: string[];
  readonly bursts: number;
  readonly withViolation: number;
  readonly withLedgerViolation: number;
  readonly invariants: string[];
  readonly skew: string;
}

/** Per burst (one voucher each): did the checker or the ledger replay name a violation on it. */
async function burstFigures(run: Run): Promise<BurstFigures> {
  const finals = await json<{ vouchers: { code: string }[] }>(join(run.dir, 'finals.json'));
  const verdict = await json<{ violations: { voucher: string; invariant: string }[] }>(join(run.dir, 'verdict.json'));
  const ledger = await json<{ overReservations: { voucher: string }[] }>(join(run.dir, 'ledger-check.json'));
  const summary = await json<{ metrics?: Record<string, { values?: Record<string, number> }> }>(
    join(run.dir, 'summary.json'),
  ).catch(() => undefined);
  const codes = finals.vouchers.map((v) => v.code);
  const ops = (await readFile(join(run.dir, 'history.jsonl'), 'utf8'))
    .split('\n')
    .flatMap((line) => parseHistoryLine(line) ?? []);
  const inVerdict = new Set(verdict.violations.map((v) => v.voucher));
  const inLedger = new Set(ledger.overReservations.map((o) => o.voucher));
  const skew = summary?.metrics?.burst_start_skew_ms?.values;
  const perBurst = codes.map((code, i) => {
    const claims = ops.filter((op) => op.op === 'claim' && op.voucher === code);
    const left = claims.map((op) => op.invokeMs).sort((a, b) => a - b);
    const first = left[0] ?? 0;
    return `${i}:${inVerdict.has(code) ? 'V' : '-'}${inLedger.has(code) ? 'L' : '-'} ${claims.filter((op) => op.outcome === 'ok').length}ok ${(left[left.length >> 1] ?? first) - first}/${(left.at(-1) ?? first) - first}ms`;
  });
  return {
    perBurst,
    bursts: codes.length,
    withViolation: codes.filter((c) => inVerdict.has(c)).length,
    withLedgerViolation: codes.filter((c) => inLedger.has(c)).length,
    invariants: [...new Set(verdict.violations.map((v) => v.invariant))],
    skew:
      skew === undefined
        ? 'no summary'
        : `claims left ${skew.med?.toFixed(1)} ms (median), ${skew['p(95)']?.toFixed(1)} ms (p95), ${skew.max?.toFixed(1)} ms (max) after their instant`,
  };
}

async function stormFigures(run: Run): Promise<string> {
  const verdict = await json<{ valid: unknown; violations: { invariant: string }[] }>(join(run.dir, 'verdict.json'));
  const log = await readFile(join(OUT, `${run.name}.log`), 'utf8').catch(() => '');
  const checks = /checks: ([\d.]+)% passed/.exec(log)?.[1];
  return `exit ${run.code}, verdict ${String(verdict.valid)}${verdict.violations.length > 0 ? ` (${[...new Set(verdict.violations.map((v) => v.invariant))].join(', ')})` : ''}, k6 checks ${checks ?? '?'}% passed`;
}

const claims: Array<[string, boolean]> = [];
const hold = (claim: string, ok: boolean) => {
  claims.push([claim, ok]);
  console.log(`  ${ok ? 'holds' : 'BROKEN'}: ${claim}`);
};

await mkdir(OUT, { recursive: true });
console.log(
  `proof:load — runs in ${OUT}; each run's output in ${OUT}/NAME.log; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on this machine's cores (alignment suffers when others load them)`,
);
for (const [name, defect] of [
  ['burst-correct', undefined],
  ['burst-check-then-act', 'reservation-check-then-act'],
] as const) {
  const run = await load(name, [...BURST, ...(defect === undefined ? [] : ['--defect', defect])]);
  const f = await burstFigures(run);
  console.log(
    `${name}: ${run.seconds.toFixed(0)} s, exit ${run.code}; ${f.bursts} bursts, ${f.withViolation} with a violation in verdict.json (${f.invariants.join(', ') || 'none'}), ${f.withLedgerViolation} in ledger-check.json; ${f.skew}; load average ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log(
    `  per burst (violation in verdict/ledger, claims accepted, departures: median/last ms after the first): ${f.perBurst.join(', ')}`,
  );
  if (defect === undefined)
    hold(
      'correct sandbox: zero violations in 20 bursts, exit 0',
      run.code === 0 && f.withViolation === 0 && f.withLedgerViolation === 0,
    );
  else
    hold(
      'check-then-act: a violation named in the verdict in at least 19 of 20 bursts',
      f.withViolation >= 19 && f.invariants.includes('no-over-reservation'),
    );
}
for (const defect of [undefined, ...STORM_DEFECTS]) {
  const name = `storm-${defect ?? 'correct'}`;
  const run = await load(name, [...STORM, ...(defect === undefined ? [] : ['--defect', defect])]);
  console.log(`${name}: ${run.seconds.toFixed(0)} s, ${await stormFigures(run)}`);
  hold(
    defect === undefined ? 'storm, correct sandbox: passes' : `storm catches ${defect}`,
    defect === undefined ? run.code === 0 : run.code === 1,
  );
}
const broken = claims.filter(([, ok]) => !ok).length;
console.log(broken === 0 ? 'PROOF HOLDS' : `PROOF BROKEN: ${broken} claim(s)`);
process.exitCode = broken === 0 ? 0 : 1;
