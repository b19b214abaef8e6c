/**
 * A run record from what the load command wrote in its out dir: k6's summary.json (latency per
 * endpoint, throughput, http_req_failed, thresholds), verdict.json (the checker's verdict, the
 * failed answers by cause, the answers' contract), finals.json (scenario, seed, signing) and ledger-check.json (the
 * sandbox ledger replay). The out dir does not name the target or the profile: the caller that
 * knows them passes them in (the load command does; `history record` takes --target and --profile).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from '../lib/errors';
import { HARNESS_VERSION } from '../version';
import { INVARIANTS as INVARIANT_NAMES } from '../load/checker/verdict';
import { readJsonFile } from './read-json';
import { runId, RUN_RECORD_FORMAT } from './run-record';
import type { AnswerCause, EndpointFigures, InvariantVerdict, LoadFigures, RunRecord } from './run-record';

/** What a load out dir does not say about its run. */
export interface LoadRunContext {
  /** Default: the embedded sandbox, the load command's default target (no fixed base URL: a new port each run). */
  readonly target?: { readonly name: string; readonly baseUrl?: string };
  /** Default: the load command's default for the scenario (soak for soak, smoke otherwise). */
  readonly profile?: string;
  readonly harnessVersion?: string;
  /** ISO 8601; default: when k6 wrote summary.json, less the run's duration. */
  readonly startedAt?: string;
}

const EMBEDDED_TARGET = { name: 'embedded sandbox' } as const;
const WHAT = 'give the out dir of a load run (summary.json, verdict.json, finals.json)';

