/**
 * `runLoad`: a bundled k6 scenario (load/k6/*.scenario.ts) against the embedded sandbox or a
 * loopback target file, judged. It provisions the vouchers, runs k6, collects the history lines k6
 * prints, reads the final voucher states and the sandbox ledger, runs the history checker, and
 * returns all of it. The run's files go to `out`: summary.json (k6's), dashboard.html,
 * history.jsonl, finals.json, ledger.json, ledger-check.json, verdict.json, junit.xml, contract.json
 * (the answers to its own requests, judged against the API description: load-contract.ts), and with
 * presigned signing corpus.json; for the faults scenario faults.json. A target off this machine
 * needs the target file's consent and stays within its limits (remote-consent.ts); without sandbox
 * powers the run spends the vouchers the file lists and the ledger replay is not available.
 */
import { createWriteStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAnswerCollector } from '../../contract/answer-collector';
import {
  describeLatencyLimits,
  durationSeconds,
  MAX_RUN_SECONDS,
  MAX_VUS,
  p95BudgetsOf,
  profileNamed,
} from '../../k6.config';
import type { LoadProfile, ProfileName } from '../../k6.config';
import { HarnessError } from '../../lib/errors';
import type { FinalVoucherState, HistoryOp } from '../../lib/history';
import { formatHistoryLine, parseHistoryLine } from '../../lib/history';
import { formatMoney, moneyFromDecimal } from '../../lib/money';
import type { Micro } from '../../lib/money';
import { createMerchantClient } from '../../lib/node/http-client';
import type { Exchange, MerchantClient } from '../../lib/node/http-client';
import { otpFetcher } from '../../lib/node/otp-source';
import { createSandboxAdminClient } from '../../lib/node/sandbox-admin-client';
import type { SandboxAdminClient } from '../../lib/node/sandbox-admin-client';
import { loadTargetFile } from '../../lib/node/target-file';
import type { ResolvedTarget } from '../../lib/node/target-file';
import { voucherBalanceOf } from '../../lib/node/voucher-balance';
import { isLoopbackUrl } from '../../lib/target-config';
import type { Redactor } from '../../lib/redact';
import { prepareOutDir } from '../../lib/node/out-dir';
import { SERVICE_FEE, startEmbeddedSandbox } from '../../suites/embedded-sandbox';
import { classifyAnswers, describeAnswers } from '../checker/answers';
import type { FailedAnswers } from '../checker/answers';
import { judgeHistory, verdictJson } from '../checker/judge';
import type { Verdict } from '../checker/judge';
import { ledgerFromAdminJson } from '../checker/checker';
import type { LedgerEntry } from '../../lib/ledger-entry';
import { overReservations } from '../checker/ledger-replay';
import { CORPUS_PLANS } from '../corpus-plans';
import { flowPlan, LOAD_ENV, TOKEN_RENEW_MAX_S } from '../load-env';
import type { OtpMode, VoucherSpec } from '../load-env';
import { ensureBundle } from './bundle';
import { latencyBudgetEnv } from './latency-budget-env';
import { markFaultedOps, scheduleFaults } from './fault-schedule';
import type { FaultWindow } from './fault-schedule';
import { findK6 } from './k6-bin';
import { K6_THRESHOLDS_FAILED, streamK6 } from './k6-process';
import { k6OutValue, k6RunArgs } from './k6-out';
import { newBridgeToken, startOtpBridge } from './otp-bridge';
import type { OtpBridge } from './otp-bridge';
import { LOAD_SCENARIOS, MAX_VOUCHERS } from './scenarios';
import type { LoadScenario, ScenarioSpec } from './scenarios';
import { provisionSecondMerchant } from './second-merchant';
import { prepareSigning, signingModeFor } from './signing';
import { checkLoadConsent, describeLoadPlan, planLoad } from './remote-consent';
import {
  contractFileJson,
  contractHolds,
  contractOf,
  contractSummary,
  describeLoadContract,
  withContract,
} from './load-contract';
import type { LoadContract } from './load-contract';
import type { LoadPlan } from './remote-consent';
import type { SigningMode, SigningReport } from '../request-corpus';

/** Where a run's progress lines go (k6's own output already redacted). */
export interface LoadLog {
  out(line: string): void;
  err(line: string): void;
  /** Told the run target's redactor once its secrets are known, for a log that redacts every line. */
  redactWith?(redactor: Redactor): void;
}

