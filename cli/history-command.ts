/**
 * `history record` and `trend`: thin over history/. record adds a load or certify out dir to a
 * store; trend compares the latest run of each group with the runs before it, writes trend.json,
 * junit.xml and trend.html, and exits 1 on a regression.
 */
import { HarnessError } from '../lib/errors';
import { readJsonFile } from '../lib/node/input-file';
import { parseTargetConfig } from '../lib/target-config';
import { describeRecorded, readHistory, recordOutDir, trendOf, writeTrendReports } from '../history';
import { DEFAULT_LAST, DEFAULT_THRESHOLDS, decimalOption } from '../history/thresholds';
import { groupTitle } from '../history/trend-junit';
import { wholeNumber } from './options';
import { EXIT } from './run-command';
import type { CommandIo } from './console-io';
import { HARNESS_VERSION } from '../version';

export interface HistoryRecordOptions {
  readonly from: string;
  readonly store: string;
  /** The target file a load run used: its name and base URL go into the record (no secret is read). */
  readonly target?: string;
  readonly profile?: string;
}

async function targetNamed(path: string): Promise<{ name: string; baseUrl: string }> {
  const config = parseTargetConfig(await readJsonFile(path, '--target'), path);
  return { name: config.name, baseUrl: config.baseUrl };
}

export async function historyRecordCommand(options: HistoryRecordOptions, io: CommandIo): Promise<number> {
  const target = options.target === undefined ? undefined : await targetNamed(options.target);
  const recorded = await recordOutDir(options.from, options.store, {
    ...(target ? { target } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    harnessVersion: HARNESS_VERSION,
  });
  io.out(describeRecorded(recorded, options.store));
  return EXIT.ok;
}

export interface TrendOptions {
  readonly store: string;
  readonly scenario?: string;
  readonly target?: string;
  readonly profile?: string;
  readonly last?: string;
  readonly out: string;
  readonly p95Regression?: string;
  readonly p95MinIncrease?: string;
  readonly errorRateIncrease?: string;
  readonly throughputRegression?: string;
}

export async function trendCommand(options: TrendOptions, io: CommandIo): Promise<number> {
  const last = wholeNumber(options.last, '--last', 2, 1000) ?? DEFAULT_LAST;
  const thresholds = {
    p95Ratio: decimalOption(options.p95Regression, '--p95-regression', 1, 100) ?? DEFAULT_THRESHOLDS.p95Ratio,
    p95MinIncreaseMs:
      decimalOption(options.p95MinIncrease, '--p95-min-increase', 0, 600_000) ?? DEFAULT_THRESHOLDS.p95MinIncreaseMs,
    errorRateIncrease:
      decimalOption(options.errorRateIncrease, '--error-rate-increase', 0, 1) ?? DEFAULT_THRESHOLDS.errorRateIncrease,
    throughputRatio:
      decimalOption(options.throughputRegression, '--throughput-regression', 0, 1) ??
      DEFAULT_THRESHOLDS.throughputRatio,
  };
  const records = await readHistory(options.store, {
    ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
    ...(options.target === undefined ? {} : { target: options.target }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  });
  if (records.length === 0)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `${options.store} has no run${options.scenario ? ` of scenario ${options.scenario}` : ''}${options.target ? ` on target ${JSON.stringify(options.target)}` : ''}${options.profile ? ` with profile ${options.profile}` : ''}; record some with history record, or change the filter`,
    );
  const report = trendOf(records, thresholds, last);
  for (const g of report.groups) {
    io.out(
      `${groupTitle(g.key)}: ${g.runs.length} run(s) in the window, ${g.regressions === 0 ? 'no regression' : `${g.regressions} regression(s)`}`,
    );
    for (const c of g.comparisons.filter((c) => c.status !== 'ok'))
      io.out(`  ${c.status === 'regression' ? 'REGRESSION' : c.status}: ${c.title}: ${c.why}`);
  }
  const files = await writeTrendReports(report, options.out);
  io.out(
    `trend: ${report.regressions === 0 ? 'PASS' : 'FAIL'}: ${report.regressions} regression(s); ${files.join(', ')}`,
  );
  return report.regressions === 0 ? EXIT.ok : EXIT.verdictFailed;
}
