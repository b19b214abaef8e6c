/**
 * The merchant API v1.0 under /api/v1/merchant/client, as the API reference documents it:
 * login, test, initiate-claim (also served as initiate-redeem, the E2E example's name), voucher
 * detail and redeem-gift. Checks run in the order a NestJS server (the reference names its
 * MerchantSignatureGuard) applies them: body parsing (415/400), access token (401), origin (403),
 * signature (403), validation (400), then the operation with its documented codes.
 */
import { bodyFieldProblems, MERCHANT_BASE_PATH, type EndpointId } from '../lib/endpoint-catalog';
import { formatMoney, moneyFromJsonNumber, type Micro } from '../lib/money';
import type { Call, Handler } from './context';
import type { ActiveDefects } from './defects';
import { checkOrigin, jsonReply, parseJsonObject } from './http';
import { runOnce } from './idempotent-call';
import { currentVoucher, initiateClaim, redeemClaim } from './redemption';
import { refuse, refuseWithCode } from './refusal';
import type { Route } from './router';
import { merchantSignatureProblem } from './signatures';
import type { Merchant, Voucher } from './state';
import type { TokenClaims } from './tokens';
import { voucherJson } from './voucher-view';

export { MERCHANT_BASE_PATH };

const OTP_SENT = 'OTP Code has been sent to user Successfully';
const MAX_IDEMPOTENCY_KEY = 255;
/** What token-lives-too-long adds to the documented 300 s. */
const TOO_LONG_SECONDS = 60;

function tokenAlive(claims: TokenClaims, now: number, defects: ActiveDefects): boolean {
  if (defects.has('token-never-expires')) return true;
  const extra = defects.has('token-lives-too-long') ? TOO_LONG_SECONDS : 0;
  return now < (claims.exp + extra) * 1000;
}

/**
 * The merchant behind a valid x-api-token. A removed merchant's token still verifies (it was
 * signed), so redeem-gift can answer its documented 4043; the other endpoints refuse it with 401.
 */
function authenticate(call: Call, removedMayPass = false): Merchant {
  const { ctx, req } = call;
  const token = req.headers['x-api-token'];
  if (typeof token !== 'string' || token === '')
    throw refuse(401, 'Missing x-api-token header: log in with POST /auth/login and send its accessToken');
  const claims = ctx.tokens.read(token, ctx.defects);
  if (!claims) throw refuse(401, 'Invalid access token');
  if (!tokenAlive(claims, ctx.clock.now(), ctx.defects))
    throw refuse(401, 'Access token has expired: tokens are valid for 300 seconds; log in again');
  const merchant = ctx.state.merchants.get(claims.sub);
  if (!merchant || (merchant.removed && !removedMayPass))
    throw refuse(401, 'The merchant behind this access token no longer exists');
  checkOrigin(req, merchant.allowedOrigins, ctx.defects);
  return merchant;
}

interface SignedRequest {
  readonly merchant: Merchant;
  readonly body: Record<string, unknown>;
  /** JSON.stringify(request.body): what is signed, and what "the same body" means for idempotency. */
  readonly canonical: string;
}

/** A POST under /topup-transactions: parsed, authenticated, signature checked, fields validated. */
function signedRequest(call: Call, endpoint: EndpointId, removedMayPass = false): SignedRequest {
  const { value: body } = parseJsonObject(call.req, call.body);
  const merchant = authenticate(call, removedMayPass);
  const canonical = JSON.stringify(body);
  const problem = merchantSignatureProblem(
    merchant.key,
    canonical,
    call.body,
    call.req.headers['x-signature'],
    call.ctx.defects,
  );
  if (problem) throw refuse(403, problem);
  // redeem-gift's missing verificationCode is its documented 4033, not a validation error.
  const problems = bodyFieldProblems(endpoint, endpoint === 'redeem-gift' ? { verificationCode: '', ...body } : body);
  if (problems.length > 0) throw refuse(400, problems.join('; '));
  const key = body.idempotencyKey as string;
  if (key === '' || key.length > MAX_IDEMPOTENCY_KEY)
    throw refuse(400, `"idempotencyKey" must be 1 to ${MAX_IDEMPOTENCY_KEY} characters`);
  return { merchant, body, canonical };
}

/** The claim amount in micro-units: positive, finite, at most 6 places (docs/design.md › validation). */
function claimAmount(value: unknown, defects: ActiveDefects): Micro | undefined {
  if (value === undefined) return undefined;
  const n = value as number; // its type was checked against the endpoint catalog
  if (n < 0 && defects.has('negative-amount-accepted')) return -moneyFromJsonNumber(-n);
  const amount = moneyFromJsonNumber(n); // a HarnessError here is answered 400 with its message
  if (amount === 0n) throw refuse(400, '"amount" must be greater than zero');
  return amount;
}

