/**
 * The gate's verdict from its runs (pure): a defect is killed when certify's checks fail against it
 * (a required check fails or breaks, as makes certify exit 1) or its load scenario's verdict fails;
 * the correct sandbox must pass every check, verify every documented error code and hold under
 * every scenario. The gate passes only when both halves do. A run that could not finish is neither
 * a kill nor a pass: it fails the gate with its reason.
 */
import type { DefectInfo } from '../sandbox/defects';
import { isRunError } from './outcomes';
import type { ChecksOutcome, Invariants, LoadOutcome, Ran } from './outcomes';

/** What a subject (a defect, or the correct sandbox) was run through. */
export interface SubjectRuns {
  readonly checks?: Ran<ChecksOutcome>;
  readonly loads: readonly Ran<LoadOutcome>[];
}

export type DefectStatus = 'killed' | 'survived' | 'error';

export interface DefectVerdict {
  readonly defect: DefectInfo;
  readonly status: DefectStatus;
  /** The required checks that failed or broke against it. */
  readonly killedByChecks: readonly string[];
  /** The scenarios whose verdict failed against it, and what their invariants did ('hold': only a threshold failed). */
  readonly killedByLoad: readonly { readonly scenario: string; readonly invariants: Invariants }[];
  /** Runs that did not finish. */
  readonly errors: readonly string[];
  readonly runs: SubjectRuns;
}

export interface CorrectVerdict {
  readonly pass: boolean;
  /** Each thing that kept it from passing, one line each. */
  readonly problems: readonly string[];
  readonly runs: SubjectRuns;
}

export interface GateVerdict {
  readonly pass: boolean;
  readonly defects: readonly DefectVerdict[];
  readonly correct: CorrectVerdict;
}

function runErrors(runs: SubjectRuns): string[] {
  const errors: string[] = [];
  if (runs.checks === undefined) errors.push('checks: not run');
  else if (isRunError(runs.checks)) errors.push(`checks: ${runs.checks.error}`);
  for (const load of runs.loads) if (isRunError(load)) errors.push(`load: ${load.error}`);
  return errors;
}

export function judgeDefect(defect: DefectInfo, runs: SubjectRuns): DefectVerdict {
  const killedByChecks =
    runs.checks === undefined || isRunError(runs.checks) ? [] : runs.checks.blocking.map((c) => c.id);
  const killedByLoad = runs.loads
    .filter((l): l is LoadOutcome => !isRunError(l) && l.exitCode !== 0)
    .map((l) => ({ scenario: l.scenario, invariants: l.invariants }));
  const errors = runErrors(runs);
  const status: DefectStatus =
    killedByChecks.length > 0 || killedByLoad.length > 0 ? 'killed' : errors.length > 0 ? 'error' : 'survived';
  return { defect, status, killedByChecks, killedByLoad, errors, runs };
}

export function judgeCorrect(runs: SubjectRuns): CorrectVerdict {
  const problems = runErrors(runs);
  const { checks } = runs;
  if (checks !== undefined && !isRunError(checks)) {
    if (checks.notPassing.length > 0)
      problems.push(
        `${checks.notPassing.length} of ${checks.checks} checks did not pass: ${checks.notPassing.map((c) => `${c.id} (${c.status})`).join(', ')}`,
      );
    const { coverage } = checks;
    if (coverage.codesVerified < coverage.codesDocumented)
      problems.push(
        `error codes verified ${coverage.codesVerified}/${coverage.codesDocumented}; not verified: ${coverage.notVerified.join(', ')}`,
      );
  }
  for (const load of runs.loads) {
    if (isRunError(load) || load.exitCode === 0) continue;
    problems.push(
      `load ${load.scenario} failed: invariants ${load.invariants}${load.violations.length > 0 ? ` (${load.violations.join('; ')})` : ''}; see ${load.out}`,
    );
  }
  return { pass: problems.length === 0, problems, runs };
}

export function judgeGate(
  defects: readonly DefectInfo[],
  runsOf: (subject: string | undefined) => SubjectRuns,
): GateVerdict {
  const verdicts = defects.map((d) => judgeDefect(d, runsOf(d.name)));
  const correct = judgeCorrect(runsOf(undefined));
  return { pass: correct.pass && verdicts.every((v) => v.status === 'killed'), defects: verdicts, correct };
}
