/**
 * One load run of the gate: the load command itself (cli/load-command.ts), called with its output
 * captured into DIR/load.log, then the invariants read back from the verdict files it wrote. The
 * bundle is the built one (dist/load); the load command rebuilds it only when a source is newer, and
 * the gate runs one load at a time, so two runs never bundle at once.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCommand } from '../cli/load-command';
import type { Invariants, LoadOutcome } from './outcomes';
import type { LoadPlan } from './plan';

interface VerdictFile {
  readonly valid?: boolean | 'unknown';
  readonly violations?: readonly { readonly invariant?: string; readonly message?: string }[];
}

const readJson = async (path: string): Promise<VerdictFile | undefined> =>
  readFile(path, 'utf8').then(
    (text) => JSON.parse(text) as VerdictFile,
    () => undefined,
  );

export async function runLoad(options: {
  plan: LoadPlan;
  defect: string | undefined;
  seed: number;
  out: string;
}): Promise<LoadOutcome> {
  const { plan, out } = options;
  const started = performance.now();
  await mkdir(out, { recursive: true });
  const log: string[] = [];
  const io = { out: (line: string) => log.push(line), err: (line: string) => log.push(line) };
  const { vus, vouchers, fill } = plan.settings;
  try {
    const exitCode = await loadCommand(
      {
        scenario: plan.scenario,
        out,
        vus: String(vus),
        vouchers: String(vouchers),
        seed: String(options.seed),
        ...(fill === undefined ? {} : { fill: String(fill) }),
        defect: options.defect === undefined ? [] : [options.defect],
      },
      io,
    );
    const verdict = await readJson(join(out, 'verdict.json'));
    const ledger = await readJson(join(out, 'ledger-check.json'));
    const invariants: Invariants =
      verdict?.valid === false || ledger?.valid === false
        ? 'broken'
        : verdict?.valid === true && ledger?.valid === true
          ? 'hold'
          : 'undetermined';
    const violations = (verdict?.violations ?? []).slice(0, 3).map((v) => `${v.invariant ?? '?'}: ${v.message ?? ''}`);
    if (ledger?.valid === false)
      violations.push('no-over-reservation: the sandbox ledger replay found reservations above the balance');
    return { scenario: plan.scenario, exitCode, invariants, violations, out, durationMs: performance.now() - started };
  } finally {
    // The load command's own lines (k6's already redacted by it); kept for a person to look at.
    await writeFile(join(out, 'load.log'), `${log.join('\n')}\n`);
  }
}
