import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latencyTable, percentile } from './latency';

const timed = (endpoint: string, ms: number, answered = true) => ({
  method: 'GET',
  url: `http://h/${endpoint}`,
  startedAt: 1000,
  endedAt: 1000 + ms,
  status: answered ? 200 : undefined,
});
const byPath = (x: { url: string }) => x.url.slice('http://h/'.length);

describe('percentile', () => {
  it('is the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([1, 2], 50)).toBe(1);
    expect(percentile([], 95)).toBe(0);
  });

  it('lies between the smallest and the largest sample, and grows with p', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(10_000), { minLength: 1 }), (samples) => {
        const sorted = [...samples].sort((a, b) => a - b);
        const [p50, p95] = [percentile(sorted, 50), percentile(sorted, 95)];
        return sorted[0]! <= p50 && p50 <= p95 && p95 <= sorted[sorted.length - 1]!;
      }),
    );
  });
});

describe('latencyTable', () => {
  it('gives p50, p95 and max per endpoint, unknown endpoints last as other, unanswered requests left out', () => {
    const exchanges = [
      ...Array.from({ length: 20 }, (_, i) => timed('redeem-gift', (i + 1) * 10)),
      timed('login', 3),
      timed('login', 700),
      timed('login', 9999, false),
      timed('?', 1),
    ];
    expect(latencyTable(exchanges, (x) => (byPath(x) === '?' ? undefined : byPath(x)))).toEqual([
      { endpoint: 'login', count: 2, p50Ms: 3, p95Ms: 700, maxMs: 700 },
      { endpoint: 'redeem-gift', count: 20, p50Ms: 100, p95Ms: 190, maxMs: 200 },
      { endpoint: 'other', count: 1, p50Ms: 1, p95Ms: 1, maxMs: 1 },
    ]);
  });
});
