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
  // secrets: process environment only
  apiKey: 'OMNIVAS_API_KEY',
  privateKey: 'OMNIVAS_PRIVATE_KEY',
  adminToken: 'OMNIVAS_ADMIN_TOKEN',
} as const;

export type OtpMode = 'sandbox-outbox' | 'fixed' | 'none';

export interface VoucherSpec {
  readonly code: string;
  /** The amount the voucher was issued with, as the API's 6-place decimal string. */
  readonly amount: string;
}

/** Time between two bursts: enough for every VU to sign its claim and redemption (~40–90 secp256k1 signs/s per VU, 2 cores shared). */
export function roundGapMs(vus: number): number {
  return Math.max(2000, vus * 50);
}

/** How long setup() leaves before the first burst: every VU must be past its signing and asleep. */
export function leadMs(vus: number): number {
  return Math.max(2000, vus * 40);
}

/**
 * The claim amount of VU `vu` (1-based) in burst `round` on a voucher of `balance`: whole units
 * drawn from a seeded source so that on average the N claims ask for `fill` times the balance
 * (at fill 1, Σ exceeds the balance in about half the bursts), plus `vu` micro-units so that every
 * claim of a burst has its own amount (the OTP SMS is found by it). Replays exactly for one seed.
 */
export function burstAmount(options: { seed: number; round: number; vu: number; vus: number; balance: Micro; fill: number }): Micro {
  const { seed, round, vu, vus, balance, fill } = options;
  if (!(fill > 0 && fill <= 100)) throw new HarnessError('INVALID_ARGUMENT', `"${LOAD_ENV.fill}" expected a number above 0 and at most 100, got ${fill}`);
  const units = Number(balance / 1_000_000n);
  const maxUnits = Math.max(1, Math.floor((2 * fill * units) / vus));
  const random = seededRandom((seed * 7919 + round * 104_729 + vu * 1_299_709) >>> 0);
  return BigInt(1 + randomBelow(random, maxUnits)) * 1_000_000n + BigInt(vu);
}