type Values = Readonly<Record<string, number | undefined>>;
interface K6Summary {
  readonly metrics: Readonly<Record<string, { readonly values?: Values; readonly thresholds?: unknown }>>;
  readonly state?: { readonly testRunDurationMs?: number };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function summaryOf(json: unknown, path: string): K6Summary {
  if (!isObject(json) || !isObject(json['metrics']))
    throw new HarnessError('HISTORY_STORE_INVALID', `${path} has no "metrics": it is not k6's summary; ${WHAT}`);
  return json as unknown as K6Summary;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The history's op kinds, and the endpoint metric each one's requests are timed under. */
const OP_ENDPOINTS: Readonly<Record<string, readonly string[]>> = {
  claim: ['initiate-claim', 'initiate-redeem'],
  redeem: ['redeem-gift'],
  detail: ['voucher-detail'],
};

function endpointFigures(summary: K6Summary, opCounts: Record<string, number>, seconds: number) {
  const endpoints: Record<string, EndpointFigures> = {};
  for (const [name, metric] of Object.entries(summary.metrics)) {
    const m = /^http_req_duration\{endpoint:(.+)\}$/.exec(name);
    const v = metric.values;
    // k6 keeps a threshold's submetric even when no request was tagged with it: all zeros.
    if (!m || !v || num(v['max']) <= 0) continue;
    const op = Object.keys(OP_ENDPOINTS).find((k) => OP_ENDPOINTS[k]!.includes(m[1]!));
    const count = op === undefined ? undefined : opCounts[op];
    endpoints[m[1]!] = {
      p50: num(v['med']),
      p95: num(v['p(95)']),
      p99: num(v['p(99)']),
      ...(count === undefined || seconds <= 0 ? {} : { perSecond: count / seconds }),
    };
  }
  return endpoints;
}

function answerCause(json: unknown, operations: number): AnswerCause {
  const c = isObject(json) ? json : {};
  const byStatus: Record<string, number> = {};
  if (isObject(c['byStatus'])) for (const [k, v] of Object.entries(c['byStatus'])) byStatus[k] = num(v);
  const count = num(c['count']);
  return { count, rate: operations > 0 ? count / operations : 0, lost: byStatus['0'] ?? 0, byStatus };
}

/** Each invariant named in the verdict (or its junit), broken when a violation names it, undetermined when one could not be decided. */
function invariantVerdicts(verdict: Record<string, unknown>, ledgerCheck: unknown): Record<string, InvariantVerdict> {
  const named = (list: unknown) =>
    new Set(
      (Array.isArray(list) ? list : []).flatMap((x) =>
        isObject(x) && typeof x['invariant'] === 'string' ? [x['invariant']] : [],
      ),
    );
  const broken = named(verdict['violations']);
  const undecided = named(verdict['undetermined']);
  const out: Record<string, InvariantVerdict> = {};
  for (const name of INVARIANT_NAMES)
    out[name] = broken.has(name) ? 'broken' : undecided.has(name) ? 'undetermined' : 'holds';
  for (const name of [...broken, ...undecided]) out[name] ??= broken.has(name) ? 'broken' : 'undetermined';
  if (isObject(ledgerCheck) && typeof ledgerCheck['valid'] === 'boolean')
    out['ledger-replay'] = ledgerCheck['valid'] ? 'holds' : 'broken';
  // The answers to the load command's own requests against the API description (load/node/load-contract.ts).
  const contract = verdict['contract'];
  if (isObject(contract) && typeof contract['violations'] === 'number')
    out['answer-contract'] = contract['violations'] === 0 ? 'holds' : 'broken';
  return out;
}

function thresholdsPassed(summary: K6Summary): boolean {
  return Object.values(summary.metrics).every(
    (m) => !isObject(m.thresholds) || Object.values(m.thresholds).every((t) => !isObject(t) || t['ok'] !== false),
  );
}

export async function recordFromLoadDir(dir: string, context: LoadRunContext = {}): Promise<RunRecord> {
  const summaryPath = join(dir, 'summary.json');
  const summary = summaryOf(await readJsonFile(summaryPath, WHAT), summaryPath);
  const verdict = await readJsonFile(join(dir, 'verdict.json'), WHAT);
  const finals = await readJsonFile(join(dir, 'finals.json'), WHAT);
  const ledgerCheck = await readJsonFile(join(dir, 'ledger-check.json'), WHAT, true);
  if (!isObject(verdict) || !isObject(finals) || typeof finals['scenario'] !== 'string')
    throw new HarnessError(
      'HISTORY_STORE_INVALID',
      `${dir}: verdict.json or finals.json is not the load command's; ${WHAT}`,
    );
  const scenario = finals['scenario'];
  const durationMs = num(summary.state?.testRunDurationMs);
  const seconds = durationMs / 1000;
  const operations = num(verdict['ops']);
  const counts = isObject(verdict['counts']) ? verdict['counts'] : {};
  const opCounts: Record<string, number> = {};
  for (const op of Object.keys(OP_ENDPOINTS)) {
    const c = counts[op];
    if (isObject(c)) opCounts[op] = num(c['ok']) + num(c['fail']) + num(c['info']);
  }
  const answers = isObject(verdict['answers']) ? verdict['answers'] : {};
  const metric = (name: string, value: string) => num(summary.metrics[name]?.values?.[value]);
  const load: LoadFigures = {
    durationSeconds: seconds,
    endpoints: endpointFigures(summary, opCounts, seconds),
    throughput: {
      requestsPerSecond: metric('http_reqs', 'rate'),
      iterationsPerSecond: metric('iterations', 'rate'),
    },
    operations,
    httpFailedRate: metric('http_req_failed', 'rate'),
    answers: {
      injected: answerCause(answers['injected'], operations),
      server: answerCause(answers['server'], operations),
      harness: answerCause(answers['harness'], operations),
    },
    invariants: invariantVerdicts(verdict, ledgerCheck),
    thresholdsPassed: thresholdsPassed(summary),
  };
  const written = (await stat(summaryPath)).mtimeMs;
  const startedAt = context.startedAt ?? new Date(written - durationMs).toISOString();
  const signing = isObject(finals['signing']) ? finals['signing']['mode'] : undefined;
  return {
    format: RUN_RECORD_FORMAT,
    id: runId(startedAt, 'load', scenario),
    kind: 'load',
    startedAt,
    harnessVersion: context.harnessVersion ?? HARNESS_VERSION,
    target: context.target ?? EMBEDDED_TARGET,
    scenario,
    profile: context.profile ?? (scenario === 'soak' ? 'soak' : 'smoke'),
    ...(typeof finals['seed'] === 'number' ? { seed: finals['seed'] } : {}),
    ...(typeof signing === 'string' ? { signing } : {}),
    load,
  };
}