export interface LoadSpec {
  readonly scenario: LoadScenario;
  /** smoke, load, stress, soak or spike (k6.config.ts); the scenario's default otherwise. */
  readonly profile?: ProfileName;
  /** A target file (a remote one needs its "load" consent); the embedded sandbox otherwise. */
  readonly target?: string;
  /** Where the run's files go. */
  readonly out: string;
  readonly vus?: number;
  readonly vouchers?: number;
  readonly seed: number;
  /** Burst: the claims ask on average for this many times the balance (default 1). */
  readonly fill?: number;
  /** Seeded defects in the embedded sandbox. */
  readonly defects?: readonly string[];
  /** Flow scenarios: how long flows arrive, instead of the profile's duration. */
  readonly durationSeconds?: number;
  /** Flow scenarios: seconds after which a VU logs in again (at most 240). */
  readonly renewTokenAfter?: number;
  readonly signing?: SigningMode;
  /** The command line's --allow-otp-command: the target file's OTP source may run a program. */
  readonly allowOtpCommand?: boolean;
  readonly log?: LoadLog;
  /**
   * Stops the run (the command's Ctrl-C or SIGTERM): k6 is stopped, or never started when the signal
   * fires during setup, and what was gathered is still read and written; the run is then interrupted.
   */
  readonly signal?: AbortSignal;
  /** Print the plan and send nothing: runLoad returns the plan. */
  readonly dryRun?: boolean;
  /**
   * One k6 metrics output, passed to `k6 run --out` (load/README.md › Metrics to Grafana): TYPE or
   * TYPE=SETTING; json and csv files are written inside `out` (k6-out.ts).
   */
  readonly k6Out?: string;
  /**
   * TEST-ONLY, not a command-line option: the loopback target is judged as if it were off this
   * machine (consent, limits), so the remote path runs against a loopback sandbox.
   */
  readonly treatAsRemote?: boolean;
}

/** k6's end-of-test summary (summary.json): its metrics, and the signing mode k6 says it ran. */
export interface K6Summary {
  readonly signing?: SigningReport;
  readonly metrics?: Readonly<Record<string, { readonly values?: Readonly<Record<string, number>> } | undefined>>;
}

export interface LoadRun {
  readonly scenario: LoadScenario;
  /** The target file's name and base URL; undefined for the embedded sandbox (a new port each run). */
  readonly target: { readonly name: string; readonly baseUrl: string } | undefined;
  readonly profile: ProfileName;
  readonly seed: number;
  readonly vus: number;
  readonly vouchers: readonly VoucherSpec[];
  readonly out: string;
  readonly history: readonly HistoryOp[];
  readonly finals: readonly FinalVoucherState[];
  readonly ledger: readonly LedgerEntry[];
  /** Whether the sandbox ledger was read (sandbox powers): without it the replay is not available, and no pass. */
  readonly ledgerAvailable: boolean;
  /** Where claims and redemptions were signed (presigned corpus or k6), as the reports say it. */
  readonly signing: SigningReport;
  /** The faults scenario: the faults injected, one after another (also in faults.json). */
  readonly faults: readonly FaultWindow[] | undefined;
  /** The sandbox ledger replayed: where reservations went above the balance (invariant 2, server side). */
  readonly overReservations: ReturnType<typeof overReservations>;
  /** The history checker's verdict on the invariants. */
  readonly verdict: Verdict;
  /** 5xx and lost answers by cause: injected, the server's, the harness's. */
  readonly answers: FailedAnswers;
  /** The answers the Node side received (logins, voucher details), judged against the API description. */
  readonly contract: LoadContract;
  readonly k6: {
    readonly exitCode: number;
    readonly interrupted: boolean;
    readonly thresholdsFailed: boolean;
    /** Undefined when k6 wrote none. */
    readonly summary: K6Summary | undefined;
  };
  /** The ledger replay and the checker both hold. */
  readonly invariantsHold: boolean;
  /** 5xx and lost answers with no fault injected stay within the profile's failure rate. */
  readonly answersExplained: boolean;
  /** Thresholds passed, invariants hold, answers explained, the contract holds, not interrupted. */
  readonly pass: boolean;
  /** The headline figures of k6's summary, as lines for a person. */
  readonly headline: readonly string[];
  /** For the http and command OTP sources: how many OTPs the bridge answered for k6. */
  readonly otpBridge: { readonly answered: number; readonly failed: number; readonly source: string } | undefined;
}

