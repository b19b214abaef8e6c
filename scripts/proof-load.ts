/**
 * `npm run proof:load`: the load scenarios' proof (issue 5), repeatable. Against the correct
 * sandbox, 20 bursts of 50 VUs break nothing; with reservation-check-then-act, at least 19 of the
 * 20 bursts show a violation named in the verdict; the idempotency storm passes against the
 * correct sandbox and fails with each idempotency defect. Each run is `runLoad` (the library the
 * load command calls) on the embedded sandbox (loopback, bounded); this prints per-run figures —
 * bursts, bursts with a violation (history checker and ledger replay), the detection rate against
 * the claim, how well the bursts were aligned, run time — and exits 1 when a claim does not hold.
 * Too slow for npm test (about 8 minutes). `-- DIR` names the folder; `--bursts-only` runs just the
 * two burst runs, `--vouchers N` fewer bursts (the claim scales: all but one in 20).
 *
 * A burst re-arms until its claims race: a race needs two claims that both pass the availability
 * check before either reserves, which a client sees as two acknowledged claims whose requests were
 * in flight at once. A burst whose acknowledged claims all ran one after another (a quiet server
 * finishing each claim before the next arrived) could not show the race whatever the server does,
 * so it goes again, on a fresh voucher with other amounts, up to REARMS times; the same rule
 * applies to the correct sandbox, and a burst that never raced counts as not detected.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeLoadRun, runLoad } from '../load/node/run-load';
import type { LoadRun, LoadSpec } from '../load/node/run-load';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'bursts-only': { type: 'boolean', default: false }, vouchers: { type: 'string', default: '20' } },
});
const OUT = positionals[0] ?? join(tmpdir(), 'omnivas-proof');
const BURSTS = Number(values.vouchers);
/**
 * Oversubscribed bursts: Σ asked ≈ 5 × the balance in claims of up to a fifth of it (load-env
 * burstAmount), so a correct server accepts about ten claims and the balance runs out in the
 * middle of the burst, where the server is backed up and claims are checked together. At fill 25
 * (claims up to the whole balance) it ran out at the first claim or two, which reach an idle server
 * one at a time: 16 of 20 bursts named the race at the first attempt, 18 of 20 after re-arming.
 * At fill 5: 20 of 20 in each of two runs (seeds 1 and 2), 20 of 20 with one core kept busy, and 0 of
 * 20 against the correct sandbox (2026-12-03, load average 0.1).
 */
const BURST = { scenario: 'same-voucher-burst', vus: 50, vouchers: BURSTS, fill: 5, seed: 1 } as const;
const STORM = { scenario: 'idempotency-storm', vus: 20, vouchers: 3, seed: 3 } as const;
const STORM_DEFECTS = ['idempotency-ignored', 'idempotency-different-body-accepted', 'idempotency-keys-global'];
/** The claim: all but one burst in 20 names the race (19 of 20). */
const CLAIMED_RATE = 19 / 20;

interface Ran {
  readonly run: LoadRun;
  readonly seconds: number;
}

/** One run into OUT/NAME; what it prints goes to OUT/NAME.log, the figures below are what the proof reports. */
async function load(name: string, spec: Omit<LoadSpec, 'out' | 'log' | 'dryRun'>): Promise<Ran> {
  const log = createWriteStream(join(OUT, `${name}.log`));
  const line = (l: string) => log.write(`${l}\n`);
  const started = Date.now();
  try {
    const run = await runLoad({ ...spec, dryRun: false, out: join(OUT, name), log: { out: line, err: line } });
    for (const l of describeLoadRun(run)) line(l);
    return { run, seconds: (Date.now() - started) / 1000 };
  } finally {
    await new Promise<void>((done) => log.end(done));
  }
}

const percent = (x: number) => `${(100 * x).toFixed(0)}%`;

/** How many times a burst whose claims never raced goes again. */
const REARMS = 3;

/** Two acknowledged claims on the voucher were in flight at once: the server may have raced them. */
function raced(run: LoadRun, code: string): boolean {
  const ok = run.history
    .filter((op) => op.op === 'claim' && op.voucher === code && op.outcome === 'ok')
    .sort((a, b) => a.invokeMs - b.invokeMs);
  let lastComplete = -Infinity;
  for (const op of ok) {
    if (op.invokeMs < lastComplete) return true;
    lastComplete = Math.max(lastComplete, op.completeMs);
  }
  return false;
}

