/**
 * Declaring conformance checks once, as Schemathesis registers its checks: each has a stable id, the
 * document section it comes from, whether that is a document rule or a docs/design.md assumption, and
 * a severity. A check ends as a result — pass, fail with evidence, skip with a reason, or error
 * when the check itself broke — and reports are built from results, never from test output.
 */
import fc from 'fast-check';
import type { RunDetails } from 'fast-check';
import { describeValue, HarnessError, isHarnessError } from '../lib/errors';
import { AREAS, BASES, CHECK_KINDS, POWERS, SEVERITIES, SOURCE_DOCS } from './check-result';
import type { Area, Basis, CheckKind, CheckResult, CheckSource, Evidence, Power, Severity } from './check-result';
import { parseErrorCheckId } from './error-coverage';

export type {
  Area,
  Basis,
  CheckKind,
  CheckResult,
  CheckSource,
  CheckStatus,
  Evidence,
  EvidenceExchange,
  Power,
  Severity,
  SourceDoc,
} from './check-result';

/** A failing property's replay data (fast-check seed, path, shrunk counterexample). */
export interface PropertyReplay {
  readonly seed: number;
  readonly path?: string;
  readonly counterexample?: string;
}

export type CheckOutcome =
  | { readonly status: 'pass'; readonly note?: string }
  | {
      readonly status: 'fail';
      readonly message: string;
      readonly evidence: readonly Evidence[];
      readonly replay?: PropertyReplay;
    }
  | { readonly status: 'skip'; readonly reason: string };

export interface CheckDefinition<Ctx> {
  /** Dotted lower-case, e.g. 'sig.rejects-der', 'err.redeem.4035'. */
  readonly id: string;
  readonly title: string;
  readonly area: Area;
  readonly source: CheckSource;
  /** 'assumption' = a docs/design.md decision where the documents are silent; its source is docs/design.md. */
  readonly basis: Basis;
  readonly severity: Severity;
  /** Sandbox-only powers the check needs: a target without one of them skips it, naming what would unlock it. */
  readonly needs?: readonly Power[];
  /**
   * Powers the check uses when the target has them and does without otherwise (the model-based state
   * check moves the clock only where it moves at once): never a reason to skip, but the runner gives the
   * check the target to itself as it would for a need.
   */
  readonly uses?: readonly Power[];
  /** Findings are reported, never fail the run. Default 'requirement'. */
  readonly kind?: CheckKind;
  run(ctx: Ctx): Promise<CheckOutcome>;
}

export const pass = (note?: string): CheckOutcome =>
  note === undefined ? { status: 'pass' } : { status: 'pass', note };

export const fail = (message: string, evidence: readonly Evidence[] = [], replay?: PropertyReplay): CheckOutcome =>
  replay === undefined ? { status: 'fail', message, evidence } : { status: 'fail', message, evidence, replay };

export const skip = (reason: string): CheckOutcome => ({ status: 'skip', reason });

const CHECK_FAILURE = 'CheckFailure';

/**
 * What the target got wrong, with the exchanges that show it: the one way a helper, a scenario
 * step or a property run fails a check. It is thrown so that a step deep in a helper ends the
 * check (and a property run, which fast-check then shrinks) without every caller passing a
 * refusal back up; `settle` (which runCheck runs every check through) and `fromProperty` turn it
 * into a `fail` outcome. It never leaves runCheck: a conformance failure is a result, not an error.
 */
export class CheckFailure extends Error {
  override readonly name = CHECK_FAILURE;
  readonly evidence: readonly Evidence[];
  constructor(message: string, evidence: readonly Evidence[] = []) {
    super(message);
    // A copy: a flow's trail goes on growing after the failure is raised.
    this.evidence = [...evidence];
  }
}

/** Matched by shape, as HarnessError is, not by class. */
export function isCheckFailure(err: unknown): err is CheckFailure {
  return err instanceof Error && err.name === CHECK_FAILURE && Array.isArray((err as { evidence?: unknown }).evidence);
}

/**
 * A run's outcome, a thrown CheckFailure as its failure; anything else thrown is the check's own
 * error and goes on up. runCheck runs every check through it; a check that must still judge what
 * its steps saw after one of them failed (the contract checks) runs its steps through it too.
 */
export async function settle<T>(run: () => Promise<T>): Promise<T | CheckOutcome> {
  try {
    return await run();
  } catch (err) {
    if (isCheckFailure(err)) return fail(err.message, err.evidence);
    throw err;
  }
}

