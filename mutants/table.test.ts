import { describe, expect, it } from 'vitest';
import { listDefects } from '../sandbox/defects';
import type { GateVerdict } from './gate';
import type { ChecksOutcome } from './outcomes';
import { formatSeconds, gateLines } from './table';

const defect = (name: string) => listDefects().find((d) => d.name === name)!;
const coverage = { codesVerified: 22, codesDocumented: 22, pairsVerified: 26, pairsDocumented: 26, notVerified: [] };
const checks: ChecksOutcome = { checks: 95, passed: 95, blocking: [], notPassing: [], coverage, durationMs: 1 };
const storm = {
  scenario: 'idempotency-storm',
  exitCode: 0,
  invariants: 'hold' as const,
  violations: [],
  out: '/o',
  durationMs: 1,
};

const verdict: GateVerdict = {
  pass: false,
  defects: [
    {
      defect: defect('signature-not-checked'),
      status: 'killed',
      killedByChecks: ['sig.a', 'sig.b', 'sig.c', 'sig.d', 'sig.e'],
      killedByLoad: [],
      errors: [],
      runs: { loads: [] },
    },
    {
      defect: defect('idempotency-keys-global'),
      status: 'killed',
      killedByChecks: [],
      killedByLoad: [{ scenario: 'idempotency-storm', invariants: 'broken' }],
      errors: [],
      runs: { loads: [] },
    },
    {
      defect: defect('otp-reusable'),
      status: 'survived',
      killedByChecks: [],
      killedByLoad: [],
      errors: [],
      runs: { loads: [] },
    },
    {
      defect: defect('fee-not-deducted'),
      status: 'error',
      killedByChecks: [],
      killedByLoad: [],
      errors: ['checks: the worker exited (SIGKILL) before finishing'],
      runs: { loads: [] },
    },
  ],
  correct: { pass: true, problems: [], runs: { checks, loads: [storm] } },
};

describe('gateLines', () => {
  const lines = gateLines(verdict);

  it('prints a row per defect with its result and killers, and the rule it breaks under it', () => {
    expect(lines[0]).toMatch(/^defect +area +result +killed by$/);
    const row = (name: string) => lines.find((l) => l.startsWith(`${name} `));
    expect(row('signature-not-checked')).toMatch(
      /^signature-not-checked +signature +KILLED +sig\.a, sig\.b, sig\.c, \+2 more$/,
    );
    expect(row('idempotency-keys-global')).toMatch(
      /^idempotency-keys-global +idempotency +KILLED +load idempotency-storm \(invariants broken\)$/,
    );
    expect(row('otp-reusable')).toMatch(/^otp-reusable +state-machine +SURVIVED +-$/);
    // Columns line up: every row's result starts where the header's does.
    expect(
      new Set(
        lines
          .filter((l) => !l.startsWith(' ') && /KILLED|SURVIVED|ERROR|result/.test(l))
          .map((l) => l.search(/KILLED|SURVIVED|ERROR|result/)),
      ).size,
    ).toBe(1);
    expect(lines[lines.indexOf(row('otp-reusable')!) + 1]).toBe(
      `  breaks: ${defect('otp-reusable').rule} (${defect('otp-reusable').section})`,
    );
    expect(lines.find((l) => l.startsWith('fee-not-deducted'))).toMatch(/ERROR +checks: the worker exited/);
  });

  it('ends with the correct sandbox, the error codes and the verdict', () => {
    expect(lines.slice(-3)).toEqual([
      'correct sandbox: 95/95 checks passed; load: idempotency-storm passed, invariants hold',
      'error codes: 22/22 documented codes provoked and verified against the sandbox (26/26 endpoint and code pairs)',
      "FAIL: 2/4 defects killed (1 by certify's checks, 1 by a load scenario), 1 survived, 1 not judged (a run did not finish); correct sandbox clean",
    ]);
  });
});

describe('formatSeconds', () => {
  it('says seconds, then minutes and seconds', () => {
    expect([formatSeconds(8_400), formatSeconds(59_600), formatSeconds(754_000)]).toEqual([
      '8 s',
      '1 min 0 s',
      '12 min 34 s',
    ]);
  });
});
