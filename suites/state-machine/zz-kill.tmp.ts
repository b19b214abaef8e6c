import { runChecksAgainstSandbox, failedIds } from '../run-checks';
import { stateMachineChecks } from '../state-machine.checks';
const defects = ['fee-not-deducted', 'fee-deducted-twice', 'money-in-floating-point', 'otp-reusable', 'otp-not-bound-to-claim', 'otp-never-expires', 'claim-kept-after-4096', 'status-not-redeemed-at-zero'];
const model = stateMachineChecks.filter((c) => c.id === 'state.model');
const seeds = Number(process.env.SEEDS ?? 10);
for (const d of defects) {
  let kills = 0; const times: number[] = []; let example = '';
  for (let s = 1; s <= seeds; s++) {
    const t = performance.now();
    const r = await runChecksAgainstSandbox(model, { defects: [d], seed: s * 7919 });
    times.push(Math.round(performance.now() - t));
    if (failedIds(r).includes('state.model')) { kills++; example = `${r[0]!.message}\n   ${r[0]!.counterexample}`; }
    else if (r[0]!.status !== 'pass') console.log('  ', r[0]!.status, r[0]!.message, r[0]!.reason);
  }
  console.log(`${d}: ${kills}/${seeds} times ms ${times.join(',')}\n   ${example}`);
}
// the correct sandbox
for (let s = 1; s <= 5; s++) { const r = await runChecksAgainstSandbox(stateMachineChecks, { seed: s }); console.log('correct', s, failedIds(r), r.map((x) => x.status).join(',')); }
