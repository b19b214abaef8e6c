/**
 * The contract between the load command (Node) and the scenarios (k6): the names of the variables
 * it sets, and the pure arithmetic both sides need (burst timing, claim amounts). Secrets travel
 * in the k6 process environment, never on its command line, so `ps` does not show them.
 */
import { HarnessError, randomBelow, seededRandom, type Micro } from '../lib';

export const LOAD_ENV = {
  baseUrl: 'OMNIVAS_BASE_URL',
  adminUrl: 'OMNIVAS_ADMIN_URL',
  initiatePath: 'OMNIVAS_INITIATE_PATH',
  otp: 'OMNIVAS_OTP_SOURCE',
  fixedOtp: 'OMNIVAS_FIXED_OTP',
  runner: 'RUNNER',
  seed: 'SEED',
  vus: 'VUS',
  profile: 'PROFILE',
  vouchers: 'VOUCHERS',
  /** How much the claims of one burst ask for, as a multiple of the voucher's amount on average. */
  fill: 'FILL',
  summaryPath: 'OMNIVAS_SUMMARY_PATH',
  /** The target file's p95 budgets by endpoint tag, as JSON (k6.config.ts p95BudgetsOf); unset: the profile's. */
  latencyP95Ms: 'OMNIVAS_LATENCY_P95_MS',
  /** Open-model scenarios (steady flow, soak, faults): iterations started per second, and for how many seconds. */
  rate: 'RATE',
  durationSeconds: 'DURATION_S',
  /** Seconds after which a VU logs in again; at most TOKEN_RENEW_MAX_S (tokens live 300 s). */
  tokenRenewSeconds: 'OMNIVAS_TOKEN_RENEW_S',
  /** The load command's OTP bridge (load/node/otp-bridge.ts) for the http and command OTP sources. */
  otpBridgeUrl: 'OMNIVAS_OTP_BRIDGE_URL',
  /** k6 or presigned (load/request-corpus.ts), and the corpus file presigned mode reads. */
  signing: 'OMNIVAS_SIGNING',
  corpusPath: 'OMNIVAS_CORPUS_PATH',
  /** The load command's signing helper (load/signing-helper.ts): k6 asks it for what it signs at run time. */
  signerUrl: 'OMNIVAS_SIGNER_URL',
  // secrets: process environment only
  apiKey: 'OMNIVAS_API_KEY',
  privateKey: 'OMNIVAS_PRIVATE_KEY',
  adminToken: 'OMNIVAS_ADMIN_TOKEN',
  otpBridgeToken: 'OMNIVAS_OTP_BRIDGE_TOKEN',
  signerToken: 'OMNIVAS_SIGNER_TOKEN',
  /** The storm's second merchant (keys are scoped to their merchant). */
  secondApiKey: 'OMNIVAS_SECOND_API_KEY',
  secondPrivateKey: 'OMNIVAS_SECOND_PRIVATE_KEY',
} as const;

/** bridge: the target's http or command source, asked by the load command on k6's behalf (load/node/otp-bridge.ts). */
export type OtpMode = 'sandbox-outbox' | 'fixed' | 'bridge' | 'none';

export interface VoucherSpec {
  readonly code: string;
  /** The amount the voucher was issued with, as the API's 6-place decimal string. */
  readonly amount: string;
}

/**
 * Time between two bursts: enough for every VU to redeem and sign its next claim before the next
 * instant. A burst costs up to two secp256k1 signatures per VU (25–50 ms each in k6's VM) on cores
 * shared with the sandbox and whatever else runs: at 50 ms per VU, 50-VU bursts on a busy machine
 * left seconds late (the previous redemptions and signatures were still running), and a late,
 * spread burst gives the check-then-act race nothing to catch.
 */
export function roundGapMs(vus: number): number {
  return Math.max(2000, vus * 160);
}

/** How long setup() leaves before the first burst: every VU must be past its signing and asleep. */
export function leadMs(vus: number): number {
  return Math.max(2000, vus * 80);
}

/**
 * The claim amount of VU `vu` (1-based) in burst `round` on a voucher of `balance`: whole units
 * drawn from a seeded source so that on average the N claims ask for `fill` times the balance
 * (at fill 1, Σ exceeds the balance in about half the bursts), plus `vu` micro-units so that every
 * claim of a burst has its own amount (the OTP SMS is found by it). Replays exactly for one seed.
 */
export function burstAmount(options: {
  seed: number;
  round: number;
  vu: number;
  vus: number;
  balance: Micro;
  fill: number;
}): Micro {
  const { seed, round, vu, vus, balance, fill } = options;
  if (!(fill > 0 && fill <= 100))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"${LOAD_ENV.fill}" expected a number above 0 and at most 100, got ${fill}`,
    );
  const units = Number(balance / 1_000_000n);
  const maxUnits = Math.max(1, Math.floor((2 * fill * units) / vus));
  const random = seededRandom((seed * 7919 + round * 104_729 + vu * 1_299_709) >>> 0);
  return BigInt(1 + randomBelow(random, maxUnits)) * 1_000_000n + BigInt(vu);
}

/** Tokens live 300 s (Authentication › Step 4): renewing after 240 s leaves a minute for the flow in flight. */
export const TOKEN_RENEW_MAX_S = 240;

/**
 * What one steady flow may take from its voucher: its claim (below 2 units, flowAmount) and a
 * service fee of up to 2 units. Vouchers are provisioned with this much per flow, so a correct
 * server never refuses a flow's claim for want of balance (invariant 3 then has teeth).
 */
export const FLOW_ALLOWANCE: Micro = 4_000_000n;

/** At most this many flows per run: flowAmount stays below 2 units. */
const MAX_FLOWS = 1_000_000;

export interface FlowPlan {
  /** The most iterations the constant-arrival-rate executor can start (one second of slack). */
  readonly iterations: number;
  readonly flowsPerVoucher: number;
  readonly voucherAmount: Micro;
}

/** How many flows a run starts and how much each of its `vouchers` must hold for them; iteration i uses voucher i mod vouchers. */
export function flowPlan(options: { rate: number; durationSeconds: number; vouchers: number }): FlowPlan {
  const { rate, durationSeconds, vouchers } = options;
  const iterations = rate * (durationSeconds + 1);
  if (!(iterations < MAX_FLOWS))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `a steady flow of ${rate}/s for ${durationSeconds} s starts ${iterations} flows, above ${MAX_FLOWS}; shorten --duration`,
    );
  const flowsPerVoucher = Math.ceil(iterations / vouchers);
  return { iterations, flowsPerVoucher, voucherAmount: BigInt(flowsPerVoucher) * FLOW_ALLOWANCE };
}

/** The claim of flow `iteration` (0-based over the run): 1 unit plus the iteration in micro-units, unique so its OTP SMS is found by it. */
export function flowAmount(iteration: number): Micro {
  return 1_000_000n + BigInt(iteration);
}
