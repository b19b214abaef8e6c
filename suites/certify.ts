/**
 * `runCertify`: the conformance run as a library call. It opens the target (a target file, or a
 * sandbox started in this process), runs the registered checks through the one runner
 * (suites/runner.ts), and returns the report data; writing files is the caller's (reports/).
 */
import { createAnswerCollector } from '../contract/answer-collector';
import { HarnessError } from '../lib/errors';
import { createTargetHealth } from '../lib/node/http-client';
import { loadTargetFile } from '../lib/node/target-file';
import type { Environment, ResolvedTarget } from '../lib/node/target-file';
import type { Redactor } from '../lib/redact';
import { summarizeReport } from '../reports/report-model';
import type { Acceptance, CertifyReport, ReportSummary } from '../reports/report-model';
import { AREAS } from './check-result';
import type { Area, CheckResult } from './check-result';
import { createCertifyContext, powersOf } from './context';
import type { SandboxAccess } from './context';
import { SERVICE_FEE, startEmbeddedSandbox } from './embedded-sandbox';
import { registry } from './registry';
import { endOfRunChecks } from './contract.checks';
import { createVoucherBudget } from './voucher-budget';
import type { BudgetSpend } from './voucher-budget';
import { runChecks } from './runner';
import type { CertifyCheck } from './runner';

export interface CertifyOptions {
  /** A target file (docs/target-config.md), or an already resolved target; omitted: the embedded sandbox. */
  readonly target?: string | ResolvedTarget;
  /** Seeded defects to switch on in the embedded sandbox (not with `target`). */
  readonly defects?: readonly string[];
  readonly seed: number;
  /** Only these areas; every area by default. */
  readonly areas?: readonly Area[];
  /** Only these checks (the gate and the defect tests narrow a run down); the registry by default. */
  readonly checks?: readonly CertifyCheck[];
  /** Check ids whose failures (and skips) are reported but do not fail the run (nor leave it incomplete). */
  readonly baselineIds?: readonly string[];
  /** Whether skipped required checks may still pass (certify --allow-incomplete, --min-coverage). */
  readonly acceptance?: Acceptance;
  /** On a target without the sandbox clock, wait time out for real. */
  readonly slow?: boolean;
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly onResult?: (result: CheckResult, done: number, total: number) => void;
  /** Where a target file's secrets are read from; this process's environment by default. */
  readonly env?: Environment;
  /** The command line's --allow-otp-command: a target file's OTP source may run a program. */
  readonly allowOtpCommand?: boolean;
  /** The harness version the report names. */
  readonly harnessVersion?: string;
}

export interface CertifyRun {
  readonly report: CertifyReport;
  readonly summary: ReportSummary;
  /** Knows every secret of the run: pass it to whatever prints or writes the report. */
  readonly redactor: Redactor;
  /** True when the signal stopped the run before every check had run. */
  readonly interrupted: boolean;
  /** Set when the target stopped answering and the run ended early: why (the TARGET_UNRESPONSIVE message). */
  readonly unresponsive: string | undefined;
  /** What the checks drew from the target file's vouchers (nothing on a sandbox, which issues its own). */
  readonly vouchers: BudgetSpend;
}

export interface OpenTarget {
  readonly target: ResolvedTarget;
  readonly sandbox: SandboxAccess | undefined;
  close(): Promise<void>;
}

