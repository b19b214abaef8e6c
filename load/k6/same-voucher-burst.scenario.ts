/**
 * Same-voucher burst (issue 5, scenario 1): N VUs (VUS, default 50, at most 1000) claim the SAME
 * voucher at the same instant, one burst per voucher in VOUCHERS. setup() logs in once (the token
 * is shared) and picks the start instant; each VU signs its claim first, then sleeps until its
 * burst's instant, so the requests leave together. Amounts come from a seeded source (SEED, FILL:
 * load/load-env.ts burstAmount) so Σ sometimes exceeds the balance. Claims that succeed are then
 * redeemed with their OTP (OMNIVAS_OTP_SOURCE: sandbox outbox, fixed, or none → stop at the claim).
 * Every request is one history line for the checker (docs/design.md › Invariants the load scenarios check).
 * Signing (OMNIVAS_SIGNING, load/k6/signed-requests.ts): in k6, one signature per claim and per
 * redemption; presigned, claims come from the corpus (and redemptions too with a fixed OTP).
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { boundedMaxDuration, profileNamed, thresholdsFor } from '../../k6.config';
import { boundedVus } from './settings';
import { burstSlot, type PlanInput } from '../corpus-plans';
import {
  checkClaim,
  checkRedeem,
  currentToken,
  login,
  otpFor,
  readSettings,
  record,
  send,
  sleepUntilWarm,
  summaryFiles,
} from './k6-merchant';
import { leadMs, LOAD_ENV, roundGapMs } from '../load-env';
import { openRequestSigner } from './signed-requests';

const settings = readSettings();
const profile = profileNamed(__ENV[LOAD_ENV.profile]);
const VUS = boundedVus(__ENV[LOAD_ENV.vus], 50);
const FILL = Number(__ENV[LOAD_ENV.fill] ?? '1');
const SIGNER = openRequestSigner(settings);
const PLAN: PlanInput = { vouchers: settings.vouchers, vus: VUS, seed: settings.seed, fill: FILL, flows: 0 };
const GAP_MS = roundGapMs(VUS);
const LEAD_MS = leadMs(VUS);

/** How late each claim left after its burst's instant: the alignment the burst achieved. */
const startSkew = new Trend('burst_start_skew_ms', true);

export const options: Options = {
  scenarios: {
    burst: {
      executor: 'per-vu-iterations',
      vus: VUS,
      iterations: settings.vouchers.length,
      // lead + one gap per voucher + the last redemptions; bounded (k6.config.ts MAX_RUN_SECONDS).
      maxDuration: boundedMaxDuration(profile, (LEAD_MS + GAP_MS * settings.vouchers.length) / 1000 + 60),
    },
  },
  thresholds: thresholdsFor(profile, { abort: false, p95Budgets: settings.p95Budgets }) as Options['thresholds'],
  setupTimeout: '60s',
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
};

interface SetupData {
  readonly login: { token: string; atMs: number };
  readonly startMs: number;
}

export function setup(): SetupData {
  return { login: login(settings), startMs: Date.now() + LEAD_MS };
}

export default function burst(data: SetupData): void {
  const round = __ITER;
  const voucher = settings.vouchers[round];
  if (voucher === undefined) return;
  // The test-wide VU id (__VU on one machine): each runner of a distributed run numbers its own
  // VUs from 1, which would repeat amounts across runners and let an OTP lookup take another's SMS.
  const slot = burstSlot(PLAN, round, exec.vu.idInTest);
  const { amount } = slot;
  const claim = SIGNER.claim(slot, currentToken(settings, data.login));
  const instant = data.startMs + round * GAP_MS;
  sleepUntilWarm(settings, instant);
  startSkew.add(Date.now() - instant);
  const claimed = send(settings.baseUrl, settings.initiateEndpoint, claim.request);
  record(settings, { op: 'claim', voucher: voucher.code, amount, idempotencyKey: claim.idempotencyKey }, claimed);
  checkClaim(claimed);
  if (claimed.status !== 200) return;

  const otp = otpFor(settings, voucher.code, amount);
  if (settings.otp !== 'none') check(otp, { 'an OTP for the acknowledged claim': (o) => o !== undefined });
  if (otp === undefined) return;
  const redeem = SIGNER.redeem(slot, otp, currentToken(settings, data.login));
  const redeemed = send(settings.baseUrl, 'redeem-gift', redeem.request);
  record(
    settings,
    {
      op: 'redeem',
      voucher: voucher.code,
      amount,
      idempotencyKey: redeem.idempotencyKey,
      claimKey: claim.idempotencyKey,
      otp,
    },
    redeemed,
  );
  checkRedeem(redeemed);
}

export function handleSummary(data: unknown): Record<string, string> {
  return summaryFiles(data);
}
