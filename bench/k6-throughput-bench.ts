/**
 * Requests per second k6 reaches against the embedded sandbox in each signing mode: the bundled
 * claim-throughput scenario, VUs claiming back to back for at most 20 s, with its requests signed
 * in k6's VM (not by the signing helper: bench/k6-flow-bench.ts compares that) or taken from a corpus pre-signed in Node (the load command's own preparation,
 * load/node/signing.ts). A fresh sandbox per mode, so neither inherits the other's ledger.
 */
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { prepareSigning } from '../load/node/signing';
import { formatMoney, HarnessError } from '../lib';
import { throughputPlan } from '../load/corpus-plans';
import { streamK6 } from '../load/node/k6-process';
import { LOAD_ENV, type VoucherSpec } from '../load/load-env';
import { SIGNING_MODES, type SigningMode } from '../load/request-corpus';
import { startEmbeddedSandbox } from '../suites/embedded-sandbox';
import { SERVICE_FEE } from '../suites/embedded-sandbox';

/** bench/ and dist/ both sit one level under the root, so this holds in dist/bench.js too. */
const BUNDLE = resolve(import.meta.dirname, '..', 'dist', 'load', 'claim-throughput.js');
/** The core count, and four times it: signing in k6 is CPU-bound and gets slower, not faster, with more VUs. */
const VU_COUNTS = [2, 8] as const;
/** 40 vouchers of 100 units, half a unit per claim: 8,000 claims; the count or the 20 s bound ends a run, whichever comes first. */
const VOUCHERS = 40;
const VOUCHER_AMOUNT = 100_000_000n;

export interface K6ThroughputRow {
  signing: SigningMode;
  vus: number;
  requests: number;
  seconds: number;
  requestsPerSec: number;
  /** Share of claims the sandbox accepted (the rest were refused, cheaper to answer). */
  acceptedShare: number;
  /** Time to pre-sign the corpus in Node, before k6 starts (0 when signing in k6). */
  corpusMs: number;
}

interface Summary {
  metrics?: Record<string, { values?: Record<string, number> } | undefined>;
  state?: { testRunDurationMs?: number };
}

async function runMode(mode: SigningMode, vus: number): Promise<K6ThroughputRow> {
  const dir = await mkdtemp(join(tmpdir(), `omnivas-throughput-${mode}-`));
  const sandbox = await startEmbeddedSandbox({ serviceFee: SERVICE_FEE });
  try {
    const vouchers: VoucherSpec[] = [];
    for (let i = 0; i < VOUCHERS; i++)
      vouchers.push({
        code: (await sandbox.admin.createVoucher({ amount: VOUCHER_AMOUNT })).code,
        amount: formatMoney(VOUCHER_AMOUNT),
      });
    const start = performance.now();
    const signing = await prepareSigning({
      scenario: 'claim-throughput',
      mode,
      otp: 'none',
      fixedOtp: undefined,
      slots: () => throughputPlan(vouchers),
      key: sandbox.target.privateKey,
      dir,
      // k6's own signing, the figure this bench is for (bench/k6-flow-bench.ts has the helper's).
      signer: 'k6',
    });
    const corpusMs = mode === 'presigned' ? performance.now() - start : 0;
    const summaryPath = join(dir, 'summary.json');
    const tail: string[] = [];
    const k6 = await streamK6({
      args: ['run', '--quiet', '--log-format=raw', BUNDLE],
      env: {
        [LOAD_ENV.baseUrl]: sandbox.target.config.baseUrl,
        [LOAD_ENV.initiatePath]: sandbox.target.config.initiatePath,
        [LOAD_ENV.otp]: 'none',
        [LOAD_ENV.vus]: String(vus),
        [LOAD_ENV.vouchers]: JSON.stringify(vouchers),
        [LOAD_ENV.summaryPath]: summaryPath,
        [LOAD_ENV.apiKey]: sandbox.target.apiKey,
        ...signing.env,
      },
      onHistoryLine: () => undefined,
      onOtherLine: (line) => void tail.push(sandbox.target.redactor.redactText(line)),
      timeoutMs: 120_000,
    }).finally(() => signing.close());
    if (k6.exitCode !== 0)
      throw new HarnessError(
        'K6_FAILED',
        `k6 run ${BUNDLE} (${mode}) exited with ${k6.exitCode}: ${tail.slice(-3).join(' | ')}`,
      );
    const summary = JSON.parse(await readFile(summaryPath, 'utf8')) as Summary;
    // Claims only (k6's iterations): the one login of setup() is not the load.
    const requests = summary.metrics?.iterations?.values?.count ?? 0;
    const seconds = (summary.state?.testRunDurationMs ?? 0) / 1000;
    return {
      signing: mode,
      vus,
      requests,
      seconds: Number(seconds.toFixed(1)),
      requestsPerSec: Math.round(requests / seconds),
      acceptedShare: Number((summary.metrics?.claims_accepted?.values?.rate ?? 0).toFixed(3)),
      corpusMs: Math.round(corpusMs),
    };
  } finally {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** One row per VU count and signing mode, one run after another (they would share the 2 cores otherwise). */
export async function benchK6Throughput(): Promise<K6ThroughputRow[]> {
  await access(BUNDLE).catch((err: unknown) => {
    throw new HarnessError('K6_FAILED', `${BUNDLE} is missing; run npm run build`, { cause: err });
  });
  const rows: K6ThroughputRow[] = [];
  for (const vus of VU_COUNTS) for (const mode of SIGNING_MODES) rows.push(await runMode(mode, vus));
  return rows;
}
