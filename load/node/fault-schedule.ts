/**
 * Faults during a run (issue 5, scenario 5), scheduled by the load command (Node) through the
 * sandbox admin API: one fault at a time — a documented 5xxx code, a delay or a connection reset
 * on the next 1–3 calls to one merchant endpoint (sandbox/faults.ts) — live for a window, then
 * cleared. Each window is thus known exactly: from just before the fault was added to just after
 * it was cleared. An operation on that endpoint overlapping a window had the fault active
 * (HistoryOp.faultInjected), whether or not it was the call that took it; an operation outside
 * every window cannot have met an injected fault. Logins are not faulted: they are not history
 * operations, and the flow cannot go on without a token.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { API_ERRORS } from '../../lib/error-catalog';
import type { HistoryOp, OpKind } from '../../lib/history';
import type { FaultInput, SandboxAdminClient } from '../../lib/node/sandbox-admin-client';
import { randomBelow, seededRandom, type RandomSource } from '../../lib/random';

type FaultedEndpoint = 'initiate-claim' | 'voucher-detail' | 'redeem-gift';

const ENDPOINT_OF: Record<OpKind, FaultedEndpoint> = {
  claim: 'initiate-claim',
  detail: 'voucher-detail',
  redeem: 'redeem-gift',
};

export type FaultWindow = FaultInput & {
  readonly endpoint: FaultedEndpoint;
  readonly fromMs: number;
  readonly toMs: number;
};

export interface FaultTiming {
  /** How long each fault stays queued before it is cleared. */
  readonly windowMs: number;
  /** The quiet time between two windows. */
  readonly gapMs: number;
}

/** At the smoke rate (2 flows/s) an endpoint gets about three calls in a window: most faults are taken. */
export const DEFAULT_FAULT_TIMING: FaultTiming = { windowMs: 1500, gapMs: 500 };

/** The documented 5xxx codes an endpoint's error table lists (lib/error-catalog.ts, provocation "fault"); detail has none. */
function documentedFaultCodes(endpoint: FaultedEndpoint): number[] {
  return API_ERRORS.filter(
    (e) => e.provocation === 'fault' && (e.endpoints as readonly string[]).includes(endpoint),
  ).map((e) => e.code);
}

/** The n-th fault of a seeded schedule: an endpoint, then an error its table documents, a delay or a reset. */
function pickFault(random: RandomSource): FaultInput & { endpoint: FaultedEndpoint } {
  const endpoints = Object.values(ENDPOINT_OF);
  const endpoint = endpoints[randomBelow(random, endpoints.length)]!;
  const codes = documentedFaultCodes(endpoint);
  const count = 1 + randomBelow(random, 3);
  const kinds = codes.length > 0 ? (['error', 'delay', 'reset'] as const) : (['delay', 'reset'] as const);
  switch (kinds[randomBelow(random, kinds.length)]!) {
    case 'error':
      return { endpoint, kind: 'error', code: codes[randomBelow(random, codes.length)]!, count };
    case 'delay':
      // Well under the request timeout (30 s): a delay is latency, never a lost answer.
      return { endpoint, kind: 'delay', delayMs: 200 + randomBelow(random, 600), count };
    case 'reset':
      return { endpoint, kind: 'reset', count };
  }
}

export interface FaultSchedule {
  /** Starts the windows (once; later calls do nothing): when the first operation shows k6 is under way, so none is spent on its start-up. */
  start(): void;
  /** Stops scheduling, clears what is still queued, and gives every window the run had; again: the same windows. */
  stop(): Promise<FaultWindow[]>;
}

/** Injects faults one window after another from start() until stop(). */
export function scheduleFaults(
  admin: SandboxAdminClient,
  seed: number,
  timing: FaultTiming = DEFAULT_FAULT_TIMING,
): FaultSchedule {
  const random = seededRandom(seed >>> 0);
  const windows: FaultWindow[] = [];
  const stopping = new AbortController();
  const pause = (ms: number) => sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined);
  let loop: Promise<void> | undefined;
  let failure: unknown;
  const run = async () => {
    while (!stopping.signal.aborted) {
      const fault = pickFault(random);
      const fromMs = Date.now();
      try {
        await admin.addFault(fault);
        await pause(timing.windowMs);
      } finally {
        // Cleared even when stopping mid-window, so the final reads meet no fault.
        await admin.clearFaults();
        windows.push({ ...fault, fromMs, toMs: Date.now() });
      }
      await pause(timing.gapMs);
    }
  };
  return {
    start: () => {
      // Held until stop(): a sandbox gone mid-run must not be an unhandled rejection.
      loop ??= run().catch((err: unknown) => {
        failure = err;
      });
    },
    stop: async () => {
      stopping.abort();
      await loop;
      if (failure !== undefined) throw failure;
      return windows;
    },
  };
}

/** The ops with faultInjected set: true when a window on their endpoint overlaps their time, false otherwise. */
export function markFaultedOps(ops: readonly HistoryOp[], windows: readonly FaultWindow[]): HistoryOp[] {
  return ops.map((op) => ({
    ...op,
    faultInjected: windows.some(
      (w) => w.endpoint === ENDPOINT_OF[op.op] && op.invokeMs <= w.toMs && op.completeMs >= w.fromMs,
    ),
  }));
}
