/**
 * `load`: runs a bundled k6 scenario (load/*.scenario.ts) against the embedded sandbox, or a
 * loopback target file, and judges what happened. It provisions the vouchers, runs k6 with its
 * progress shown, collects the history lines k6 prints into DIR/history.jsonl, reads the final
 * voucher states and the sandbox ledger, runs the history checker, and writes
 * DIR/summary.json (k6's), DIR/dashboard.html, DIR/finals.json, DIR/verdict.json, DIR/junit.xml,
 * and with --signing presigned DIR/corpus.json, pre-signed before k6 starts (cli/load-signing.ts).
 * For the faults scenario it injects faults meanwhile (load/fault-schedule.ts, DIR/faults.json);
 * for the http and command OTP sources it answers k6 through an OTP bridge (load/otp-bridge.ts).
 * Exit 1 when a threshold or an invariant fails. Loopback only (CONTRIBUTING.md › Only this machine).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  boundedVus,
  durationSeconds,
  MAX_RUN_SECONDS,
  profileNamed,
  type LoadProfile,
  type ProfileName,
} from '../k6.config';
import { HarnessError } from '../lib/errors';
import type { FinalVoucherState, HistoryOp } from '../lib/history';
import { formatHistoryLine, parseHistoryLine } from '../lib/history';
import { formatMoney, moneyFromDecimal } from '../lib/money';
import type { Micro } from '../lib/money';
import { createMerchantClient } from '../lib/node/http-client';
import { otpFetcher } from '../lib/node/otp-source';
import { createSandboxAdminClient } from '../lib/node/sandbox-admin-client';
import type { SandboxAdminClient } from '../lib/node/sandbox-admin-client';
import { loadTargetFile } from '../lib/node/target-file';
import { voucherBalanceOf } from '../lib/node/voucher-balance';
import type { ResolvedTarget } from '../lib/node/target-file';
import { isLoopbackUrl } from '../lib/target-config';
import { judgeHistory, verdictJson } from '../load/history-verdict';
import { markFaultedOps, scheduleFaults } from '../load/fault-schedule';
import { K6_THRESHOLDS_FAILED, streamK6 } from '../load/k6-process';
import { overReservations, type LedgerEntry } from '../load/ledger-replay';
import {
  FLOW_ALLOWANCE,
  flowPlan,
  LOAD_ENV,
  TOKEN_RENEW_MAX_S,
  type OtpMode,
  type VoucherSpec,
} from '../load/load-env';
import { newBridgeToken, startOtpBridge, type OtpBridge } from '../load/otp-bridge';
import { provisionSecondMerchant } from '../load/second-merchant';
import { CORPUS_PLANS } from '../load/corpus-plans';
import { classifyAnswers, describeAnswers } from '../reports/history-answers';
import { buildLoadBundles, scenarioEntries } from '../scripts/build-load';
import { findK6 } from '../scripts/k6-bin';
import { startEmbeddedSandbox } from '../suites/embedded-sandbox';
import { SERVICE_FEE } from '../suites/session';
import { emitK8sRun } from './load-emit-k8s';
import { prepareSigning, signingModeFor } from './load-signing';
import { seedOption, wholeNumber } from './options';
import type { CommandIo } from './run-command';
import { EXIT } from './run-command';

/** The package root: cli/ in source, dist/ when built; both one level down. */
const ROOT = resolve(import.meta.dirname, '..');

interface ScenarioSpec {
  readonly defaultVouchers: number;
  /** What each voucher holds; for a flow scenario, per flow it gets (load/load-env.ts flowPlan). */
  readonly voucherAmount: Micro;
  /** An open-model flow scenario (load/merchant-flow.ts); faults: the sandbox injects faults during it. */
  readonly flow?: { readonly faults: boolean };
  /** The profile when --profile is not given (smoke otherwise). */
  readonly profile?: ProfileName;
}