const login: Handler = async (call) => {
  const { ctx } = call;
  const { value: body } = parseJsonObject(call.req, call.body);
  const problems = bodyFieldProblems('login', body);
  if (problems.length > 0) throw refuse(400, problems.join('; '));
  const merchant = ctx.state.merchantByApiKey(body.key as string);
  if (!merchant || merchant.removed) throw refuse(401, 'Invalid API key');
  checkOrigin(call.req, merchant.allowedOrigins, ctx.defects);
  await ctx.faults.apply('login', call.req.socket);
  return jsonReply({
    accessToken: ctx.tokens.issue(merchant.id, ctx.clock.now()),
    success: true,
    statusCode: 200,
    message: 'Login Successful',
  });
};

const test: Handler = async (call) => {
  authenticate(call);
  await call.ctx.faults.apply('test', call.req.socket);
  return jsonReply({ test: 'successful' });
};

const initiate: Handler = (call) => {
  const { merchant, body, canonical } = signedRequest(call, 'initiate-claim');
  const amount = claimAmount(body.amount, call.ctx.defects);
  const key = body.idempotencyKey as string;
  return runOnce(
    call,
    { endpoint: 'initiate-claim', owner: merchant.id, key, fingerprint: canonical },
    'initiate-claim',
    async () => {
      await initiateClaim(call.ctx, merchant, body.voucherCode as string, amount);
      return jsonReply({
        success: true,
        message: OTP_SENT,
        statusCode: 200,
        data: { message: OTP_SENT, idempotencyKey: key, metadata: body.metadata },
      });
    },
  );
};

const redeem: Handler = (call) => {
  const { merchant, body, canonical } = signedRequest(call, 'redeem-gift', true);
  const key = body.idempotencyKey as string;
  return runOnce(
    call,
    { endpoint: 'redeem-gift', owner: merchant.id, key, fingerprint: canonical },
    'redeem-gift',
    () => {
      const verificationCode = body.verificationCode as string | undefined;
      if (!verificationCode) throw refuseWithCode(4033);
      const redemption = redeemClaim(call.ctx, merchant, {
        voucherCode: body.voucherCode as string,
        verificationCode,
        msisdn: body.msisdn as string | undefined,
      });
      return jsonReply({
        success: true,
        message: 'Gift redeemed successfully',
        statusCode: 200,
        data: { response: 'Success', ...redemption, idempotencyKey: key, metadata: body.metadata },
      });
    },
  );
};

/** What detail-stale-balance shows: the balance of a voucher's first detail read, forever. */
const staleBalances = new WeakMap<Voucher, Micro>();

function detailJson(voucher: Voucher, merchant: Merchant, defects: ActiveDefects): Record<string, unknown> {
  const money = defects.has('detail-amounts-not-6-places') ? (m: Micro) => String(Number(m) / 1e6) : formatMoney;
  let shown = voucher.remaining;
  if (defects.has('detail-stale-balance')) {
    shown = staleBalances.get(voucher) ?? shown;
    staleBalances.set(voucher, shown);
  }
  const view = voucherJson(voucher, defects);
  return {
    voucher: {
      ...view,
      amount: money(voucher.amount),
      remainingBalance: money(shown),
      expirationDate: defects.has('detail-expiration-not-iso')
        ? new Date(voucher.expiresAt).toString()
        : view.expirationDate,
    },
    serviceFee: money(merchant.serviceFee),
  };
}

const detail: Handler = async (call) => {
  const { ctx } = call;
  const merchant = authenticate(call);
  if (ctx.defects.has('get-demands-signature') && !call.req.headers['x-signature'])
    throw refuse(403, 'Missing x-signature header');
  await ctx.faults.apply('voucher-detail', call.req.socket);
  const voucher = currentVoucher(ctx, call.params.voucherCode!);
  return jsonReply({
    statusCode: 200,
    success: true,
    message: 'Successful',
    data: detailJson(voucher, merchant, ctx.defects),
  });
};

export const MERCHANT_ROUTES: readonly Route<Handler>[] = [
  { method: 'POST', path: '/auth/login', handler: login },
  { method: 'POST', path: '/test', handler: test },
  { method: 'POST', path: '/topup-transactions/initiate-claim', handler: initiate },
  { method: 'POST', path: '/topup-transactions/initiate-redeem', handler: initiate },
  { method: 'GET', path: '/topup-transactions/:voucherCode', handler: detail },
  { method: 'POST', path: '/topup-transactions/redeem-gift', handler: redeem },
];