/** Per burst (one voucher each): did the checker or the ledger replay name a violation on it, and how its claims left. */
function burstFigures({ run }: Ran) {
  const inVerdict = new Set(run.verdict.violations.map((v) => v.voucher));
  const inLedger = new Set(run.overReservations.map((o) => o.voucher));
  const skew = run.k6.summary?.metrics?.['burst_start_skew_ms']?.values;
  const codes = run.vouchers.map((v) => v.code);
  const perBurst = codes.map((code, i) => {
    const claims = run.history.filter((op) => op.op === 'claim' && op.voucher === code);
    const left = claims.map((op) => op.invokeMs).sort((a, b) => a - b);
    const first = left[0] ?? 0;
    return `${i}:${inVerdict.has(code) ? 'V' : '-'}${inLedger.has(code) ? 'L' : '-'} ${claims.filter((op) => op.outcome === 'ok').length}ok ${(left[left.length >> 1] ?? first) - first}/${(left.at(-1) ?? first) - first}ms`;
  });
  return {
    perBurst,
    bursts: codes.length,
    withViolation: codes.filter((c) => inVerdict.has(c)).length,
    withLedgerViolation: codes.filter((c) => inLedger.has(c)).length,
    invariants: [...new Set(run.verdict.violations.map((v) => v.invariant))],
    skew:
      skew === undefined
        ? 'no summary'
        : `claims left ${skew['med']?.toFixed(1)} ms (median), ${skew['p(95)']?.toFixed(1)} ms (p95), ${skew['max']?.toFixed(1)} ms (max) after their instant`,
  };
}

function stormFigures({ run }: Ran): string {
  const checks = run.k6.summary?.metrics?.['checks']?.values?.['rate'];
  const broken = [...new Set(run.verdict.violations.map((v) => v.invariant))];
  return `${run.pass ? 'pass' : 'fail'}, verdict ${String(run.verdict.valid)}${broken.length > 0 ? ` (${broken.join(', ')})` : ''}, k6 checks ${checks === undefined ? '?' : (100 * checks).toFixed(2)}% passed`;
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
  const spec = { ...BURST, ...(defect === undefined ? {} : { defects: [defect] }) };
  const ran = await load(name, spec);
  const f = burstFigures(ran);
  // Each burst's attempts: the first run's voucher, then its re-arms' (a re-arm run holds one voucher per burst re-armed).
  const attempts = ran.run.vouchers.map((v) => [{ run: ran.run, code: v.code }]);
  const settled = (i: number) =>
    attempts[i]!.some((a) => a.run.verdict.violations.some((v) => v.voucher === a.code) || raced(a.run, a.code));
  for (let round = 1; round <= REARMS; round++) {
    const again = attempts.flatMap((_, i) => (settled(i) ? [] : [i]));
    if (again.length === 0) break;
    const rearm = await load(`${name}-rearm-${round}`, {
      ...spec,
      vouchers: again.length,
      seed: BURST.seed + round * 1000,
    });
    again.forEach((i, k) => attempts[i]!.push({ run: rearm.run, code: rearm.run.vouchers[k]!.code }));
    console.log(
      `  re-armed ${again.length} burst(s) whose acknowledged claims ran one after another (${again.join(', ')}): ${rearm.seconds.toFixed(0)} s`,
    );
  }
  const detected = attempts.filter((a) =>
    a.some((x) => x.run.verdict.violations.some((v) => v.voucher === x.code)),
  ).length;
  const neverRaced = attempts.filter((a) => a.every((x) => !raced(x.run, x.code))).length;
  console.log(
    `${name}: ${ran.seconds.toFixed(0)} s, ${ran.run.pass ? 'pass' : 'fail'}; ${f.bursts} bursts, ${f.withViolation} with a violation in verdict.json (${f.invariants.join(', ') || 'none'}), ${f.withLedgerViolation} in ledger-check.json; ${f.skew}; load average ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log(
    `  per burst (violation in verdict/ledger, claims accepted, departures: median/last ms after the first): ${f.perBurst.join(', ')}`,
  );
  console.log(
    `  bursts whose acknowledged claims never ran at once, after ${REARMS} re-arms: ${neverRaced} of ${f.bursts}`,
  );
  if (defect === undefined)
    hold(
      `correct sandbox: zero violations in ${f.bursts} bursts and their re-arms, and passes`,
      detected === 0 && attempts.flat().every((a) => a.run.pass && a.run.overReservations.length === 0),
    );
  else {
    const needed = Math.ceil(CLAIMED_RATE * f.bursts);
    console.log(
      `  detection: ${detected} of ${f.bursts} bursts (${percent(detected / f.bursts)}) named the race (${f.withViolation} at the first attempt, ${detected - f.withViolation} after re-arming); claimed: at least ${needed} of ${f.bursts} (${percent(CLAIMED_RATE)})`,
    );
    hold(
      `check-then-act: a violation named in the verdict in at least ${needed} of ${f.bursts} bursts`,
      detected >= needed && f.invariants.includes('no-over-reservation'),
    );
  }
}
for (const defect of values['bursts-only'] ? [] : [undefined, ...STORM_DEFECTS]) {
  const name = `storm-${defect ?? 'correct'}`;
  const ran = await load(name, { ...STORM, ...(defect === undefined ? {} : { defects: [defect] }) });
  console.log(`${name}: ${ran.seconds.toFixed(0)} s, ${stormFigures(ran)}`);
  hold(defect === undefined ? 'storm, correct sandbox: passes' : `storm catches ${defect}`, ran.run.pass === !defect);
}
const broken = claims.filter(([, ok]) => !ok).length;
console.log(broken === 0 ? 'PROOF HOLDS' : `PROOF BROKEN: ${broken} claim(s)`);
process.exitCode = broken === 0 ? 0 : 1;