/**
 * A fast-check run (`await fc.check(property, params)`) as an outcome: a failure carries the seed,
 * path and shrunk counterexample that replay it, and the evidence of the CheckFailure that failed
 * the last (so the smallest, after shrinking) failing case.
 */
export function fromProperty<Ts>(details: RunDetails<Ts>): CheckOutcome {
  if (!details.failed) return pass(`${details.numRuns} generated cases held`);
  const cause = details.errorInstance;
  // A context that cannot give what a run needs (no fixture voucher left, no OTP source) is not
  // the target's failure: runCheck turns this into a skip.
  if (isHarnessError(cause) && cause.code === 'CHECK_NOT_APPLICABLE') throw cause;
  // fast-check counts a run cut by its time limit before any case finished as failed, with no
  // counterexample: the target was slow, not wrong, so the check breaks (error), never fails.
  if (details.interrupted && details.counterexample === null)
    throw new HarnessError(
      'CHECK_TIME_LIMIT',
      `the time limit ran out after ${details.numRuns} generated cases, before one finished: the target answers too slowly for this check`,
    );
  const message = cause instanceof Error ? cause.message : String(cause ?? 'the property returned false');
  const how = details.interrupted ? 'interrupted' : `after ${details.numRuns} runs and ${details.numShrinks} shrinks`;
  return fail(`${message} (${how})`, isCheckFailure(cause) ? cause.evidence : [], {
    seed: details.seed,
    ...(details.counterexamplePath === null ? {} : { path: details.counterexamplePath }),
    ...(details.counterexample === null ? {} : { counterexample: fc.stringify(details.counterexample) }),
  });
}

// A first segment names the area's prefix; later ones may start with a digit (err.redeem.4035).
const ID_FORM = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$/;

function invalid(id: unknown, problem: string): HarnessError {
  return new HarnessError(
    'INVALID_ARGUMENT',
    `check ${typeof id === 'string' ? JSON.stringify(id) : '(no id)'}: ${problem}`,
  );
}