/** The scenarios this command runs, and what each provisions. */
export const LOAD_SCENARIOS = {
  'same-voucher-burst': { defaultVouchers: 3, voucherAmount: 100_000_000n },
  'idempotency-storm': { defaultVouchers: 3, voucherAmount: 100_000_000n },
  'steady-flow': { defaultVouchers: 10, voucherAmount: FLOW_ALLOWANCE, flow: { faults: false } },
  soak: { defaultVouchers: 10, voucherAmount: FLOW_ALLOWANCE, flow: { faults: false }, profile: 'soak' },
  faults: { defaultVouchers: 10, voucherAmount: FLOW_ALLOWANCE, flow: { faults: true } },
} as const satisfies Record<string, ScenarioSpec>;
export type LoadScenario = keyof typeof LOAD_SCENARIOS;

const MAX_VOUCHERS = 100;

export interface LoadOptions {
  scenario: string;
  profile?: string;
  target?: string;
  out: string;
  vus?: string;
  vouchers?: string;
  seed?: string;
  fill?: string;
  defect?: string[];
  /** Flow scenarios: how long flows arrive ("90s", "10m"), instead of the profile's duration. */
  duration?: string;
  /** Flow scenarios: seconds after which a VU logs in again (at most 240; shorter shows renewal in a short run). */
  renewTokenAfter?: string;
  /** k6 (default) or presigned: cli/load-signing.ts. */
  signing?: string;
  /** Write manifests for the k6 operator into this folder instead of running (cli/load-emit-k8s.ts). */
  emitK8s?: string;
  parallelism?: string;
  vouchersFile?: string;
  /** --allow-otp-command: let the target file's OTP command run. */
  allowOtpCommand?: boolean;
}

function scenarioNamed(name: string): LoadScenario {
  if (name in LOAD_SCENARIOS) return name as LoadScenario;
  throw new HarnessError(
    'INVALID_ARGUMENT',
    `--scenario: unknown ${JSON.stringify(name)}; choose from ${Object.keys(LOAD_SCENARIOS).join(', ')}`,
  );
}

function fillOf(text: string | undefined): string {
  if (text === undefined) return '1';
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0 && n <= 100))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--fill expected a number above 0 and at most 100 (how many times the balance a burst's claims ask for on average), got ${JSON.stringify(text)}`,
    );
  return text;
}