/** What a person reads at the end of a run: figures, the ledger replay, the checker, the answers, the verdict. */
export function describeLoadRun(run: LoadRun): string[] {
  const { maxFailedRate } = profileNamed(run.profile);
  const lines = [...run.headline, `history: ${run.history.length} operations in ${join(run.out, 'history.jsonl')}`];
  if (run.otpBridge !== undefined)
    lines.push(
      `OTP bridge: ${run.otpBridge.answered} OTPs answered, ${run.otpBridge.failed} not found by the ${run.otpBridge.source} source`,
    );
  for (const o of run.overReservations.slice(0, 5))
    lines.push(
      `  ledger: voucher ${o.voucher} reserved ${formatMoney(o.reserved)} of a remaining ${formatMoney(o.remaining)} after ledger entry ${o.seq} (claim ${o.claimId ?? '?'})`,
    );
  lines.push(
    `ledger replay (no over-reservation): ${!run.ledgerAvailable ? 'not available (no sandbox powers)' : run.overReservations.length === 0 ? 'holds' : `broken at ${run.overReservations.length} point(s)`}`,
  );
  const { verdict } = run;
  lines.push(
    `history checker: ${verdict.valid === true ? 'invariants hold' : verdict.valid === 'unknown' ? 'undetermined (see verdict.json)' : `${verdict.violations.length} violation(s)`}`,
  );
  for (const v of verdict.violations.slice(0, 10)) lines.push(`  ${v.invariant} on ${v.voucher}: ${v.message}`);
  lines.push(describeAnswers(run.answers));
  lines.push(...describeLoadContract(run.contract));
  if (run.k6.interrupted) {
    lines.push(`INTERRUPTED: what was gathered is in ${run.out}`);
    return lines;
  }
  const unexplained = run.answers.server.count + run.answers.harness.count;
  lines.push(
    `${run.pass ? 'PASS' : 'FAIL'}: thresholds ${run.k6.thresholdsFailed ? 'failed' : 'passed'}; invariants ${run.invariantsHold ? 'hold' : run.verdict.valid === 'unknown' && run.overReservations.length === 0 ? 'undetermined' : 'broken'}; ${unexplained} of ${run.history.length} operations failed with no fault injected (${run.answersExplained ? 'within' : 'beyond'} the profile's ${maxFailedRate * 100}%); contract ${contractHolds(run.contract) ? 'holds' : 'broken'}; reports in ${run.out}`,
  );
  return lines;
}

const silent: LoadLog = { out: () => {}, err: () => {} };

function checkRange(value: number | undefined, field: string, min: number, max: number): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max))
    throw new HarnessError('INVALID_ARGUMENT', `${field} expected a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

/** The rate, duration, token renewal and voucher sizing of a flow scenario, and the variables that tell k6. */
function flowSettings(spec: LoadSpec, profile: LoadProfile, vouchers: number) {
  const seconds = spec.durationSeconds ?? durationSeconds(profile.duration);
  if (!(seconds >= 1 && seconds <= MAX_RUN_SECONDS))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--duration expected from 1s to ${MAX_RUN_SECONDS / 60}m, got ${seconds} s`,
    );
  const renew = checkRange(spec.renewTokenAfter, '--renew-token-after', 1, TOKEN_RENEW_MAX_S) ?? TOKEN_RENEW_MAX_S;
  const plan = flowPlan({ rate: profile.rate, durationSeconds: seconds, vouchers });
  const env = {
    [LOAD_ENV.rate]: String(profile.rate),
    [LOAD_ENV.durationSeconds]: String(seconds),
    [LOAD_ENV.tokenRenewSeconds]: String(renew),
  };
  return { rate: profile.rate, seconds, renew, plan, env };
}

interface RunTarget {
  readonly target: ResolvedTarget;
  /** Undefined without sandbox powers. */
  readonly admin: SandboxAdminClient | undefined;
  readonly adminUrl: string | undefined;
  readonly adminToken: string | undefined;
  readonly otp: OtpMode;
  readonly fixedOtp: string | undefined;
  /** For the http and command OTP sources, which k6 cannot reach itself. */
  readonly bridge: OtpBridge | undefined;
  readonly close: () => Promise<void>;
}

type FileTarget = ResolvedTarget & {
  readonly adminUrl: string | undefined;
  readonly adminToken: string | undefined;
  /** The field and URL that are off this machine, when one is. */
  readonly remote: { readonly field: string; readonly url: string } | undefined;
};

/** A merchant-v1 target file; admin powers when it names the sandbox admin URL and token. */
async function loadFileTarget(
  path: string,
  log: LoadLog,
  allowOtpCommand: boolean,
  treatAsRemote: boolean,
): Promise<FileTarget> {
  const target = await loadTargetFile(path, process.env, { allowOtpCommand });
  log.redactWith?.(target.redactor);
  for (const warning of target.warnings) log.err(warning);
  const { config } = target;
  const urls = [
    ['baseUrl', config.baseUrl],
    ['sandbox.adminUrl', config.sandbox?.adminUrl],
  ] as const;
  const offMachine = urls.find(([, url]) => url !== undefined && (treatAsRemote || !isLoopbackUrl(url)));
  if (config.profile !== 'merchant-v1')
    throw new HarnessError(
      'CONFIG_INVALID',
      `"profile" in ${path} is ${config.profile}; the load scenarios speak merchant-v1`,
    );
  const adminUrl = config.sandbox?.adminUrl;
  if (adminUrl !== undefined && target.adminToken === undefined)
    throw new HarnessError(
      'CONFIG_INVALID',
      `"sandbox.adminUrl" in ${path} needs the admin token: set "sandbox.adminTokenEnv", or drop "sandbox" to run without sandbox powers`,
    );
  return {
    ...target,
    adminUrl,
    adminToken: adminUrl === undefined ? undefined : target.adminToken,
    remote: offMachine === undefined ? undefined : { field: offMachine[0], url: offMachine[1]! },
  };
}

