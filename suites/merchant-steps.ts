/**
 * The merchant requests the errors and detail checks make, sent raw (`client.send`) so that an
 * answer that is not the documented JSON is evidence, not a broken check; and the steps a check
 * needs to succeed before its real question (a claim, a redemption): a refused step ends the
 * check (or the property case) as a failure with the exchanges so far, because nothing after it
 * would mean anything.
 */
import { endpointPath } from '../lib/endpoint-catalog';
import type { CodedEndpoint } from '../lib/error-catalog';
import type { Micro } from '../lib/money';
import type { ApiResponse, MerchantClient } from '../lib/node/http-client';
import { initiateClaimBody, newIdempotencyKey, redeemGiftBody } from '../lib/payloads';
import { cryptoRandom } from '../lib/random';
import { apiCodeOf, succeeded } from './api-answer';
import { CheckFailure } from './check';
import type { Evidence } from './check';
import type { CertifyContext } from './context';
import { evidenceOf } from './evidence';

const keySource = cryptoRandom();

/**
 * A new idempotency key per request. Not drawn from the seed: a target keeps keys 24 h
 * (docs/design.md › Idempotency), so a rerun with the same seed would get the first run's answers back.
 */
export const freshKey = (): string => newIdempotencyKey(keySource, 'hx');

/** What a check does its requests with: a client, and the exchanges so far for a failure's evidence. */
export interface Flow {
  readonly ctx: CertifyContext;
  readonly client: MerchantClient;
  readonly trail: Evidence[];
}

export const newFlow = (ctx: CertifyContext, client: MerchantClient = ctx.merchant.client()): Flow => ({
  ctx,
  client,
  trail: [],
});

/** A step that did not go as the documents say: the check (or the case) fails with the exchanges so far. */
export function refuseStep(flow: Flow, why: string): never {
  throw new CheckFailure(why, flow.trail);
}

export const describeAnswer = (res: ApiResponse): string => {
  const code = apiCodeOf(res);
  return `HTTP ${res.status}${typeof code === 'number' ? ` with statusCode ${code}` : ''}`;
};

// ---- raw requests ---------------------------------------------------------------------------

/** Sends `body` as the exact bytes given, signed over the server's re-serialisation (the client's default). */
export function sendPost(
  flow: Flow,
  endpoint: CodedEndpoint,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<ApiResponse> {
  // initiate-claim on the path the target file names: the documents disagree on it.
  const path = endpointPath(endpoint === 'initiate-claim' ? flow.ctx.target.config.initiatePath : endpoint);
  return flow.client.send({ method: 'POST', path, body, headers });
}

export function sendInitiate(
  flow: Flow,
  input: { voucherCode: string; amount?: Micro },
  headers: Readonly<Record<string, string>> = {},
): Promise<ApiResponse> {
  return sendPost(
    flow,
    'initiate-claim',
    initiateClaimBody({ ...input, idempotencyKey: freshKey(), metadata: '{}' }),
    headers,
  );
}

/** redeem-gift; without `verificationCode` the field is left out of the body (4033). */
export function sendRedeem(
  flow: Flow,
  input: { voucherCode: string; verificationCode?: string },
  headers: Readonly<Record<string, string>> = {},
): Promise<ApiResponse> {
  const { voucherCode, verificationCode } = input;
  const idempotencyKey = freshKey();
  const body =
    verificationCode === undefined
      ? JSON.stringify({ voucherCode, idempotencyKey, metadata: '{}' })
      : redeemGiftBody({ voucherCode, verificationCode, idempotencyKey, metadata: '{}' });
  return sendPost(flow, 'redeem-gift', body, headers);
}

export function sendDetail(flow: Flow, voucherCode: string): Promise<ApiResponse> {
  return flow.client.send({ method: 'GET', path: endpointPath('voucher-detail', { voucherCode }) });
}

// ---- steps that must succeed ----------------------------------------------------------------

/** Records the exchange; a refusal of what should have succeeded is the check's failure. */
export function expectSuccess(flow: Flow, what: string, res: ApiResponse): void {
  flow.trail.push(evidenceOf(what, res));
  if (!succeeded(res))
    refuseStep(
      flow,
      `could not arrange the case: ${what} answered ${describeAnswer(res)}, expected HTTP 200 with "success": true`,
    );
}

export interface Claim {
  /** The OTP the owner was sent for this claim (throws CHECK_NOT_APPLICABLE without an OTP source). */
  otp(): Promise<string>;
}

/** A claim that must be accepted; no amount claims the whole available balance. */
export async function claim(flow: Flow, voucherCode: string, amount?: Micro): Promise<Claim> {
  const smsBefore = await flow.ctx.smsCount(voucherCode);
  const res = await sendInitiate(flow, amount === undefined ? { voucherCode } : { voucherCode, amount });
  expectSuccess(flow, `initiate-claim${amount === undefined ? ' (whole balance)' : ''}`, res);
  return { otp: () => flow.ctx.otp(voucherCode, smsBefore) };
}

/** A claim of `amount` and its redemption, both of which must succeed; gives the OTP that did it. */
export async function claimAndRedeem(flow: Flow, voucherCode: string, amount: Micro): Promise<{ otp: string }> {
  const otp = await (await claim(flow, voucherCode, amount)).otp();
  expectSuccess(flow, 'redeem-gift', await sendRedeem(flow, { voucherCode, verificationCode: otp }));
  return { otp };
}
