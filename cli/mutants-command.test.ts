/**
 * `mutants` in every CI run: the gate on one seeded defect of each area (the first the catalog
 * lists) and the correct sandbox, the real workers, checks and k6 load runs. The full gate is
 * `npm run mutants`. Bad input is refused before anything starts.
 */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listDefects } from '../sandbox/defects';
import { runCli } from './program';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

interface Recorded {
  verdict: string;
  defects: { name: string; area: string; status: string; killedByChecks: string[]; runs: { loads: unknown[] } }[];
  correct: {
    pass: boolean;
    problems: string[];
    runs: {
      checks: { checks: number; passed: number; coverage: { codesVerified: number; codesDocumented: number } };
      loads: { scenario: string; exitCode: number }[];
    };
  };
}

describe('mutants', () => {
  it('explains itself, and refuses an unknown defect and a bad --jobs before starting anything', async () => {
    const unknown = await cli(
      'mutants',
      '--only',
      'no-such-defect',
      '--out',
      mkdtempSync(join(tmpdir(), 'omnivas-mutants-')),
    );
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(
      /unknown defect "no-such-defect"; valid names: signature-not-checked, .* \[SANDBOX_UNKNOWN_DEFECT\]/,
    );
    const jobs = await cli('mutants', '--jobs', '0');
    expect([jobs.code, jobs.err]).toEqual([
      2,
      expect.stringMatching(/--jobs expected a whole number from 1 to \d+, got "0"/),
    ]);
    const help = await cli('mutants', '--help');
    expect([help.code, help.out]).toEqual([
      0,
      expect.stringMatching(/Exit code 0 only when every defect is killed and the correct sandbox passes/),
    ]);
  });

  it(
    'kills one defect of each area, and the correct sandbox passes every check and scenario',
    { timeout: 600_000 },
    async () => {
      const areas = [...new Set(listDefects().map((d) => d.area))];
      const chosen = areas.map((area) => listDefects().find((d) => d.area === area)!.name);
      const out = mkdtempSync(join(tmpdir(), 'omnivas-mutants-'));
      const run = await cli('mutants', '--only', ...chosen, '--out', out);
      const text = await readFile(join(out, 'mutants.json'), 'utf8');
      const recorded = JSON.parse(text) as Recorded;

      expect(
        recorded.defects.map((d) => [d.name, d.status]),
        run.out,
      ).toEqual(chosen.map((name) => [name, 'killed']));
      // Every defect here is one certify's checks catch on their own; the load runs are recorded beside them.
      for (const d of recorded.defects) expect(d.killedByChecks.length, d.name).toBeGreaterThan(0);
      expect(
        recorded.defects
          .filter((d) => d.runs.loads.length > 0)
          .map((d) => d.area)
          .sort(),
      ).toEqual(['concurrency', 'idempotency']);
      expect(recorded.correct.problems).toEqual([]);
      const { checks, loads } = recorded.correct.runs;
      expect(checks.passed).toBe(checks.checks);
      expect([checks.coverage.codesVerified, checks.coverage.codesDocumented]).toEqual([22, 22]);
      expect(loads.map((l) => [l.scenario, l.exitCode]).sort()).toEqual([
        ['idempotency-storm', 0],
        ['same-voucher-burst', 0],
      ]);
      expect(recorded.verdict).toBe('pass');
      expect(run.code).toBe(0);
      expect(run.out).toMatch(/error codes: 22\/22 documented codes provoked and verified/);
      for (const name of chosen) expect(run.out).toMatch(new RegExp(`^${name} +[a-z-]+ +KILLED +\\S`, 'm'));
      // Nothing secret leaves the workers: no key material, no bearer of a login.
      expect(text).not.toMatch(/PRIVATE KEY|x-api-token/i);
    },
  );
});