/** The target of a run: the file's (with its sandbox admin API when it names one), or an embedded sandbox. */
export async function openCertifyTarget(
  options: Pick<CertifyOptions, 'target' | 'defects' | 'seed' | 'env' | 'allowOtpCommand'>,
): Promise<OpenTarget> {
  if (options.target !== undefined) {
    if ((options.defects?.length ?? 0) > 0) {
      throw new HarnessError(
        'INVALID_ARGUMENT',
        '--defect switches on seeded defects in the embedded sandbox; it cannot be used with --target',
      );
    }
    const target =
      typeof options.target === 'string'
        ? await loadTargetFile(options.target, options.env, { allowOtpCommand: options.allowOtpCommand === true })
        : options.target;
    const adminUrl = target.config.sandbox?.adminUrl;
    const sandbox =
      adminUrl && target.adminToken ? { adminUrl, adminToken: target.adminToken, merchantId: '' } : undefined;
    return { target, sandbox, close: async () => {} };
  }
  const embedded = await startEmbeddedSandbox({
    defects: options.defects,
    seed: options.seed,
    serviceFee: SERVICE_FEE,
  });
  return { target: embedded.target, sandbox: embedded.access, close: () => embedded.close() };
}

function selectChecks(options: CertifyOptions): readonly CertifyCheck[] {
  const checks = options.checks ?? registry.all();
  const areas = new Set<Area>(options.areas ?? AREAS);
  return checks.filter((c) => areas.has(c.area));
}

/** Runs the checks against an opened target and builds the report. */
export async function certifyTarget(opened: OpenTarget, options: CertifyOptions): Promise<CertifyRun> {
  const { target, sandbox } = opened;
  const startedAt = new Date().toISOString();
  const slow = options.slow === true;
  const powers = powersOf({
    sandbox: sandbox !== undefined,
    slow,
    testHooks: target.config.testHooks,
    otp: target.config.otp.source,
  });
  // One budget for the whole run: every check's context draws from the same listed vouchers.
  const vouchers = createVoucherBudget(target.config.fixtures.vouchers);
  // Every answer of the run, whichever check it came to, is validated against the API description.
  const collector = createAnswerCollector({
    amountFormat: target.config.expectations.amountFormat,
    sandboxPartner: sandbox !== undefined,
  });
  // One health record for the run: a target that leaves a few requests in a row unanswered ends it early.
  const health = createTargetHealth(target.config.baseUrl);
  const contextFor = (stream: string) =>
    createCertifyContext({
      target,
      health,
      seed: options.seed,
      stream,
      slow,
      vouchers,
      onExchange: collector.onExchange,
      ...(sandbox ? { sandbox } : {}),
    });
  const checks = selectChecks(options);
  const run = (list: readonly CertifyCheck[]) =>
    runChecks({
      checks: list,
      contextFor: (check) => contextFor(check.id),
      powers,
      sharedClock: sandbox !== undefined,
      // The context takes a test hook's per-request fault before the sandbox's shared queue.
      sharedFaults: sandbox !== undefined && !target.config.testHooks,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      stopReason: () => health.stopReason,
      ...(options.onResult === undefined ? {} : { onResult: options.onResult }),
    });
  const results = [
    ...(await run(checks)),
    // Judged from what the whole run saw, so last, and only when the contract area was asked for;
    // through the runner too, so an interrupted or abandoned run reports them as not run.
    ...(checks.some((c) => c.area === 'contract') ? await run(endOfRunChecks(collector)) : []),
  ];
  const report: CertifyReport = {
    harnessVersion: options.harnessVersion ?? 'unknown',
    target: {
      name: target.config.name,
      baseUrl: target.config.baseUrl,
      profile: target.config.profile,
      sandbox: sandbox !== undefined,
    },
    startedAt,
    finishedAt: new Date().toISOString(),
    seed: options.seed,
    results,
    baselineIds: options.baselineIds ?? [],
    latency: collector.latency(),
    ...(options.acceptance === undefined ? {} : { acceptance: options.acceptance }),
  };
  return {
    report,
    summary: summarizeReport(report),
    redactor: target.redactor,
    interrupted: options.signal?.aborted === true,
    unresponsive: health.stopReason,
    vouchers: vouchers.spend(),
  };
}

/** Opens the target, runs the checks, closes the target: one certification. */
export async function runCertify(options: CertifyOptions): Promise<CertifyRun> {
  const opened = await openCertifyTarget(options);
  try {
    return await certifyTarget(opened, options);
  } finally {
    await opened.close();
  }
}
