/**
 * The one JSON line load/k6/signing-speed.scenario.ts prints from inside k6, and its reader for the
 * Node side. Pure, so the scenario can share the type without pulling Node into its bundle.
 */
import { HarnessError, type KeyType } from '../lib';

export const SIGNING_SPEED_KIND = 'signing-speed';

/** How long `iterations` runs of one operation took, by k6's Date.now() (millisecond resolution). */
export interface SigningTiming {
  readonly algorithm: KeyType;
  readonly operation: 'sign' | 'verify';
  readonly iterations: number;
  readonly elapsedMs: number;
}

/** A signature made inside k6, printed so Node's crypto can check it: public data only, never the private key. */
export interface SigningSample {
  readonly algorithm: KeyType;
  readonly publicKeyPem: string;
  readonly message: string;
  readonly signature: string;
}

export interface SigningSpeedReport {
  readonly kind: typeof SIGNING_SPEED_KIND;
  readonly timings: readonly SigningTiming[];
  readonly samples: readonly SigningSample[];
}

/** Operations per second; a run too short for Date.now() to see counts as 1 ms rather than infinity. */
export function opsPerSecondOf(timing: SigningTiming): number {
  return (timing.iterations * 1000) / Math.max(timing.elapsedMs, 1);
}

/** The report among k6's output lines (run with --log-format=raw, console.log prints the bare line). */
export function parseSigningSpeedReport(output: string): SigningSpeedReport {
  for (const line of output.split('\n')) {
    const text = line.trim();
    if (!text.startsWith('{')) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      continue; // some other log line that happens to start with a brace
    }
    if (isReport(value)) return value;
  }
  throw new HarnessError(
    'K6_FAILED',
    `k6 printed no ${SIGNING_SPEED_KIND} line; its output began: ${JSON.stringify(output.slice(0, 300))}`,
  );
}

function isReport(value: unknown): value is SigningSpeedReport {
  const v = value as Partial<SigningSpeedReport> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.kind === SIGNING_SPEED_KIND &&
    Array.isArray(v.timings) &&
    Array.isArray(v.samples)
  );
}
