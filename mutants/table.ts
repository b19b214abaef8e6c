/** The gate's verdict as the lines the command prints (pure): the table, the correct sandbox, the error codes, the verdict. */
import type { DefectVerdict, GateVerdict, SubjectRuns } from './gate';
import { isRunError } from './outcomes';

/** How many killing checks a row names before "+N more" (mutants.json has them all). */
const SHOWN_KILLERS = 3;

function killers(v: DefectVerdict): string {
  if (v.status === 'error') return v.errors.join('; ');
  const checks =
    v.killedByChecks.length > SHOWN_KILLERS
      ? [...v.killedByChecks.slice(0, SHOWN_KILLERS), `+${v.killedByChecks.length - SHOWN_KILLERS} more`]
      : [...v.killedByChecks];
  const loads = v.killedByLoad.map(
    (l) => `load ${l.scenario} (${l.invariants === 'hold' ? 'a threshold failed' : `invariants ${l.invariants}`})`,
  );
  const parts = [...checks, ...loads];
  return parts.length === 0 ? '-' : parts.join(', ');
}

function loadLine(runs: SubjectRuns): string {
  return runs.loads
    .map((l) =>
      isRunError(l)
        ? `load did not finish (${l.error})`
        : `${l.scenario} ${l.exitCode === 0 ? 'passed' : 'FAILED'}, invariants ${l.invariants}`,
    )
    .join('; ');
}

export const formatSeconds = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
};

export function gateLines(verdict: GateVerdict): string[] {
  const rows = verdict.defects.map((v) => [v.defect.name, v.defect.area, v.status.toUpperCase(), killers(v)] as const);
  const header = ['defect', 'area', 'result', 'killed by'] as const;
  const width = (i: 0 | 1 | 2) => Math.max(header[i].length, ...rows.map((r) => r[i].length));
  const line = (r: readonly [string, string, string, string]) =>
    `${r[0].padEnd(width(0))}  ${r[1].padEnd(width(1))}  ${r[2].padEnd(width(2))}  ${r[3]}`;
  const lines = [line(header)];
  verdict.defects.forEach((v, i) => {
    lines.push(line(rows[i]!));
    lines.push(`  breaks: ${v.defect.rule} (${v.defect.section})`);
  });

  const { correct } = verdict;
  const checks = correct.runs.checks;
  const checksText =
    checks === undefined || isRunError(checks)
      ? 'checks did not finish'
      : `${checks.passed}/${checks.checks} checks passed`;
  lines.push('', `correct sandbox: ${checksText}; load: ${loadLine(correct.runs)}${correct.pass ? '' : ' — FAILED'}`);
  for (const problem of correct.problems) lines.push(`  ${problem}`);
  if (checks !== undefined && !isRunError(checks)) {
    const c = checks.coverage;
    lines.push(
      `error codes: ${c.codesVerified}/${c.codesDocumented} documented codes provoked and verified against the sandbox (${c.pairsVerified}/${c.pairsDocumented} endpoint and code pairs)`,
    );
  }

  const count = (status: DefectVerdict['status']) => verdict.defects.filter((v) => v.status === status).length;
  const byChecks = verdict.defects.filter((v) => v.killedByChecks.length > 0).length;
  const byLoad = verdict.defects.filter((v) => v.killedByLoad.length > 0).length;
  lines.push(
    `${verdict.pass ? 'PASS' : 'FAIL'}: ${count('killed')}/${verdict.defects.length} defects killed (${byChecks} by certify's checks, ${byLoad} by a load scenario), ${count('survived')} survived, ${count('error')} not judged (a run did not finish); correct sandbox ${correct.pass ? 'clean' : 'failed'}`,
  );
  return lines;
}