async function openTarget(
  fileTarget: FileTarget | undefined,
  defects: readonly string[] | undefined,
  seed: number,
  log: LoadLog,
): Promise<RunTarget> {
  if (fileTarget === undefined) {
    const embedded = await startEmbeddedSandbox({ defects, seed, serviceFee: SERVICE_FEE });
    return {
      target: embedded.target,
      admin: embedded.admin,
      adminUrl: embedded.access.adminUrl,
      adminToken: embedded.access.adminToken,
      otp: 'sandbox-outbox',
      fixedOtp: undefined,
      bridge: undefined,
      close: () => embedded.close(),
    };
  }
  const { otp: source } = fileTarget.config;
  const admin =
    fileTarget.adminUrl === undefined || fileTarget.adminToken === undefined
      ? undefined
      : createSandboxAdminClient({ adminUrl: fileTarget.adminUrl, adminToken: fileTarget.adminToken });
  const { redactor } = fileTarget;
  const fetchOtp =
    source.source === 'http' || source.source === 'command'
      ? otpFetcher(source, admin, { allowCommand: fileTarget.otpCommandAllowed })
      : undefined;
  const bridge =
    fetchOtp === undefined
      ? undefined
      : await startOtpBridge({
          token: newBridgeToken(),
          fetchOtp: (voucherCode) => fetchOtp({ voucherCode }),
          onFailure: log.err,
          redact: (text) => redactor.redactText(text),
        });
  if (bridge !== undefined) redactor.add(bridge.token, 'otp-bridge-token');
  const otp: OtpMode =
    bridge !== undefined
      ? 'bridge'
      : source.source === 'sandbox-outbox' || source.source === 'fixed'
        ? source.source
        : 'none';
  return {
    target: fileTarget,
    admin,
    adminUrl: fileTarget.adminUrl,
    adminToken: fileTarget.adminToken,
    otp,
    fixedOtp: source.source === 'fixed' ? source.code : undefined,
    bridge,
    close: async () => bridge?.close(),
  };
}

async function provisionVouchers(admin: SandboxAdminClient, count: number, amount: Micro): Promise<VoucherSpec[]> {
  const vouchers: VoucherSpec[] = [];
  for (let i = 0; i < count; i++) {
    const voucher = await admin.createVoucher({ amount });
    vouchers.push({ code: voucher.code, amount: formatMoney(amount) });
  }
  return vouchers;
}

/** The run merchant's client, as the command itself reads voucher details; every answer goes to `onExchange`. */
function merchantClientOf(run: RunTarget, onExchange: (exchange: Exchange) => void): MerchantClient {
  return createMerchantClient({
    baseUrl: run.target.config.baseUrl,
    apiKey: run.target.apiKey,
    privateKey: run.target.privateKey,
    redactor: run.target.redactor,
    onExchange,
  });
}

/** The service fee the target charges the run merchant, as a voucher's detail shows it. */
async function serviceFeeOf(client: MerchantClient, voucher: VoucherSpec): Promise<Micro> {
  return voucherBalanceOf(await client.voucherDetail(voucher.code), voucher.code).serviceFee;
}

/**
 * Without sandbox powers: each listed voucher as the detail endpoint shows it now, so the run (and
 * the checker's start balance) begins from what is left, not from what the file says a night ago
 * left. A claim pending from before would hold part of the balance (refusals would look spurious)
 * and a fixed OTP may redeem it: such a voucher is refused, as is one with nothing left.
 */
async function startBalances(
  client: MerchantClient,
  listed: readonly VoucherSpec[],
  path: string,
  log: LoadLog,
): Promise<VoucherSpec[]> {
  const vouchers: VoucherSpec[] = [];
  for (const { code, amount } of listed) {
    const v = voucherBalanceOf(await client.voucherDetail(code), code);
    if (v.status === 'REDEEM_INITIATED' || v.remaining <= 0n)
      throw new HarnessError(
        'CONFIG_INVALID',
        `voucher ${code} of "load.vouchers" in ${path} is ${v.status} with ${formatMoney(v.remaining)} left: ${v.remaining <= 0n ? 'it is spent' : 'a claim from before is pending on it (it expires within 5 minutes)'}; list another voucher or wait`,
      );
    if (v.remaining !== moneyFromDecimal(amount))
      log.out(
        `load: voucher ${code} has ${formatMoney(v.remaining)} left (${amount} listed): the run starts from what is left`,
      );
    vouchers.push({ code, amount: formatMoney(v.remaining) });
  }
  return vouchers;
}

