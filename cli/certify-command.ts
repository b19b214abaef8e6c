/**
 * `certify`: parses options, calls runCertify (suites/certify.ts), writes summary.json, junit.xml and
 * report.html (reports/), prints the verdict. Exit 0 only when every required check outside the
 * baseline passed.
 */
import { join } from 'node:path';
import { checkStore, describeRecorded, recordOutDir } from '../history';
import { HarnessError } from '../lib/errors';
import { readJsonFile } from '../lib/node/input-file';
import { prepareOutDir } from '../lib/node/out-dir';
import { writeReports } from '../reports/write-reports';
import { AREAS } from '../suites/check-result';
import type { Area } from '../suites/check-result';
import { certifyTarget, openCertifyTarget } from '../suites/certify';
import type { OpenTarget } from '../suites/certify';
import { describeVoucherNeed } from '../suites/voucher-budget';
import { listenForInterruption } from './interruption';
import { seedOption, wholeNumber } from './options';
import type { CommandIo } from './console-io';
import { formatMoney } from '../lib/money';
import { EXIT } from './run-command';

const VERDICT_EXIT = { pass: EXIT.ok, incomplete: EXIT.incomplete, fail: EXIT.verdictFailed } as const;
import { HARNESS_VERSION } from '../version';

export interface CertifyOptions {
  target?: string;
  out: string;
  only?: string[];
  baseline?: string;
  seed?: string;
  defect?: string[];
  slow?: boolean;
  allowIncomplete?: boolean;
  minCoverage?: string;
  /** --allow-otp-command: let the target file's OTP command run. */
  allowOtpCommand?: boolean;
  /** --record: the history store the run is added to. */
  record?: string;
}

function parseAreas(only: readonly string[] | undefined): readonly Area[] {
  if (only === undefined || only.length === 0) return AREAS;
  const unknown = only.filter((a) => !(AREAS as readonly string[]).includes(a));
  if (unknown.length > 0)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--only: unknown area ${JSON.stringify(unknown[0])}; choose from ${AREAS.join(', ')}`,
    );
  return only as Area[];
}

/** A baseline file: a JSON array of check ids, or { "ids": [...] } (a summary.json's failures can be pasted in). */
async function readBaseline(path: string | undefined): Promise<string[]> {
  if (path === undefined) return [];
  const json = await readJsonFile(path, '--baseline');
  const ids = Array.isArray(json) ? json : (json as { ids?: unknown } | null)?.ids;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))
    throw new HarnessError('CONFIG_INVALID', `--baseline ${path} expected an array of check ids, or {"ids": [...]}`);
  return ids;
}

export async function certifyCommand(options: CertifyOptions, io: CommandIo): Promise<number> {
  const areas = parseAreas(options.only);
  const seed = seedOption(options.seed);
  const baselineIds = await readBaseline(options.baseline);
  // Before any request: a run that cannot write its reports has nothing to show for its work.
  const dir = await prepareOutDir(options.out);
  if (options.record !== undefined) await checkStore(options.record);
  // Listened for before the target opens (the embedded sandbox starts), so no moment of the run dies silently.
  const interruption = listenForInterruption(io, 'certify');
  let opened: OpenTarget | undefined;
  try {
    opened = await openCertifyTarget({
      target: options.target,
      defects: options.defect,
      seed,
      allowOtpCommand: options.allowOtpCommand === true,
    });
    // From here every line is also scrubbed of the target's API key, private key and tokens.
    io.redactWith(opened.target.redactor);
    const { target } = opened;
    for (const warning of target.warnings) io.err(warning);
    io.out(
      `certify: ${target.config.name} at ${target.config.baseUrl}; areas ${areas.join(', ')}; seed ${seed}${options.defect?.length ? `; defects ${options.defect.join(', ')}` : ''}`,
    );
    // A sandbox issues its own vouchers; elsewhere the listed ones are a budget, said up front.
    if (opened.sandbox === undefined) io.out(describeVoucherNeed(target.config.fixtures.vouchers));
    let area = '';
    const run = await certifyTarget(opened, {
      seed,
      areas,
      baselineIds,
      slow: options.slow === true,
      harnessVersion: HARNESS_VERSION,
      signal: interruption.signal,
      acceptance: {
        allowIncomplete: options.allowIncomplete === true,
        ...(options.minCoverage === undefined
          ? {}
          : { minCoveragePct: wholeNumber(options.minCoverage, '--min-coverage', 0, 100)! }),
      },
      onResult: (result, done, total) => {
        if (result.area !== area) io.out(`  ${(area = result.area)} …`);
        if (result.status === 'fail' || result.status === 'error')
          io.out(`    ${result.status === 'error' ? 'BROKE' : 'FAIL '} ${result.id} (${done}/${total})`);
      },
    });
    const { summary, redactor } = run;
    if (run.report.results.length === 0)
      throw new HarnessError('INVALID_ARGUMENT', 'no check was selected; run certify without --only to run them all');
    await writeReports(dir, run.report, redactor);
    const t = summary.totals;
    io.out(
      `${summary.verdict.toUpperCase()}: ${t.pass} passed, ${t.fail} failed, ${t.error} broke, ${t.skip} skipped; error codes verified ${summary.coverage.codesVerified}/${summary.coverage.codesDocumented}`,
    );
    for (const r of summary.blocking)
      io.out(`  ${r.status === 'error' ? 'BROKE' : 'FAIL '} ${r.id}: ${redactor.redactText(r.message ?? '')}`);
    for (const r of summary.verdict === 'incomplete' ? summary.completeness.reasons : [])
      io.out(`  SKIP  ${r.checkIds.length} required: ${redactor.redactText(r.reason)}`);
    const spent = run.vouchers;
    if (spent.vouchersListed > 0)
      io.out(
        `vouchers: ${spent.vouchersUsed} of ${spent.vouchersListed} listed used, ${spent.draws.filter((d) => d.own).length} by one check alone; ${formatMoney(spent.drawn)} drawn`,
      );
    io.out(`reports: ${join(dir, 'report.html')}, ${join(dir, 'summary.json')}, ${join(dir, 'junit.xml')}`);
    if (options.record !== undefined)
      io.out(
        run.interrupted
          ? `history: not recorded (interrupted); history record --from ${dir} --store ${options.record} adds it`
          : describeRecorded(await recordOutDir(dir, options.record, {}, 'certify'), options.record),
      );
    if (run.unresponsive !== undefined) {
      io.out(`TARGET UNRESPONSIVE: the run ended early: ${redactor.redactText(run.unresponsive)}`);
      return EXIT.usage;
    }
    if (run.interrupted) {
      io.out(`INTERRUPTED: the checks not started are reported as skipped; reports in ${dir}`);
      return EXIT.interrupted;
    }
    return VERDICT_EXIT[summary.verdict];
  } finally {
    interruption.dispose();
    await opened?.close();
  }
}
