/**
 * `load`: parses options, calls runLoad (load/node/run-load.ts) or, with --emit-k8s, writes the
 * manifests of a distributed run (load/node/emit-k8s.ts), and prints. Exit 1 when a threshold or
 * an invariant fails.
 */
import { durationSeconds, MAX_RUN_SECONDS, MAX_VUS, profileNamed } from '../k6.config';
import type { ProfileName } from '../k6.config';
import { checkStore, describeRecorded, recordOutDir } from '../history';
import { HarnessError } from '../lib/errors';
import { ensureBundle } from '../load/node/bundle';
import { emitK8sRun } from '../load/node/emit-k8s';
import { describeLoadRun, runLoad } from '../load/node/run-load';
import { LOAD_SCENARIOS, MAX_VOUCHERS, scenarioNamed } from '../load/node/scenarios';
import type { ScenarioSpec } from '../load/node/scenarios';
import { signingModeFor } from '../load/node/signing';
import { listenForInterruption } from './interruption';
import { seedOption, wholeNumber } from './options';
import type { CommandIo } from './console-io';
import { EXIT } from './run-command';
import { HARNESS_VERSION } from '../version';

export interface LoadOptions {
  scenario: string;
  profile?: string;
  target?: string;
  out: string;
  vus?: string;
  vouchers?: string;
  seed?: string;
  fill?: string;
  defect?: string[];
  duration?: string;
  renewTokenAfter?: string;
  signing?: string;
  emitK8s?: string;
  parallelism?: string;
  vouchersFile?: string;
  /** --allow-otp-command: let the target file's OTP command run. */
  allowOtpCommand?: boolean;
  /** --dry-run: print the plan, send nothing. */
  dryRun?: boolean;
  /** --k6-out: one k6 metrics output (k6 run --out). */
  k6Out?: string;
  /** --record: the history store the run is added to. */
  record?: string;
}

function fillOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0 && n <= 100))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--fill expected a number above 0 and at most 100 (how many times the balance a burst's claims ask for on average), got ${JSON.stringify(text)}`,
    );
  return n;
}

/** --duration as k6 writes it ("90s", "10m"), refused beyond the run bound with the text the user typed. */
function durationOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = durationSeconds(text);
  if (seconds < 1 || seconds > MAX_RUN_SECONDS)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--duration expected from 1s to ${MAX_RUN_SECONDS / 60}m, got ${JSON.stringify(text)}`,
    );
  return seconds;
}

export async function loadCommand(options: LoadOptions, io: CommandIo): Promise<number> {
  const scenario = scenarioNamed(options.scenario);
  const profile = profileNamed(options.profile ?? (LOAD_SCENARIOS[scenario] as ScenarioSpec).profile)
    .name as ProfileName;
  const vus = wholeNumber(options.vus, '--vus', 1, MAX_VUS);
  const vouchers = wholeNumber(options.vouchers, '--vouchers', 1, MAX_VOUCHERS);
  const seed = seedOption(options.seed);
  const fill = fillOf(options.fill);
  const duration = durationOf(options.duration);
  const signing = signingModeFor(scenario, options.signing);
  for (const [given, option] of [
    [options.record, '--record'],
    [options.k6Out, '--k6-out'],
  ] as const)
    if (given !== undefined && (options.emitK8s !== undefined || options.dryRun === true))
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `${option} applies to a run on this machine; ${options.dryRun === true ? '--dry-run' : '--emit-k8s'} runs nothing`,
      );
  // Before anything is sent: a run asked to be recorded is not spent on a store that would refuse it.
  if (options.record !== undefined) await checkStore(options.record);
  if (options.emitK8s !== undefined) {
    if (signing === 'presigned')
      throw new HarnessError(
        'INVALID_ARGUMENT',
        '--signing presigned writes its corpus on this machine just before k6 starts; --emit-k8s runs k6 elsewhere: use --signing k6 with it',
      );
    await emitK8sRun(
      {
        dir: options.emitK8s,
        scenario,
        bundlePath: await ensureBundle(scenario, io.out),
        target: options.target,
        vouchersFile: options.vouchersFile,
        parallelism: wholeNumber(options.parallelism, '--parallelism', 1, 100) ?? 2,
        vus: vus ?? (scenario === 'same-voucher-burst' ? 50 : profileNamed(profile).vus),
        seed,
        fill: String(fill ?? 1),
        profile,
      },
      io.out,
    );
    return EXIT.ok;
  }
  const renewTokenAfter = wholeNumber(options.renewTokenAfter, '--renew-token-after', 1, 240);
  // Ctrl-C or SIGTERM, during setup or k6's run: k6 stops (or never starts), what was gathered is written, exit 130.
  const interruption = listenForInterruption(io, 'load');
  const run = await runLoad({
    signal: interruption.signal,
    scenario,
    profile,
    out: options.out,
    seed,
    signing,
    log: io,
    allowOtpCommand: options.allowOtpCommand === true,
    dryRun: options.dryRun === true,
    ...(options.k6Out === undefined ? {} : { k6Out: options.k6Out }),
    ...(options.target === undefined ? {} : { target: options.target }),
    ...(vus === undefined ? {} : { vus }),
    ...(vouchers === undefined ? {} : { vouchers }),
    ...(fill === undefined ? {} : { fill }),
    ...(options.defect === undefined ? {} : { defects: options.defect }),
    ...(duration === undefined ? {} : { durationSeconds: duration }),
    ...(renewTokenAfter === undefined ? {} : { renewTokenAfter }),
  }).finally(() => interruption.dispose());
  if ('dryRun' in run) return EXIT.ok; // runLoad printed the plan
  for (const line of describeLoadRun(run)) io.out(line);
  if (options.record !== undefined) {
    // A failed night is history too; an interrupted run's figures cover part of it and would read as a regression.
    if (run.k6.interrupted)
      io.out(`history: not recorded (interrupted); history record --from ${run.out} --store ${options.record} adds it`);
    else
      io.out(
        describeRecorded(
          await recordOutDir(
            run.out,
            options.record,
            {
              ...(run.target === undefined ? {} : { target: run.target }),
              profile: run.profile,
              harnessVersion: HARNESS_VERSION,
            },
            'load',
          ),
          options.record,
        ),
      );
  }
  // As certify and smoke: an interrupted run exits 130 (what was gathered is written).
  if (run.k6.interrupted) return EXIT.interrupted;
  return run.pass ? EXIT.ok : EXIT.verdictFailed;
}
