/**
 * One run as the history keeps it: what ran, against what, and the figures a trend compares. Built
 * from a load or certify out dir (record-from-load.ts, record-from-certify.ts), kept one file per
 * run in a store (store.ts). It holds names, URLs and figures only: no credential, token, OTP or
 * request body ever reaches it.
 */
import { HarnessError } from '../lib/errors';

/** Bumped when a field changes meaning, so an older harness refuses a record it would misread. */
export const RUN_RECORD_FORMAT = 'omnivas-harness/run-record@1';

export interface EndpointFigures {
  /** Milliseconds (k6's http_req_duration for the endpoint: med, p(95), p(99)). */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** Requests a second over the run, where the history counts the endpoint (login is not in it). */
  readonly perSecond?: number;
}

/** The failed answers of one cause (reports/history-answers.ts): injected, server, harness. */
export interface AnswerCause {
  readonly count: number;
  /** count / operations in the history. */
  readonly rate: number;
  /** Of them, how many got no answer at all (status 0): lost answers. */
  readonly lost: number;
  /** "503/5031" or "0" → how many. */
  readonly byStatus: Readonly<Record<string, number>>;
}

export type InvariantVerdict = 'holds' | 'broken' | 'undetermined';

export interface LoadFigures {
  readonly durationSeconds: number;
  readonly endpoints: Readonly<Record<string, EndpointFigures>>;
  readonly throughput: {
    /** k6's http_reqs rate. */
    readonly requestsPerSecond: number;
    /** k6's iterations rate: flows (or burst claims) a second. */
    readonly iterationsPerSecond: number;
  };
  readonly operations: number;
  /** k6's http_req_failed rate: answers outside the expected statuses. */
  readonly httpFailedRate: number;
  readonly answers: {
    readonly injected: AnswerCause;
    readonly server: AnswerCause;
    readonly harness: AnswerCause;
  };
  /** The history checker's verdict per invariant, and the sandbox ledger replay when there was one. */
  readonly invariants: Readonly<Record<string, InvariantVerdict>>;
  /** false when one of k6's thresholds failed. */
  readonly thresholdsPassed: boolean;
}

export type CheckStatus = 'pass' | 'fail' | 'skip' | 'error';

export interface CertifyFigures {
  readonly verdict: string;
  readonly totals: Readonly<Record<string, number>>;
  readonly checks: readonly { readonly id: string; readonly status: CheckStatus }[];
}

export interface RunRecord {
  readonly format: typeof RUN_RECORD_FORMAT;
  /** Unique within a store, safe as a file name. */
  readonly id: string;
  readonly kind: 'load' | 'certify';
  /** ISO 8601. */
  readonly startedAt: string;
  readonly harnessVersion: string;
  /** Runs are compared by target name: the embedded sandbox's base URL changes port every run. */
  readonly target: { readonly name: string; readonly baseUrl?: string };
  /** The load scenario; "certify", or "certify:AREA,…" when only some areas ran. */
  readonly scenario: string;
  /** The load profile (k6.config.ts); for certify the target's auth profile. */
  readonly profile: string;
  readonly seed?: number;
  /** Load runs: k6 or presigned (cli/load-signing.ts). */
  readonly signing?: string;
  readonly load?: LoadFigures;
  readonly certify?: CertifyFigures;
}

/** A run id: its start time and what ran, plus a random tail so two runs in one second differ. */
export function runId(startedAt: string, kind: string, scenario: string, random: () => number = Math.random): string {
  const when = startedAt.replace(/[-:]/g, '').replace(/\.\d+/, '');
  const tail = Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${when}-${kind}-${scenario}-${tail}`.replace(/[^A-Za-z0-9._-]+/g, '_');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A record read back from a store, checked just enough that the trend cannot misread it: the
 * format, and the fields every comparison reads.
 */
export function parseRunRecord(json: unknown, origin: string): RunRecord {
  const bad = (what: string): never => {
    throw new HarnessError(
      'HISTORY_STORE_INVALID',
      `${origin}: ${what}; it was not written by this harness's history (format ${RUN_RECORD_FORMAT}): remove it or use another store`,
    );
  };
  if (!isObject(json)) return bad('not a JSON object');
  if (json['format'] !== RUN_RECORD_FORMAT) return bad(`"format" is ${JSON.stringify(json['format'])}`);
  for (const field of ['id', 'startedAt', 'scenario', 'profile', 'harnessVersion'] as const)
    if (typeof json[field] !== 'string') bad(`"${field}" is not a string`);
  if (json['kind'] !== 'load' && json['kind'] !== 'certify') bad('"kind" is neither load nor certify');
  if (!isObject(json['target']) || typeof json['target']['name'] !== 'string') bad('"target.name" is missing');
  if (Number.isNaN(Date.parse(json['startedAt'] as string))) bad('"startedAt" is not a date');
  if (json['kind'] === 'load' && !isObject(json['load'])) bad('a load run without "load" figures');
  if (json['kind'] === 'certify' && !isObject(json['certify'])) bad('a certify run without "certify" results');
  return json as unknown as RunRecord;
}
