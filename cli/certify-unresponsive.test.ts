/**
 * A target that accepts connections and never answers ends a certification early: once a few
 * requests in a row got no answer, no further check starts, the verdict names the target as the
 * fault (exit 2), and the reports of what ran are written.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, startFakeTarget, writeTargetFixture } from './testing';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('certify against a target that never answers', () => {
  it('ends early with exit 2, a message naming the target, and the reports', async () => {
    const hung = await startFakeTarget();
    try {
      const dir = await mkdtemp(join(tmpdir(), 'omnivas-unresponsive-'));
      dirs.push(dir);
      const fixture = writeTargetFixture(dir, { baseUrl: hung.url });
      const out = join(dir, 'out');
      const started = Date.now();
      const run = await cli('certify', '--target', fixture.path, '--only', 'auth', '--out', out);
      const elapsedMs = Date.now() - started;
      expect(run.code, run.out + run.err).toBe(2);
      expect(run.out).toMatch(/^TARGET UNRESPONSIVE: the run ended early: .*127\.0\.0\.1.* without an answer/m);
      // Bounded by the first requests' timeouts, not by every request of the area.
      expect(elapsedMs).toBeLessThan(45_000);
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as {
        verdict: string;
        totals: { skip: number };
      };
      expect(summary.verdict).not.toBe('pass');
      expect(summary.totals.skip).toBeGreaterThan(0);
      expect(await readFile(join(out, 'junit.xml'), 'utf8')).toMatch(/not run: the target stopped answering/);
      expect(run.out + run.err).not.toContain(fixture.apiKey);
    } finally {
      await hung.close();
    }
  }, 60_000);
});
