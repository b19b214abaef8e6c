/**
 * Latency per endpoint from the exchanges of a run: p50, p95 and max of each endpoint's answer
 * times (nearest-rank percentiles, whole milliseconds). Pure: the report shows what this returns.
 */

export interface EndpointLatency {
  /** The operationId ('redeem-gift'), or 'other' for requests no description has. */
  readonly endpoint: string;
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

export interface TimedExchange {
  readonly method: string;
  readonly url: string;
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** Set when no answer came: such a request has no answer time. */
  readonly status?: number | undefined;
}

/** The value below which `p` percent of the sorted samples fall (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function latencyTable<T extends TimedExchange>(
  exchanges: readonly T[],
  endpointOf: (exchange: T) => string | undefined,
): EndpointLatency[] {
  const samples = new Map<string, number[]>();
  for (const x of exchanges) {
    if (x.status === undefined || x.startedAt === undefined || x.endedAt === undefined) continue;
    const endpoint = endpointOf(x) ?? 'other';
    const list = samples.get(endpoint) ?? [];
    list.push(Math.max(0, Math.round(x.endedAt - x.startedAt)));
    samples.set(endpoint, list);
  }
  return [...samples.entries()]
    .sort(([a], [b]) => (a === 'other' ? 1 : b === 'other' ? -1 : a.localeCompare(b)))
    .map(([endpoint, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return {
        endpoint,
        count: sorted.length,
        p50Ms: percentile(sorted, 50),
        p95Ms: percentile(sorted, 95),
        maxMs: sorted[sorted.length - 1]!,
      };
    });
}
