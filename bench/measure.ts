/** Operations per second of `fn`, measured for about `ms` milliseconds after a short warm-up. */
export function opsPerSecond(fn: () => unknown, ms = 1_000): number {
  const warmUntil = performance.now() + ms / 5;
  while (performance.now() < warmUntil) fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 16; i++) fn();
    n += 16;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}