/** The rate, duration, token renewal and voucher sizing of a flow scenario, and the variables that tell k6. */
function flowSettings(options: LoadOptions, profile: LoadProfile, vouchers: number) {
  const seconds = durationSeconds(options.duration ?? profile.duration);
  if (seconds < 1 || seconds > MAX_RUN_SECONDS)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--duration expected from 1s to ${MAX_RUN_SECONDS / 60}m, got ${JSON.stringify(options.duration)}`,
    );
  const renew = wholeNumber(options.renewTokenAfter, '--renew-token-after', 1, TOKEN_RENEW_MAX_S) ?? TOKEN_RENEW_MAX_S;
  const plan = flowPlan({ rate: profile.rate, durationSeconds: seconds, vouchers });
  const env = {
    [LOAD_ENV.rate]: String(profile.rate),
    [LOAD_ENV.durationSeconds]: String(seconds),
    [LOAD_ENV.tokenRenewSeconds]: String(renew),
  };
  return { rate: profile.rate, seconds, renew, plan, env };
}

/** The newest modification time among the files a bundle is made of. */
async function newestSource(): Promise<number> {
  const dirs = ['load', 'lib'].map((d) => join(ROOT, d));
  const files = [
    join(ROOT, 'k6.config.ts'),
    ...(
      await Promise.all(
        dirs.map(async (d) => (await readdir(d)).filter((f) => f.endsWith('.ts')).map((f) => join(d, f))),
      )
    ).flat(),
  ];
  const times = await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs));
  return Math.max(...times);
}

/** dist/load/NAME.js, bundled again when a source is newer (npm run build does the same for all). */
async function ensureBundle(name: LoadScenario, io: CommandIo): Promise<string> {
  const bundle = join(ROOT, 'dist', 'load', `${name}.js`);
  const built = await stat(bundle).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
  const sourcesPresent = await stat(join(ROOT, 'load')).then(
    () => true,
    () => false,
  );
  if (!sourcesPresent) {
    if (built === undefined)
      throw new HarnessError(
        'K6_FAILED',
        `${bundle} is missing and the sources are not here to build it; run npm run build in the harness checkout`,
      );
    return bundle;
  }
  if (built !== undefined && built >= (await newestSource())) return bundle;
  const entry = (await scenarioEntries())[name];
  if (entry === undefined) throw new HarnessError('INTERNAL', `load/${name}.scenario.ts is missing`);
  io.out(`load: bundling load/${name}.scenario.ts (npm run build bundles every scenario)`);
  await buildLoadBundles({ entryPoints: { [name]: entry } });
  return bundle;
}

interface RunTarget {
  readonly target: ResolvedTarget;
  readonly admin: SandboxAdminClient;
  readonly adminUrl: string;
  readonly adminToken: string;
  readonly otp: OtpMode;
  readonly fixedOtp: string | undefined;
  /** For the http and command OTP sources, which k6 cannot reach itself. */
  readonly bridge: OtpBridge | undefined;
  readonly close: () => Promise<void>;
}

/** A target file, refused unless it is a loopback merchant-v1 sandbox with admin powers. */
async function loadLoopbackTarget(
  path: string,
  io: CommandIo,
  allowOtpCommand: boolean,
): Promise<ResolvedTarget & { adminUrl: string; adminToken: string }> {
  const target = await loadTargetFile(path, process.env, { allowOtpCommand });
  for (const warning of target.warnings) io.err(warning);
  const { config } = target;
  for (const [field, url] of [
    ['baseUrl', config.baseUrl],
    ['sandbox.adminUrl', config.sandbox?.adminUrl],
  ] as const) {
    if (url !== undefined && !isLoopbackUrl(url))
      throw new HarnessError(
        'NOT_LOOPBACK',
        `"${field}" in ${path} is ${url}, not this machine; load runs target loopback only (127.0.0.1, localhost, ::1)`,
      );
  }
  if (config.profile !== 'merchant-v1')
    throw new HarnessError(
      'CONFIG_INVALID',
      `"profile" in ${path} is ${config.profile}; the load scenarios speak merchant-v1`,
    );
  const adminUrl = config.sandbox?.adminUrl;
  if (adminUrl === undefined || target.adminToken === undefined) {
    throw new HarnessError(
      'CONFIG_INVALID',
      `load needs a sandbox target with admin powers to provision vouchers and read the ledger: set "sandbox.adminUrl" and "sandbox.adminTokenEnv" in ${path}`,
    );
  }
  return { ...target, adminUrl, adminToken: target.adminToken };
}

async function openTarget(
  fileTarget: Awaited<ReturnType<typeof loadLoopbackTarget>> | undefined,
  options: LoadOptions,
  seed: number,
  io: CommandIo,
): Promise<RunTarget> {
  if (fileTarget === undefined) {
    const embedded = await startEmbeddedSandbox({ defects: options.defect, seed, serviceFee: SERVICE_FEE });
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
  const admin = createSandboxAdminClient({ adminUrl: fileTarget.adminUrl, adminToken: fileTarget.adminToken });
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
          onFailure: io.err,
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

/** The run merchant's client, as the command itself reads voucher details. */
function merchantClientOf(run: RunTarget) {
  return createMerchantClient({
    baseUrl: run.target.config.baseUrl,
    apiKey: run.target.apiKey,
    privateKey: run.target.privateKey,
    redactor: run.target.redactor,
  });
}

/** The service fee the target charges the run merchant, as a voucher's detail shows it. */
async function serviceFeeOf(run: RunTarget, voucher: VoucherSpec): Promise<Micro> {
  return voucherBalanceOf(await merchantClientOf(run).voucherDetail(voucher.code), voucher.code).serviceFee;
}

/** The final state of each voucher from the merchant's detail endpoint, and the admin view beside it. */
async function readFinals(
  run: RunTarget,
  vouchers: readonly VoucherSpec[],
): Promise<{ finals: FinalVoucherState[]; admin: unknown[] }> {
  const client = merchantClientOf(run);
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
    admin.push(await run.admin.voucher(code));
  }
  return { finals, admin };
}

/** The headline figures of k6's summary: requests, their rate, latency by endpoint, and how well the bursts were aligned. */
function headline(summaryText: string): string[] {
  const summary = JSON.parse(summaryText) as {
    metrics?: Record<string, { values?: Record<string, number> }>;
    state?: { testRunDurationMs?: number };
  };
  const metrics = summary.metrics ?? {};
  const lines: string[] = [];
  const reqs = metrics.http_reqs?.values;
  if (reqs) lines.push(`requests: ${reqs.count} at ${reqs.rate?.toFixed(1)}/s over the whole run`);
  for (const [name, metric] of Object.entries(metrics)) {
    const m = /^http_req_duration\{endpoint:(.+)\}$/.exec(name);
    if (m && metric.values && (metric.values['max'] ?? 0) > 0)
      lines.push(
        `  ${m[1]}: p95 ${metric.values['p(95)']?.toFixed(1)} ms, p99 ${metric.values['p(99)']?.toFixed(1)} ms`,
      );
  }
  const skew = metrics.burst_start_skew_ms?.values;
  if (skew)
    lines.push(
      `burst alignment: claims left ${skew.med?.toFixed(1)} ms (median), ${skew.max?.toFixed(1)} ms (max) after their instant`,
    );
  // load/signed-requests.ts counts where each signature came from (absent: the scenario signs by itself).
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

export async function loadCommand(options: LoadOptions, io: CommandIo): Promise<number> {
  const scenario = scenarioNamed(options.scenario);
  const spec: ScenarioSpec = LOAD_SCENARIOS[scenario];
  const profile = profileNamed(options.profile ?? spec.profile);
  const vus = boundedVus(options.vus, scenario === 'same-voucher-burst' ? 50 : profile.vus, '--vus');
  const voucherCount = wholeNumber(options.vouchers, '--vouchers', 1, MAX_VOUCHERS) ?? spec.defaultVouchers;
  const seed = seedOption(options.seed);
  const fill = fillOf(options.fill);
  if (spec.flow === undefined && (options.duration !== undefined || options.renewTokenAfter !== undefined))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--duration and --renew-token-after apply to the flow scenarios (steady-flow, soak, faults), not ${scenario}`,
    );
  const flow = spec.flow === undefined ? undefined : flowSettings(options, profile, voucherCount);
  const signingMode = signingModeFor(scenario, options.signing);
  if (options.emitK8s !== undefined) {
    if (signingMode === 'presigned')
      throw new HarnessError(
        'INVALID_ARGUMENT',
        '--signing presigned writes its corpus on this machine just before k6 starts; --emit-k8s runs k6 elsewhere: use --signing k6 with it',
      );
    const parallelism = wholeNumber(options.parallelism, '--parallelism', 1, 100) ?? 2;
    return emitK8sRun(
      {
        dir: options.emitK8s,
        scenario,
        bundlePath: await ensureBundle(scenario, io),
        target: options.target,
        vouchersFile: options.vouchersFile,
        parallelism,
        vus,
        seed,
        fill,
        profile: profile.name,
      },
      io,
    );
  }
  if (options.target !== undefined && (options.defect?.length ?? 0) > 0)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      '--defect switches on seeded defects in the embedded sandbox; it cannot be used with --target',
    );
  const fileTarget =
    options.target === undefined
      ? undefined
      : await loadLoopbackTarget(options.target, io, options.allowOtpCommand === true);
  await findK6(); // before anything starts: a missing k6 says to run npm run k6:install
  const bundle = await ensureBundle(scenario, io);
  const dir = resolve(options.out);
  await mkdir(dir, { recursive: true });

  const run = await openTarget(fileTarget, options, seed, io);
  try {
    const vouchers = await provisionVouchers(run.admin, voucherCount, flow?.plan.voucherAmount ?? spec.voucherAmount);
    // The storm shows keys scoped per merchant with a second merchant, charged the run merchant's fee.
    const secondMerchantEnv =
      scenario === 'idempotency-storm'
        ? await provisionSecondMerchant(run.admin, await serviceFeeOf(run, vouchers[0]!), run.target.redactor)
        : {};
    const signing = await prepareSigning({
      scenario,
      mode: signingMode,
      otp: run.otp,
      fixedOtp: run.fixedOtp,
      slots: () =>
        CORPUS_PLANS[scenario]!({ vouchers, vus, seed, fill: Number(fill), flows: flow?.plan.iterations ?? 0 }),
      key: run.target.privateKey,
      dir,
    });
    if (flow !== undefined)
      io.out(
        `load: ${flow.rate} flows/s for ${flow.seconds} s (at most ${flow.plan.iterations} flows, ${flow.plan.flowsPerVoucher} per voucher), tokens renewed after ${flow.renew} s${spec.flow?.faults ? '; faults injected one at a time (load/fault-schedule.ts)' : ''}`,
      );
    io.out(
      `load: ${scenario}, profile ${profile.name}, ${vus} VUs × ${vouchers.length} vouchers, seed ${seed}, against ${run.target.config.baseUrl}; OTPs: ${run.otp}; ${signing.description}${options.defect?.length ? `; defects ${options.defect.join(', ')}` : ''}`,
    );
    const summaryPath = join(dir, 'summary.json');
    const dashboardPath = join(dir, 'dashboard.html');
    const historyPath = join(dir, 'history.jsonl');
    const history = createWriteStream(historyPath);
    const ops: HistoryOp[] = [];
    const tail: string[] = [];
    const faults = spec.flow?.faults ? scheduleFaults(run.admin, seed) : undefined;
    const k6 = await streamK6({
      args: ['run', '--log-format=raw', bundle],
      env: {
        [LOAD_ENV.baseUrl]: run.target.config.baseUrl,
        [LOAD_ENV.adminUrl]: run.adminUrl,
        [LOAD_ENV.initiatePath]: run.target.config.initiatePath,
        [LOAD_ENV.otp]: run.otp,
        ...(run.fixedOtp === undefined ? {} : { [LOAD_ENV.fixedOtp]: run.fixedOtp }),
        [LOAD_ENV.runner]: 'k6-0',
        [LOAD_ENV.seed]: String(seed),
        [LOAD_ENV.vus]: String(vus),
        [LOAD_ENV.profile]: profile.name,
        [LOAD_ENV.vouchers]: JSON.stringify(vouchers),
        [LOAD_ENV.fill]: fill,
        [LOAD_ENV.summaryPath]: summaryPath,
        [LOAD_ENV.apiKey]: run.target.apiKey,
        ...signing.env,
        [LOAD_ENV.adminToken]: run.adminToken,
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
        io.err(clean);
      },
      timeoutMs: 35 * 60_000,
    }).finally(() => faults?.stop());
    await new Promise<void>((done) => history.end(done));
    const windows = await faults?.stop();
    if (windows !== undefined) {
      // Which ops met an injected fault is known only now: the history is written again with it.
      markFaultedOps(ops, windows).forEach((op, i) => (ops[i] = op));
      await writeFile(historyPath, ops.map((op) => `${formatHistoryLine(op)}\n`).join(''));
      await writeFile(join(dir, 'faults.json'), `${JSON.stringify({ windows }, null, 2)}\n`);
      io.out(`faults: ${windows.length} injected one after another, in ${join(dir, 'faults.json')}`);
    }

    const { finals, admin } = await readFinals(run, vouchers);
    const ledger = (await run.admin.ledger()).entries.filter((e) =>
      vouchers.some((v) => e.voucherCode === v.code),
    ) as unknown as LedgerEntry[];
    await writeFile(
      join(dir, 'finals.json'),
      `${JSON.stringify({ scenario, seed, vus, signing: signing.report, vouchers, finals, admin }, null, 2)}\n`,
    );
    await writeFile(join(dir, 'ledger.json'), `${JSON.stringify(ledger, null, 2)}\n`);
    // The sandbox's ledger, replayed: a server-side witness of invariant 2 beside the history checker.
    const overReserved = overReservations(ledger);
    await writeFile(
      join(dir, 'ledger-check.json'),
      `${verdictJson({ invariant: 'no-over-reservation', source: 'sandbox ledger replay', valid: overReserved.length === 0, overReservations: overReserved })}\n`,
    );

    const serviceFee = (code: string) => BigInt(finals.find((f) => f.voucher === code)?.serviceFee ?? '0');
    const judged = judgeHistory({
      ops,
      finals,
      initial: new Map(
        vouchers.map((v) => [v.code, { amount: moneyFromDecimal(v.amount), serviceFee: serviceFee(v.code) }]),
      ),
      ledger,
      otpSource: run.otp !== 'none',
      fixedOtp: run.fixedOtp !== undefined,
    });

    const summaryText = await readFile(summaryPath, 'utf8').catch(() => undefined);
    if (summaryText !== undefined) for (const line of headline(summaryText)) io.out(line);
    else io.err('load: k6 wrote no summary.json');
    const dashboard = await stat(dashboardPath).then(
      () => dashboardPath,
      () => undefined,
    );
    if (dashboard === undefined)
      io.err('load: k6 exported no dashboard.html (its web dashboard skips runs too short to chart)');
    io.out(`history: ${ops.length} operations in ${historyPath}`);
    if (run.bridge !== undefined)
      io.out(
        `OTP bridge: ${run.bridge.counts.answered} OTPs answered, ${run.bridge.counts.failed} not found by the ${fileTarget?.config.otp.source} source`,
      );

    let invariantsHold = overReserved.length === 0;
    for (const o of overReserved.slice(0, 5))
      io.out(
        `  ledger: voucher ${o.voucher} reserved ${formatMoney(o.reserved)} of a remaining ${formatMoney(o.remaining)} after ledger entry ${o.seq} (claim ${o.claimId ?? '?'})`,
      );
    io.out(
      `ledger replay (no over-reservation): ${overReserved.length === 0 ? 'holds' : `broken at ${overReserved.length} point(s)`}`,
    );
    // 'unknown' (some op had no answer) is not a pass: a person has to look.
    invariantsHold &&= judged.verdict.valid === true;
    const answers = classifyAnswers(ops);
    await writeFile(
      join(dir, 'verdict.json'),
      `${verdictJson({ signing: signing.report, ...judged.verdict, answers })}\n`,
    );
    await writeFile(join(dir, 'junit.xml'), judged.junit);
    io.out(
      `history checker: ${judged.verdict.valid === true ? 'invariants hold' : judged.verdict.valid === 'unknown' ? 'undetermined (see verdict.json)' : `${judged.verdict.violations.length} violation(s)`}`,
    );
    for (const v of judged.verdict.violations.slice(0, 10)) io.out(`  ${v.invariant} on ${v.voucher}: ${v.message}`);
    io.out(describeAnswers(answers));
    // 5xx and lost answers with no fault injected are held to the profile's failure rate, as
    // http_req_failed holds them (the faults scenario has no such threshold): never excused as injected.
    const unexplained = answers.server.count + answers.harness.count;
    const answersExplained = unexplained === 0 || unexplained / ops.length < profile.maxFailedRate;

    if (k6.interrupted) {
      io.out(`INTERRUPTED: what was gathered is in ${dir}`);
      return EXIT.verdictFailed;
    }
    const thresholdsFailed = k6.exitCode === K6_THRESHOLDS_FAILED;
    if (k6.exitCode !== 0 && !thresholdsFailed)
      throw new HarnessError(
        'K6_FAILED',
        `k6 exited with ${k6.exitCode}: ${tail.slice(-3).join(' | ')}; what was gathered is in ${dir}`,
      );
    const pass = !thresholdsFailed && invariantsHold && answersExplained;
    io.out(
      `${pass ? 'PASS' : 'FAIL'}: thresholds ${thresholdsFailed ? 'failed' : 'passed'}; invariants ${invariantsHold ? 'hold' : 'broken'}; ${unexplained} of ${ops.length} operations failed with no fault injected (${answersExplained ? 'within' : 'beyond'} the profile's ${profile.maxFailedRate * 100}%); reports in ${dir}`,
    );
    return pass ? EXIT.ok : EXIT.verdictFailed;
  } finally {
    await run.close();
  }
}