/** The final state of each voucher from the merchant's detail endpoint, and the admin view beside it (with sandbox powers). */
async function readFinals(
  run: RunTarget,
  client: MerchantClient,
  vouchers: readonly VoucherSpec[],
): Promise<{ finals: FinalVoucherState[]; admin: unknown[] }> {
  const finals: FinalVoucherState[] = [];
  const admin: unknown[] = [];
  for (const { code } of vouchers) {
    const v = voucherBalanceOf(await client.voucherDetail(code), code);
    finals.push({
      voucher: code,
      amount: v.amount.toString(),
      remainingBalance: v.remaining.toString(),
      serviceFee: v.serviceFee.toString(),
      status: v.status,
    });
    if (run.admin !== undefined) admin.push(await run.admin.voucher(code));
  }
  return { finals, admin };
}

/** The headline figures of k6's summary: requests, their rate, latency by endpoint, and how well the bursts were aligned. */
function headline(summary: K6Summary): string[] {
  const metrics = summary.metrics ?? {};
  const lines: string[] = [];
  const reqs = metrics.http_reqs?.values;
  if (reqs) lines.push(`requests: ${reqs.count} at ${reqs.rate?.toFixed(1)}/s over the whole run`);
  for (const [name, metric] of Object.entries(metrics)) {
    const m = /^http_req_duration\{endpoint:(.+)\}$/.exec(name);
    if (m && metric?.values && (metric.values['max'] ?? 0) > 0)
      lines.push(
        `  ${m[1]}: p95 ${metric.values['p(95)']?.toFixed(1)} ms, p99 ${metric.values['p(99)']?.toFixed(1)} ms`,
      );
  }
  const skew = metrics.burst_start_skew_ms?.values;
  if (skew)
    lines.push(
      `burst alignment: claims left ${skew.med?.toFixed(1)} ms (median), ${skew.max?.toFixed(1)} ms (max) after their instant`,
    );
  // load/k6/signed-requests.ts counts where each signature came from (absent: the scenario signs by itself).
  const count = (name: string) => metrics[name]?.values?.count ?? 0;
  if (['presigned_requests', 'k6_signed_claims', 'k6_signed_redemptions'].some((name) => count(name) > 0)) {
    lines.push(
      `signatures: ${count('presigned_requests')} requests from the corpus; signed in k6: ${count('k6_signed_claims')} claims, ${count('k6_signed_redemptions')} redemptions`,
    );
  }
  const renewals = metrics.token_renewals?.values;
  if (renewals) lines.push(`token renewals: ${renewals.count}`);
  const harnessErrors = metrics.harness_errors?.values;
  if (harnessErrors)
    lines.push(`flows the harness broke off (exceptions in k6, its own fault): ${harnessErrors.count}`);
  const dropped = metrics.dropped_iterations?.values;
  if (dropped) lines.push(`dropped iterations: ${dropped.count} (too few VUs for the arrival rate)`);
  const failedChecks = metrics.checks?.values;
  if (failedChecks) lines.push(`checks: ${(100 * (failedChecks.rate ?? 0)).toFixed(2)}% passed`);
  return lines;
}

/** The sandbox's admin API: the scenarios that reach here without it were refused by checkLoadConsent. */
function adminOf(run: RunTarget): SandboxAdminClient {
  if (run.admin === undefined) throw new HarnessError('INTERNAL', 'a sandbox-only step ran without sandbox powers');
  return run.admin;
}

/**
 * Runs one scenario and judges it; throws a HarnessError for bad settings, a bad target, or k6
 * failing to run. With dryRun, returns the plan having sent nothing.
 */
