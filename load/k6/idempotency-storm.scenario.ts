/**
 * Idempotency storm (issue 5, scenario 2): K VUs (VUS) send the very same initiate-claim — same
 * idempotencyKey, same body, same signature, made once in setup() — at the same instant, one storm
 * per voucher in VOUCHERS. Exactly one claim may result (docs/design.md › Idempotency: same key, same
 * body → the first answer again, or 409 while the first is in flight). After each storm VU 1
 * probes the two other rules: the same key with another body must be refused (422), and the
 * claim's key sent to redeem-gift must work, as the document's end-to-end example does (keys are
 * scoped to the endpoint). Then a second merchant sends the same key with the same body: keys are
 * scoped to their merchant too, so it must get a claim of its own — its own OTP SMS, redeemable by
 * it — not the first merchant's answer replayed (the idempotency-keys-global defect). Every request
 * is a history line; the checker (and the ledger) judge "one effect per key". Signing mode: the
 * storm is pre-signed in setup(); the probes sign in k6.
 */
import { check } from 'k6';
import type { Options } from 'k6/options';
import { boundedMaxDuration, profileNamed, thresholdsFor } from '../../k6.config';
import { boundedVus } from './settings';
import {
  cryptoRandom,
  initiateClaimBody,
  merchantRequest,
  newIdempotencyKey,
  redeemGiftBody,
  type PreparedRequest,
} from '../../lib';
import {
  currentToken,
  login,
  otpFor,
  readPrivateKey,
  readSettings,
  record,
  send,
  sleepUntil,
  sleepUntilWarm,
  summaryFiles,
  type Sent,
} from './k6-merchant';
import { leadMs, LOAD_ENV, roundGapMs } from '../load-env';

const settings = readSettings();
const profile = profileNamed(__ENV[LOAD_ENV.profile]);
const VUS = boundedVus(__ENV[LOAD_ENV.vus], profile.vus);
const KEY = readPrivateKey();
const SECOND_KEY = readPrivateKey(LOAD_ENV.secondPrivateKey);
/** The second merchant's history lines carry this name, so the checker scopes its keys apart. */
const SECOND_MERCHANT = 'merchant-2';
const GAP_MS = roundGapMs(VUS);
const LEAD_MS = leadMs(VUS);
/** What every storm claims: 10 units, well inside the voucher. */
const STORM_AMOUNT = 10_000_000n;

export const options: Options = {
  scenarios: {
    storm: {
      executor: 'per-vu-iterations',
      vus: VUS,
      iterations: settings.vouchers.length,
      maxDuration: boundedMaxDuration(profile, (LEAD_MS + GAP_MS * settings.vouchers.length) / 1000 + 60),
    },
  },
  thresholds: thresholdsFor(profile, { abort: false, p95Budgets: settings.p95Budgets }) as Options['thresholds'],
  setupTimeout: '60s',
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
};

interface Storm {
  readonly voucher: string;
  readonly key: string;
  readonly request: PreparedRequest;
}

interface SetupData {
  readonly login: { token: string; atMs: number };
  readonly secondLogin: { token: string; atMs: number };
  readonly startMs: number;
  readonly storms: readonly Storm[];
}

export function setup(): SetupData {
  const session = login(settings);
  const random = cryptoRandom();
  const storms = settings.vouchers.map((v, round) => {
    const key = newIdempotencyKey(random, `storm-${round}`);
    const body = initiateClaimBody({ voucherCode: v.code, amount: STORM_AMOUNT, idempotencyKey: key });
    return {
      voucher: v.code,
      key,
      request: merchantRequest(settings.initiateEndpoint, { accessToken: session.token, key: KEY, body }),
    };
  });
  // Tokens live 300 s: the storms must all leave within the setup token's life.
  return { login: session, secondLogin: login(settings, LOAD_ENV.secondApiKey), startMs: Date.now() + LEAD_MS, storms };
}

/** A replay of the first answer (200) or "still in flight" (409 without a documented code) are the two correct answers. */
function checkStormAnswer(sent: Sent): void {
  check(sent, {
    'storm: the first answer again, or 409 in flight': (s) => s.status === 200 || (s.status === 409 && s.code !== 4091),
  });
}

