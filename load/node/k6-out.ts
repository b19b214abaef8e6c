/**
 * `load --k6-out`: one k6 metrics output passed through as `k6 run --out` (load/README.md › Metrics
 * to Grafana), and the argv of the k6 run. The outputs that write files (json, csv) write inside
 * the run's out dir: k6 would otherwise print a json output on stdout, among the history lines,
 * and the run's files stay in the one folder a CI job uploads. The samples carry request URLs
 * (voucher codes) and tags, never headers or bodies, so no API key, token or OTP reaches them.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { HarnessError } from '../../lib/errors';

/** The output types of the pinned k6 (v2.2.0 lists them when given another). */
export const K6_OUTPUTS = [
  'cloud',
  'csv',
  'experimental-opentelemetry',
  'experimental-prometheus-rw',
  'influxdb',
  'json',
  'opentelemetry',
  'statsd',
] as const;

const FILE_OUTPUTS: Readonly<Record<string, string>> = { json: 'k6-metrics.json', csv: 'k6-metrics.csv' };

function refuse(value: string, why: string): HarnessError {
  return new HarnessError('INVALID_ARGUMENT', `--k6-out ${JSON.stringify(value)}: ${why}`);
}

/**
 * The `--out` value k6 is given for `value` (TYPE or TYPE=ARG), with json and csv files placed in
 * `outDir` (a bare json or csv: k6-metrics.json or .csv there; a relative file: relative to it).
 */
export function k6OutValue(value: string, outDir: string): string {
  const m = /^([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(value);
  if (m === null) throw refuse(value, `expected an output type such as ${K6_OUTPUTS.join(', ')}, or TYPE=SETTING`);
  const [, type, arg] = m as unknown as [string, string, string | undefined];
  if (type === 'web-dashboard')
    throw refuse(value, "the load command already runs k6's web dashboard and exports it as dashboard.html");
  if (!(K6_OUTPUTS as readonly string[]).includes(type))
    throw refuse(value, `k6 has no output ${JSON.stringify(type)}; choose from ${K6_OUTPUTS.join(', ')}`);
  const defaultFile = FILE_OUTPUTS[type];
  if (defaultFile === undefined) return value;
  if (arg === '-' || arg === '')
    throw refuse(
      value,
      `a ${type} output on stdout would mix with the history lines; give a file (or none: ${defaultFile})`,
    );
  const dir = resolve(outDir);
  const file = arg === undefined ? join(dir, defaultFile) : resolve(dir, arg);
  const inside = relative(dir, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside))
    throw refuse(value, `the ${type} file must be inside the out dir ${dir} (a relative name is taken from there)`);
  return `${type}=${file}`;
}

/** The argv of `k6 run` for a bundle: raw log lines (history lines stay JSON), and the metrics output (k6OutValue's) when asked. */
export function k6RunArgs(bundle: string, k6Out: string | undefined): string[] {
  return ['run', '--log-format=raw', ...(k6Out === undefined ? [] : ['--out', k6Out]), bundle];
}
