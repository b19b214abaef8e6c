/**
 * Full flows per second (claim → detail → redeem) the bundled steady-flow scenario completes
 * against the embedded sandbox, by where its requests are signed: all pre-signed in Node
 * (--signing presigned), all signed at run time by the load command's signing helper
 * (--signing k6, the default: load/node/signing-helper.ts, in this process), and all signed at run
 * time inside k6's VM (what a distributed run does: lib/secp256k1-signer.ts). The figure that says
 * whether signing at run time caps the flows. The vouchers give a fixed OTP, the one OTP source a
 * corpus can sign redemptions for, so every run sends the same requests and only where they are
 * signed differs.
 * The arrival rate is far above what this machine completes, so the VUs, not the rate, set the
 * pace (k6's dropped_iterations shows it): a short run each, one after the other, a fresh sandbox each.
 */
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { prepareSigning } from '../load/node/signing';
import { formatMoney, HarnessError, parseHistoryLine } from '../lib';
import { flowCorpusPlan } from '../load/corpus-plans';
import { K6_THRESHOLDS_FAILED, streamK6 } from '../load/node/k6-process';
import { flowPlan, LOAD_ENV, type VoucherSpec } from '../load/load-env';
import type { SigningMode } from '../load/request-corpus';
import { startEmbeddedSandbox } from '../suites/embedded-sandbox';
import { SERVICE_FEE } from '../suites/embedded-sandbox';

/** bench/ and dist/ both sit one level under the root, so this holds in dist/bench.js too. */
const BUNDLE = resolve(import.meta.dirname, '..', 'dist', 'load', 'steady-flow.js');
/**
 * Flows started a second: the scenarios' ceiling (load/k6/merchant-flow.ts). At 400 the pre-signed run
 * completed about 395 a second on a quiet machine: the rate, not the machine, capped it, and the ratios
 * to it read high. At 1000 every mode drops flows for want of a VU.
 */
const RATE = 1000;
const SECONDS = 8;
/** Eight times the core count: enough flows in flight to keep k6 and the sandbox busy while others wait on answers. */
const VUS = 16;
const VOUCHERS = 40;
const OTP = '246810';

export interface K6FlowRow {
  /** Where claims and redemptions were signed. */
  signed: string;
  flows: number;
  seconds: number;
  flowsPerSec: number;
  /** Flows k6 could not start for want of a free VU: above 0, the run was saturated. */
  dropped: number;
  /** Time to pre-sign the corpus in Node before k6 starts (0 when signing at run time). */
  corpusMs: number;
}

interface Summary {
  metrics?: Record<string, { values?: Record<string, number> } | undefined>;
  state?: { testRunDurationMs?: number };
}

async function runMode(mode: SigningMode, signer: 'helper' | 'k6'): Promise<K6FlowRow> {
  const dir = await mkdtemp(join(tmpdir(), `omnivas-flows-${mode}-`));
  const sandbox = await startEmbeddedSandbox({ serviceFee: SERVICE_FEE });
  try {
    const plan = flowPlan({ rate: RATE, durationSeconds: SECONDS, vouchers: VOUCHERS });
    const vouchers: VoucherSpec[] = [];
    for (let i = 0; i < VOUCHERS; i++)
      vouchers.push({
        code: (await sandbox.admin.createVoucher({ amount: plan.voucherAmount, fixedOtp: OTP })).code,
        amount: formatMoney(plan.voucherAmount),
      });
    const start = performance.now();
    const signing = await prepareSigning({
      scenario: 'steady-flow',
      mode,
      otp: 'fixed',
      fixedOtp: OTP,
      slots: () => flowCorpusPlan({ vouchers, vus: VUS, seed: 1, fill: 1, flows: plan.iterations }),
      key: sandbox.target.privateKey,
      dir,
      signer,
      redactor: sandbox.target.redactor,
    });
    const corpusMs = mode === 'presigned' ? performance.now() - start : 0;
    const summaryPath = join(dir, 'summary.json');
    const tail: string[] = [];
    let flows = 0;
    const k6 = await streamK6({
      args: ['run', '--quiet', '--log-format=raw', BUNDLE],
      env: {
        [LOAD_ENV.baseUrl]: sandbox.target.config.baseUrl,
        [LOAD_ENV.initiatePath]: sandbox.target.config.initiatePath,
        [LOAD_ENV.otp]: 'fixed',
        [LOAD_ENV.fixedOtp]: OTP,
        [LOAD_ENV.vus]: String(VUS),
        [LOAD_ENV.rate]: String(RATE),
        [LOAD_ENV.durationSeconds]: String(SECONDS),
        [LOAD_ENV.vouchers]: JSON.stringify(vouchers),
        [LOAD_ENV.summaryPath]: summaryPath,
        [LOAD_ENV.apiKey]: sandbox.target.apiKey,
        ...signing.env,
      },
      // A flow is done when its redemption is: one history line with a 200.
      onHistoryLine: (line) => {
        const op = parseHistoryLine(line);
        if (op?.op === 'redeem' && op.status === 200) flows++;
      },
      onOtherLine: (line) => void tail.push(sandbox.target.redactor.redactText(line)),
      timeoutMs: 120_000,
    }).finally(() => signing.close());
    // Saturated runs break the profile's latency thresholds (exit 99): expected here, the rate is the figure.
    if (k6.exitCode !== 0 && k6.exitCode !== K6_THRESHOLDS_FAILED)
      throw new HarnessError(
        'K6_FAILED',
        `k6 run ${BUNDLE} (${signing.description}) exited with ${k6.exitCode}: ${tail.slice(-3).join(' | ')}`,
      );
    const summary = JSON.parse(await readFile(summaryPath, 'utf8')) as Summary;
    const seconds = (summary.state?.testRunDurationMs ?? 0) / 1000;
    const where = mode === 'presigned' ? 'pre-signed in Node' : signer === 'helper' ? 'signing helper' : "k6's VM";
    return {
      signed: `all ${where}`,
      flows,
      seconds: Number(seconds.toFixed(1)),
      flowsPerSec: Math.round(flows / seconds),
      dropped: summary.metrics?.dropped_iterations?.values?.count ?? 0,
      corpusMs: Math.round(corpusMs),
    };
  } finally {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pre-signed, then by the helper, then in k6's VM, back to back (they would share the 2 cores otherwise). */
export async function benchK6Flows(): Promise<K6FlowRow[]> {
  await access(BUNDLE).catch((err: unknown) => {
    throw new HarnessError('K6_FAILED', `${BUNDLE} is missing; run npm run build`, { cause: err });
  });
  return [await runMode('presigned', 'helper'), await runMode('k6', 'helper'), await runMode('k6', 'k6')];
}