export default function storm(data: SetupData): void {
  const round = __ITER;
  const s = data.storms[round];
  if (s === undefined) return;
  const instant = data.startMs + round * GAP_MS;
  sleepUntilWarm(settings, instant);
  const sent = send(settings.baseUrl, settings.initiateEndpoint, s.request);
  record(settings, { op: 'claim', voucher: s.voucher, amount: STORM_AMOUNT, idempotencyKey: s.key }, sent);
  checkStormAnswer(sent);
  if (__VU !== 1) return;

  // The probes, once the storm has settled.
  sleepUntil(instant + GAP_MS / 2);
  const token = currentToken(settings, data.login);
  const other = STORM_AMOUNT + 1_000_000n;
  const probe = send(
    settings.baseUrl,
    settings.initiateEndpoint,
    merchantRequest(settings.initiateEndpoint, {
      accessToken: token,
      key: KEY,
      body: initiateClaimBody({ voucherCode: s.voucher, amount: other, idempotencyKey: s.key }),
    }),
    [422],
  );
  record(settings, { op: 'claim', voucher: s.voucher, amount: other, idempotencyKey: s.key }, probe);
  check(probe, { 'same key, another body: 422': (p) => p.status === 422 });

  const otp = otpFor(settings, s.voucher, STORM_AMOUNT);
  if (otp === undefined) return;
  const redeem = merchantRequest('redeem-gift', {
    accessToken: token,
    key: KEY,
    body: redeemGiftBody({ voucherCode: s.voucher, verificationCode: otp, idempotencyKey: s.key }),
  });
  const redeemed = send(settings.baseUrl, 'redeem-gift', redeem);
  record(
    settings,
    { op: 'redeem', voucher: s.voucher, amount: STORM_AMOUNT, idempotencyKey: s.key, claimKey: s.key, otp },
    redeemed,
  );
  check(redeemed, {
    "redeem with the claim's key: a redemption": (r) =>
      r.status === 200 && typeof r.data?.omnivasReferenceNumber === 'string',
  });
  secondMerchantClaims(data, s);
}

/**
 * The second merchant sends the first one's key and body: an independent request of its own. Only
 * a claim of its own sends an SMS it can redeem (its redemption uses a fresh key, so a replayed
 * answer cannot pass for it); a global key store replays the first answer and texts nothing.
 */
function secondMerchantClaims(data: SetupData, s: Storm): void {
  const token = currentToken(settings, data.secondLogin, LOAD_ENV.secondApiKey);
  const body = initiateClaimBody({ voucherCode: s.voucher, amount: STORM_AMOUNT, idempotencyKey: s.key });
  const claimed = send(
    settings.baseUrl,
    settings.initiateEndpoint,
    merchantRequest(settings.initiateEndpoint, { accessToken: token, key: SECOND_KEY, body }),
  );
  record(
    settings,
    { op: 'claim', voucher: s.voucher, amount: STORM_AMOUNT, idempotencyKey: s.key, merchant: SECOND_MERCHANT },
    claimed,
  );
  check(claimed, { 'second merchant, same key: a claim of its own (200)': (c) => c.status === 200 });
  // Its SMS is the newest for this amount: the first merchant's claim was texted (and redeemed) before.
  const otp = otpFor(settings, s.voucher, STORM_AMOUNT);
  if (claimed.status !== 200 || otp === undefined) return;
  const redeemKey = `${s.key}-second`;
  const redeem = merchantRequest('redeem-gift', {
    accessToken: token,
    key: SECOND_KEY,
    body: redeemGiftBody({ voucherCode: s.voucher, verificationCode: otp, idempotencyKey: redeemKey }),
  });
  const redeemed = send(settings.baseUrl, 'redeem-gift', redeem);
  record(
    settings,
    {
      op: 'redeem',
      voucher: s.voucher,
      amount: STORM_AMOUNT,
      idempotencyKey: redeemKey,
      claimKey: s.key,
      otp,
      merchant: SECOND_MERCHANT,
    },
    redeemed,
  );
  check(redeemed, {
    'second merchant redeems its own claim': (r) =>
      r.status === 200 && typeof r.data?.omnivasReferenceNumber === 'string',
  });
}

export function handleSummary(data: unknown): Record<string, string> {
  return summaryFiles(data);
}