function oneOf(value: unknown, allowed: readonly string[]): boolean {
  return typeof value === 'string' && allowed.includes(value);
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

/** Refuses a definition a report could not describe honestly; messages name the field and the fix. */
function validate<Ctx>(def: CheckDefinition<Ctx>): void {
  const { id } = def;
  if (typeof id !== 'string' || !ID_FORM.test(id))
    throw invalid(id, `"id" expected dotted lower-case words such as "sig.rejects-der", got ${JSON.stringify(id)}`);
  const errorPair = parseErrorCheckId(id);
  if (errorPair && 'problem' in errorPair) throw invalid(id, errorPair.problem);
  if (!nonEmpty(def.title)) throw invalid(id, '"title" expected a non-empty sentence saying what is checked');
  if (!oneOf(def.area, AREAS))
    throw invalid(id, `"area" expected one of ${AREAS.join(', ')}, got ${JSON.stringify(def.area)}`);
  if (!oneOf(def.severity, Object.keys(SEVERITIES)))
    throw invalid(
      id,
      `"severity" expected one of ${Object.keys(SEVERITIES).join(', ')}, got ${JSON.stringify(def.severity)}`,
    );
  if (!oneOf(def.basis, BASES))
    throw invalid(id, `"basis" expected one of ${BASES.join(', ')}, got ${JSON.stringify(def.basis)}`);
  if (!oneOf(def.source?.doc, SOURCE_DOCS))
    throw invalid(id, `"source.doc" expected one of ${SOURCE_DOCS.join(', ')}, got ${JSON.stringify(def.source?.doc)}`);
  if (!nonEmpty(def.source.section))
    throw invalid(id, '"source.section" expected the section title, e.g. "Authentication › Step 3"');
  // The report tells document rules from assumptions by this pairing, so it must not lie.
  if ((def.basis === 'assumption') !== (def.source.doc === 'docs/design.md')) {
    throw invalid(
      id,
      `"basis" ${def.basis} does not match "source.doc" ${def.source.doc}: an assumption cites docs/design.md, a document rule cites an API document`,
    );
  }
  for (const field of ['needs', 'uses'] as const) {
    const powers = def[field];
    if (powers !== undefined && (!Array.isArray(powers) || powers.some((p) => !oneOf(p, Object.keys(POWERS)))))
      throw invalid(
        id,
        `"${field}" expected a list of ${Object.keys(POWERS).join(', ')}, got ${JSON.stringify(powers)}`,
      );
  }
  if (def.kind !== undefined && !oneOf(def.kind, CHECK_KINDS))
    throw invalid(id, `"kind" expected ${CHECK_KINDS.join(' or ')}, got ${JSON.stringify(def.kind)}`);
  if (typeof def.run !== 'function') throw invalid(id, '"run" expected an async function (ctx) => CheckOutcome');
}

export function defineCheck<Ctx>(def: CheckDefinition<Ctx>): CheckDefinition<Ctx> {
  validate(def);
  return def;
}

export interface CheckRegistry<Ctx> {
  /** A duplicate id is refused: ids are how baselines, reports and CI history name a check. */
  register(...defs: readonly CheckDefinition<Ctx>[]): void;
  /** In registration order. */
  all(): readonly CheckDefinition<Ctx>[];
  byArea(area: Area): readonly CheckDefinition<Ctx>[];
  get(id: string): CheckDefinition<Ctx> | undefined;
}

export function createRegistry<Ctx>(): CheckRegistry<Ctx> {
  const checks = new Map<string, CheckDefinition<Ctx>>();
  return {
    register(...defs) {
      // All or nothing: a refused batch leaves the registry as it was.
      const incoming = new Set<string>();
      for (const def of defs) {
        validate(def);
        if (checks.has(def.id) || incoming.has(def.id))
          throw invalid(def.id, 'is registered twice; every check id must be unique');
        incoming.add(def.id);
      }
      for (const def of defs) checks.set(def.id, def);
    },
    all: () => [...checks.values()],
    byArea: (area) => [...checks.values()].filter((def) => def.area === area),
    get: (id) => checks.get(id),
  };
}

export interface RunCheckOptions {
  /** Why the target cannot run a check needing these powers, or undefined when it can. Asked only for checks that need some. */
  readonly skipUnless?: (needs: readonly Power[]) => string | undefined;
}

function isOutcome(value: unknown): value is CheckOutcome {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  if (o.status === 'pass') return o.note === undefined || typeof o.note === 'string';
  if (o.status === 'fail') return typeof o.message === 'string' && Array.isArray(o.evidence);
  if (o.status === 'skip') return typeof o.reason === 'string';
  return false;
}

function errorMessage(err: unknown): string {
  if (isHarnessError(err)) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message || err.name;
  return `a non-Error was thrown: ${String(err)}`;
}

/** Runs one check; a thrown CheckFailure becomes its failure, any other thrown error an 'error' result, and the run goes on. */
export async function runCheck<Ctx>(
  def: CheckDefinition<Ctx>,
  ctx: Ctx,
  opts: RunCheckOptions = {},
): Promise<CheckResult> {
  const needs = def.needs ?? [];
  const base = {
    id: def.id,
    title: def.title,
    area: def.area,
    severity: def.severity,
    source: def.source,
    basis: def.basis,
    kind: def.kind ?? 'requirement',
    needs,
  };
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const lacking = needs.length > 0 ? opts.skipUnless?.(needs) : undefined;
  if (lacking !== undefined) return { ...base, status: 'skip', reason: lacking, evidence: [], durationMs: 0 };
  let outcome: unknown;
  try {
    outcome = await settle(() => def.run(ctx));
  } catch (err) {
    // The context says the target cannot give what this check needs: a skip with that reason.
    if (isHarnessError(err) && err.code === 'CHECK_NOT_APPLICABLE')
      return { ...base, status: 'skip', reason: err.message, evidence: [], durationMs: elapsed() };
    const stack = err instanceof Error ? err.stack : undefined;
    return {
      ...base,
      status: 'error',
      message: errorMessage(err),
      evidence: stack ? [{ label: 'stack', note: stack }] : [],
      durationMs: elapsed(),
    };
  }
  // A check that forgets to return an outcome must not pass by default.
  if (!isOutcome(outcome))
    return {
      ...base,
      status: 'error',
      message: `the check returned ${describeValue(outcome)}, not pass(), fail() or skip()`,
      evidence: [],
      durationMs: elapsed(),
    };
  const durationMs = elapsed();
  switch (outcome.status) {
    case 'pass':
      return {
        ...base,
        status: 'pass',
        ...(outcome.note === undefined ? {} : { note: outcome.note }),
        evidence: [],
        durationMs,
      };
    case 'skip':
      return { ...base, status: 'skip', reason: outcome.reason, evidence: [], durationMs };
    case 'fail':
      return {
        ...base,
        status: 'fail',
        message: outcome.message,
        evidence: outcome.evidence,
        durationMs,
        ...outcome.replay,
      };
  }
}
