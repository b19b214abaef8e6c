/** Run records made up for tests: a load run's figures, or a certify run's checks, with only what a test varies. */
import { RUN_RECORD_FORMAT } from '../run-record';
import type { AnswerCause, CheckStatus, InvariantVerdict, RunRecord } from '../run-record';

const cause = (count: number, operations: number): AnswerCause => ({
  count,
  rate: operations > 0 ? count / operations : 0,
  lost: 0,
  byStatus: count > 0 ? { '503/5031': count } : ({} as Record<string, number>),
});

export interface LoadRecordInput {
  readonly day: number;
  readonly p95?: Readonly<Record<string, number>>;
  readonly requestsPerSecond?: number;
  readonly serverErrors?: number;
  readonly operations?: number;
  readonly invariants?: Readonly<Record<string, InvariantVerdict>>;
  readonly scenario?: string;
  readonly target?: string;
}

/** A steady-flow run on day `day` of December 2026 (so days sort as runs do). */
export function loadRecord(input: LoadRecordInput): RunRecord {
  const startedAt = new Date(Date.UTC(2026, 11, input.day, 2, 0, 0)).toISOString();
  const operations = input.operations ?? 600;
  const endpoints = Object.fromEntries(
    Object.entries(input.p95 ?? { 'initiate-claim': 12 }).map(([name, p95]) => [
      name,
      { p50: p95 / 3, p95, p99: p95 * 1.5 },
    ]),
  );
  return {
    format: RUN_RECORD_FORMAT,
    id: `day-${String(input.day).padStart(2, '0')}-load-${input.scenario ?? 'steady-flow'}`,
    kind: 'load',
    startedAt,
    harnessVersion: '0.1.0',
    target: { name: input.target ?? 'nightly', baseUrl: 'http://127.0.0.1:1/api/v1/merchant/client' },
    scenario: input.scenario ?? 'steady-flow',
    profile: 'smoke',
    seed: input.day,
    signing: 'k6',
    load: {
      durationSeconds: 60,
      endpoints,
      throughput: { requestsPerSecond: input.requestsPerSecond ?? 10, iterationsPerSecond: 2 },
      operations,
      httpFailedRate: 0,
      answers: {
        injected: cause(0, operations),
        server: cause(input.serverErrors ?? 0, operations),
        harness: cause(0, operations),
      },
      invariants: input.invariants ?? { conservation: 'holds' },
      thresholdsPassed: true,
    },
  };
}

export function certifyRecord(day: number, checks: Readonly<Record<string, CheckStatus>>): RunRecord {
  const list = Object.entries(checks).map(([id, status]) => ({ id, status }));
  return {
    format: RUN_RECORD_FORMAT,
    id: `day-${String(day).padStart(2, '0')}-certify`,
    kind: 'certify',
    startedAt: new Date(Date.UTC(2026, 11, day, 3, 0, 0)).toISOString(),
    harnessVersion: '0.1.0',
    target: { name: 'nightly' },
    scenario: 'certify',
    profile: 'merchant-v1',
    seed: day,
    certify: {
      verdict: list.some((c) => c.status === 'fail' || c.status === 'error') ? 'fail' : 'pass',
      totals: { checks: list.length },
      checks: list,
    },
  };
}
