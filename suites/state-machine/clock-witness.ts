/**
 * Under certify every area shares one target, and some move its clock: a move of theirs in the
 * middle of a run expires our claims and tokens. Reading the target's clock before and after, and
 * setting what we moved and the real time that passed against it, tells such a run apart.
 */
import type { CertifyContext } from '../context';

/** How far the target's clock may seem to drift from ours in one run (request latency), in ms. */
const SLACK_MS = 2_000;

/** Starts watching; the function answers whether someone else moved the clock since. */
export async function watchClock(ctx: CertifyContext): Promise<(ourSeconds: number) => Promise<boolean>> {
  // An advance of 0 s answers the clock's reading without moving it (sandbox/README.md › The clock).
  const read = async () => Number((await ctx.admin().advanceClock(0)).epochMs);
  const [target, local] = [await read(), Date.now()];
  return async (ourSeconds) => Math.abs((await read()) - target - (Date.now() - local) - ourSeconds * 1000) > SLACK_MS;
}
