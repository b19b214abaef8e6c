/**
 * A run record from certify's summary.json (reports/write-json.ts): the target's name and base
 * URL (already redacted by the report's sanitiser), the seed, the verdict, the totals and each
 * check's id and status. Evidence stays in the report: the history keeps what a trend compares.
 */
import { join } from 'node:path';
import { HarnessError } from '../lib/errors';
import { AREAS } from '../suites/check-result';
import { SUMMARY_FORMAT } from '../reports/write-json';
import { readJsonFile } from './read-json';
import { runId, RUN_RECORD_FORMAT } from './run-record';
import type { CheckStatus, RunRecord } from './run-record';

const WHAT = 'give the out dir of a certify run (summary.json)';
const STATUSES: readonly string[] = ['pass', 'fail', 'skip', 'error'] satisfies CheckStatus[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "certify" when every area ran; otherwise the areas that did, so a partial run is compared only with its like. */
function scenarioOf(areas: unknown): string {
  const ran = (Array.isArray(areas) ? areas : []).flatMap((a) =>
    isObject(a) && typeof a['area'] === 'string' && typeof a['checks'] === 'number' && a['checks'] > 0
      ? [a['area']]
      : [],
  );
  return ran.length === 0 || AREAS.every((a) => ran.includes(a)) ? 'certify' : `certify:${ran.join(',')}`;
}

export async function recordFromCertifyDir(dir: string): Promise<RunRecord> {
  const path = join(dir, 'summary.json');
  const summary = await readJsonFile(path, WHAT);
  const bad = (what: string): never => {
    throw new HarnessError('HISTORY_STORE_INVALID', `${path}: ${what}; ${WHAT}`);
  };
  if (!isObject(summary) || summary['format'] !== SUMMARY_FORMAT)
    return bad(`not certify's summary (format ${SUMMARY_FORMAT})`);
  const target = summary['target'];
  if (!isObject(target) || typeof target['name'] !== 'string') return bad('no "target.name"');
  const startedAt = summary['startedAt'];
  if (typeof startedAt !== 'string' || Number.isNaN(Date.parse(startedAt))) return bad('no "startedAt" date');
  const checks = (Array.isArray(summary['checks']) ? summary['checks'] : []).map((c) => {
    if (!isObject(c) || typeof c['id'] !== 'string' || !STATUSES.includes(c['status'] as string))
      return bad('a check without an id or a known status');
    return { id: c['id'], status: c['status'] as CheckStatus };
  });
  const totals: Record<string, number> = {};
  if (isObject(summary['totals']))
    for (const [k, v] of Object.entries(summary['totals'])) if (typeof v === 'number') totals[k] = v;
  const scenario = scenarioOf(summary['areas']);
  return {
    format: RUN_RECORD_FORMAT,
    id: runId(startedAt, 'certify', scenario),
    kind: 'certify',
    startedAt,
    harnessVersion: typeof summary['harnessVersion'] === 'string' ? summary['harnessVersion'] : 'unknown',
    target: {
      name: target['name'],
      ...(typeof target['baseUrl'] === 'string' ? { baseUrl: target['baseUrl'] } : {}),
    },
    scenario,
    profile: typeof target['profile'] === 'string' ? target['profile'] : 'unknown',
    ...(typeof summary['seed'] === 'number' ? { seed: summary['seed'] } : {}),
    certify: { verdict: String(summary['verdict']), totals, checks },
  };
}