export async function runLoad(spec: LoadSpec & { readonly dryRun: true }): Promise<LoadPlan>;
export async function runLoad(spec: LoadSpec & { readonly dryRun?: false }): Promise<LoadRun>;
export async function runLoad(spec: LoadSpec): Promise<LoadRun | LoadPlan>;
export async function runLoad(spec: LoadSpec): Promise<LoadRun | LoadPlan> {
  const log = spec.log ?? silent;
  const { scenario, seed } = spec;
  const scenarioSpec: ScenarioSpec = LOAD_SCENARIOS[scenario];
  if (scenarioSpec === undefined)
    throw new HarnessError('INVALID_ARGUMENT', `unknown scenario ${JSON.stringify(scenario)}`);
  const profile = profileNamed(spec.profile ?? scenarioSpec.profile);
  const vus = checkRange(spec.vus, '--vus', 1, MAX_VUS) ?? (scenario === 'same-voucher-burst' ? 50 : profile.vus);
  const voucherCount = checkRange(spec.vouchers, '--vouchers', 1, MAX_VOUCHERS) ?? scenarioSpec.defaultVouchers;
  const fill = spec.fill ?? 1;
  if (!(fill > 0 && fill <= 100))
    throw new HarnessError('INVALID_ARGUMENT', `--fill expected a number above 0 and at most 100, got ${fill}`);
  if (scenarioSpec.flow === undefined && (spec.durationSeconds !== undefined || spec.renewTokenAfter !== undefined))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--duration and --renew-token-after apply to the flow scenarios (steady-flow, soak, faults), not ${scenario}`,
    );
  let flow = scenarioSpec.flow === undefined ? undefined : flowSettings(spec, profile, voucherCount);
  const k6Out = spec.k6Out === undefined ? undefined : k6OutValue(spec.k6Out, spec.out);
  const signingMode = signingModeFor(scenario, spec.signing);
  if (spec.target !== undefined && (spec.defects?.length ?? 0) > 0)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      '--defect switches on seeded defects in the embedded sandbox; it cannot be used with --target',
    );
  const fileTarget =
    spec.target === undefined
      ? undefined
      : await loadFileTarget(spec.target, log, spec.allowOtpCommand === true, spec.treatAsRemote === true);
  const listed =
    fileTarget === undefined
      ? undefined
      : checkLoadConsent({
          path: spec.target!,
          remote: fileTarget.remote,
          consent: fileTarget.config.load,
          sandboxPowers: fileTarget.adminUrl !== undefined,
          scenario,
          rate: flow?.rate,
          seconds: flow?.seconds,
          vus,
          vouchers: spec.vouchers,
        });
  // The flows share the listed vouchers: their plan follows how many there are.
  if (listed !== undefined && flow !== undefined) flow = flowSettings(spec, profile, listed.length);
  const injectedFaults = scenarioSpec.flow?.faults === true;
  const p95Budgets =
    fileTarget === undefined
      ? {}
      : p95BudgetsOf(fileTarget.config.expectations.latencyP95Ms, fileTarget.config.initiatePath);
  if (spec.dryRun === true) {
    const plan = planLoad({
      scenario,
      profile: profile.name,
      baseUrl: fileTarget?.config.baseUrl ?? 'the embedded sandbox',
      sandboxPowers: fileTarget === undefined || fileTarget.adminUrl !== undefined,
      rate: flow?.rate,
      durationSeconds: flow?.seconds,
      flows: flow?.plan.iterations,
      vus,
      p95Budgets,
      injectedFaults,
      listed,
      provisioned: { count: voucherCount, amount: flow?.plan.voucherAmount ?? scenarioSpec.voucherAmount },
    });
    for (const line of describeLoadPlan(plan)) log.out(line);
    return plan;
  }
  await findK6(); // before anything starts: a missing k6 says how to get it
  const bundle = await ensureBundle(scenario, log.out);
  const dir = await prepareOutDir(spec.out);

  const run = await openTarget(fileTarget, spec.defects, seed, log);
  log.redactWith?.(run.target.redactor);
  // The answers to the Node side's own requests are validated as certify validates every answer.
  const collector = createAnswerCollector({ amountFormat: run.target.config.expectations.amountFormat });
  const merchant = merchantClientOf(run, collector.onExchange);
  try {
    const vouchers =
      listed === undefined
        ? await provisionVouchers(adminOf(run), voucherCount, flow?.plan.voucherAmount ?? scenarioSpec.voucherAmount)
        : await startBalances(merchant, listed, spec.target!, log);
    // The storm shows keys scoped per merchant with a second merchant, charged the run merchant's fee.
    const secondMerchantEnv =
      scenario === 'idempotency-storm'
        ? await provisionSecondMerchant(adminOf(run), await serviceFeeOf(merchant, vouchers[0]!), run.target.redactor)
        : {};
    const signing = await prepareSigning({
      scenario,
      mode: signingMode,
      otp: run.otp,
      fixedOtp: run.fixedOtp,
      slots: () => CORPUS_PLANS[scenario]!({ vouchers, vus, seed, fill, flows: flow?.plan.iterations ?? 0 }),
      key: run.target.privateKey,
      redactor: run.target.redactor,
      dir,
    });
    if (flow !== undefined)
      log.out(
        `load: ${flow.rate} flows/s for ${flow.seconds} s (at most ${flow.plan.iterations} flows, ${flow.plan.flowsPerVoucher} per voucher), tokens renewed after ${flow.renew} s${scenarioSpec.flow?.faults ? '; faults injected one at a time (load/node/fault-schedule.ts)' : ''}`,
      );
    log.out(
      `load: ${scenario}, profile ${profile.name}, ${vus} VUs × ${vouchers.length} vouchers, seed ${seed}, against ${run.target.config.baseUrl}; OTPs: ${run.otp}; ${signing.description}${spec.defects?.length ? `; defects ${spec.defects.join(', ')}` : ''}`,
    );
    log.out(`load: ${describeLatencyLimits(profile, p95Budgets, injectedFaults)}`);
    // Only a file output's path: another output's setting may hold a metrics backend's credentials.
    if (k6Out !== undefined)
      log.out(
        `load: k6 also sends its metrics to ${/^(json|csv)=/.test(k6Out) ? k6Out : `its ${k6Out.split('=')[0]} output`}`,
      );
    const summaryPath = join(dir, 'summary.json');
    const dashboardPath = join(dir, 'dashboard.html');
    const historyPath = join(dir, 'history.jsonl');
    const history = createWriteStream(historyPath);
    const ops: HistoryOp[] = [];
    const tail: string[] = [];
    const faults = scenarioSpec.flow?.faults ? scheduleFaults(adminOf(run), seed) : undefined;
    const k6 = await streamK6({
      args: k6RunArgs(bundle, k6Out),
      env: {
        [LOAD_ENV.baseUrl]: run.target.config.baseUrl,
        ...(run.adminUrl === undefined ? {} : { [LOAD_ENV.adminUrl]: run.adminUrl }),
        [LOAD_ENV.initiatePath]: run.target.config.initiatePath,
        [LOAD_ENV.otp]: run.otp,
        ...(run.fixedOtp === undefined ? {} : { [LOAD_ENV.fixedOtp]: run.fixedOtp }),
        [LOAD_ENV.runner]: 'k6-0',
        [LOAD_ENV.seed]: String(seed),
        [LOAD_ENV.vus]: String(vus),
        [LOAD_ENV.profile]: profile.name,
        [LOAD_ENV.vouchers]: JSON.stringify(vouchers),
        [LOAD_ENV.fill]: String(fill),
        [LOAD_ENV.summaryPath]: summaryPath,
        [LOAD_ENV.apiKey]: run.target.apiKey,
        ...signing.env,
        ...latencyBudgetEnv(run.target.config),
        ...(run.adminToken === undefined ? {} : { [LOAD_ENV.adminToken]: run.adminToken }),
        ...secondMerchantEnv,
        ...flow?.env,
        ...(run.bridge === undefined
          ? {}
          : { [LOAD_ENV.otpBridgeUrl]: run.bridge.url, [LOAD_ENV.otpBridgeToken]: run.bridge.token }),
        // The dashboard's HTML export needs a few samples: one per second rather than its default 10 s.
        K6_WEB_DASHBOARD: 'true',
        K6_WEB_DASHBOARD_PORT: '-1',
        K6_WEB_DASHBOARD_PERIOD: '1s',
        K6_WEB_DASHBOARD_EXPORT: dashboardPath,
      },
      onHistoryLine: (line) => {
        faults?.start();
        history.write(`${line}\n`);
        const op = parseHistoryLine(line);
        if (op !== undefined) ops.push(op);
      },
      onOtherLine: (line) => {
        const clean = run.target.redactor.redactText(line);
        tail.push(clean);
        if (tail.length > 20) tail.shift();
        log.err(clean);
      },
      timeoutMs: 35 * 60_000,
      ...(spec.signal === undefined ? {} : { signal: spec.signal }),
    }).finally(() => Promise.all([faults?.stop(), signing.close()]));
    await new Promise<void>((done) => history.end(done));
    const windows = await faults?.stop();
    if (windows !== undefined) {
      // Which ops met an injected fault is known only now: the history is written again with it.
      markFaultedOps(ops, windows).forEach((op, i) => (ops[i] = op));
      await writeFile(historyPath, ops.map((op) => `${formatHistoryLine(op)}\n`).join(''));
      await writeFile(join(dir, 'faults.json'), `${JSON.stringify({ windows }, null, 2)}\n`);
      log.out(`faults: ${windows.length} injected one after another, in ${join(dir, 'faults.json')}`);
    }

    const { finals, admin } = await readFinals(run, merchant, vouchers);
    const contract = contractOf(collector);
    await writeContract(dir, contract, run);
    // Without sandbox powers there is no ledger: its replay is reported as not available.
    const ledgerAvailable = run.admin !== undefined;
    // GET /admin/ledger's entries for this run's vouchers, as the sandbox answers them (ledger.json), and read.
    const ledgerJson = (run.admin === undefined ? [] : (await run.admin.ledger()).entries).filter((e) =>
      vouchers.some((v) => e.voucherCode === v.code),
    );
    const ledger = ledgerFromAdminJson(ledgerJson);
    await writeFile(
      join(dir, 'finals.json'),
      `${JSON.stringify({ scenario, seed, vus, signing: signing.report, vouchers, finals, admin }, null, 2)}\n`,
    );
    await writeFile(join(dir, 'ledger.json'), `${JSON.stringify(ledgerJson, null, 2)}\n`);
    // The sandbox's ledger, replayed: a server-side witness of invariant 2 beside the history checker.
    const overReserved = overReservations(ledger);
    await writeFile(
      join(dir, 'ledger-check.json'),
      `${verdictJson({ invariant: 'no-over-reservation', source: 'sandbox ledger replay', valid: ledgerAvailable ? overReserved.length === 0 : 'not available (no sandbox powers)', overReservations: overReserved })}\n`,
    );

    const serviceFee = (code: string) => BigInt(finals.find((f) => f.voucher === code)?.serviceFee ?? '0');
    const judged = judgeHistory({
      ops,
      finals,
      initial: new Map(
        vouchers.map((v) => [v.code, { amount: moneyFromDecimal(v.amount), serviceFee: serviceFee(v.code) }]),
      ),
      ...(ledgerAvailable ? { ledger } : {}),
      otpSource: run.otp !== 'none',
      fixedOtp: run.fixedOtp !== undefined,
    });

    const summary = await readFile(summaryPath, 'utf8').then(
      (text) => JSON.parse(text) as K6Summary,
      () => undefined,
    );
    // An interrupted run may have stopped before k6 started, or before its summary: nothing to add then.
    if (summary === undefined && !k6.interrupted) log.err('load: k6 wrote no summary.json');
    const dashboard = await stat(dashboardPath).then(
      () => dashboardPath,
      () => undefined,
    );
    if (dashboard === undefined && !k6.interrupted)
      log.err('load: k6 exported no dashboard.html (its web dashboard skips runs too short to chart)');
    // 'unknown' (some op had no answer) is not a pass: a person has to look.
    const invariantsHold = overReserved.length === 0 && judged.verdict.valid === true;
    const answers = classifyAnswers(ops);
    await writeFile(
      join(dir, 'verdict.json'),
      `${verdictJson({ signing: signing.report, ...judged.verdict, answers, contract: contractSummary(contract) })}\n`,
    );
    await writeFile(join(dir, 'junit.xml'), judged.junit);
    // 5xx and lost answers with no fault injected are held to the profile's failure rate, as
    // http_req_failed holds them (the faults scenario has no such threshold): never excused as injected.
    const unexplained = answers.server.count + answers.harness.count;
    const answersExplained = unexplained === 0 || unexplained / ops.length < profile.maxFailedRate;

    if (k6.exitCode !== 0 && !k6.interrupted && k6.exitCode !== K6_THRESHOLDS_FAILED)
      throw new HarnessError(
        'K6_FAILED',
        `k6 exited with ${k6.exitCode}: ${tail.slice(-3).join(' | ')}; what was gathered is in ${dir}`,
      );
    const thresholdsFailed = k6.exitCode === K6_THRESHOLDS_FAILED;
    return {
      scenario,
      target:
        fileTarget === undefined ? undefined : { name: fileTarget.config.name, baseUrl: fileTarget.config.baseUrl },
      profile: profile.name,
      seed,
      vus,
      vouchers,
      out: dir,
      history: ops,
      finals,
      ledger,
      ledgerAvailable,
      signing: signing.report,
      faults: windows,
      overReservations: overReserved,
      verdict: judged.verdict,
      answers,
      contract,
      k6: { exitCode: k6.exitCode, interrupted: k6.interrupted, thresholdsFailed, summary },
      invariantsHold,
      answersExplained,
      pass: !k6.interrupted && !thresholdsFailed && invariantsHold && answersExplained && contractHolds(contract),
      headline: summary === undefined ? [] : headline(summary),
      otpBridge:
        run.bridge === undefined
          ? undefined
          : { ...run.bridge.counts, source: fileTarget?.config.otp.source ?? 'unknown' },
    };
  } catch (err) {
    // A step that read an answer failed: what the contract found says why, and is kept.
    const contract = contractOf(collector);
    if (!contractHolds(contract)) await writeContract(dir, contract, run).catch(() => {});
    throw withContract(err, contract);
  } finally {
    await run.close();
  }
}

/** contract.json, through the run's redactor: the exchanges were recorded redacted, and stay so. */
async function writeContract(dir: string, contract: LoadContract, run: RunTarget): Promise<void> {
  await writeFile(join(dir, 'contract.json'), run.target.redactor.redactText(contractFileJson(contract)));
}
