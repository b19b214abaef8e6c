/**
 * What the idempotency checks share: vouchers to work on with their balance read from the target,
 * claims on the target's initiate path, effects observed from outside (the balance a later claim
 * can still reserve, the detail's remainingBalance, the SMS outbox where there is one).
 */
import { endpointPath } from '../lib/endpoint-catalog';
import type { Micro } from '../lib/money';
import type { ApiResponse, MerchantClient } from '../lib/node/http-client';
import { voucherBalanceOf, type VoucherBalance as VoucherBalanceRead } from '../lib/node/voucher-balance';
import type { PrivateKey } from '../lib/keys';
import { newIdempotencyKey } from '../lib/payloads';
import type { InitiateClaimInput } from '../lib/payloads';
import { signBody } from '../lib/signature';
import type { CertifyContext } from './context';
import { apiCodeOf } from './api-answer';

export const IDEMPOTENCY_ASSUMPTION = {
  doc: 'docs/design.md',
  section: 'Behaviour where the API documents are silent › Idempotency',
} as const;

/**
 * A key for `purpose`, seeded so runs replay. The prefix keeps it apart from other areas' keys:
 * under certify every area's context draws from the same seed, for the same merchant.
 */
export const keyFor = (ctx: CertifyContext, purpose: string): string =>
  newIdempotencyKey(ctx.random, `idem-${purpose}`);

/** The envelope's statusCode (4091…), if the answer has one. */

export const outcomeOf = (res: ApiResponse): string =>
  `HTTP ${res.status}${typeof apiCodeOf(res) === 'number' ? ` (statusCode ${String(apiCodeOf(res))})` : ''}`;

/** A claim on the initiate path the target file names (the documents disagree on it). */
export const initiate = (
  ctx: CertifyContext,
  client: MerchantClient,
  input: InitiateClaimInput,
): Promise<ApiResponse> => client.initiateClaim(input, { path: ctx.target.config.initiatePath });

/** `perMille` thousandths of `amount`, at least one micro-unit. */
export const share = (amount: Micro, perMille: number): Micro => {
  const part = (amount * BigInt(perMille)) / 1000n;
  return part > 0n ? part : 1n;
};

export interface VoucherBalance extends Pick<VoucherBalanceRead, 'remaining' | 'serviceFee'> {
  readonly res: ApiResponse;
}

/** The detail's remainingBalance and serviceFee (merchant API v1.0 › 2. Get Voucher Detail Information). */
export async function balanceOf(client: MerchantClient, voucherCode: string): Promise<VoucherBalance> {
  const res = await client.voucherDetail(voucherCode);
  const { remaining, serviceFee } = voucherBalanceOf(res, voucherCode);
  return { remaining, serviceFee, res };
}

/** A voucher nobody else touches: made to order (`amount`) on a sandbox, the next fixture elsewhere; its balance as the target reports it. */
export async function voucherToWorkOn(
  ctx: CertifyContext,
  client: MerchantClient,
  amount?: Micro,
): Promise<{ code: string } & VoucherBalance> {
  // The amount is a wish a sandbox grants; elsewhere the fixture's balance is what there is.
  const code = await ctx.voucher(
    amount === undefined || !ctx.powers.has('admin') ? { own: true } : { own: true, issue: { amount } },
  );
  return { code, ...(await balanceOf(client, code)) };
}

/**
 * How many runs a property whose every run takes a voucher of its own makes: all of them on a
 * sandbox, which issues vouchers freely; one elsewhere, where each run spends a listed voucher.
 */
export const runsOnOwnVouchers = (ctx: CertifyContext, runs: number): number => (ctx.powers.has('admin') ? runs : 1);

/** SMS sent to the voucher owner since `before`, or undefined when the target has no outbox to read. */
export async function smsSince(ctx: CertifyContext, voucherCode: string, before: number): Promise<number | undefined> {
  return ctx.powers.has('outbox') ? (await ctx.smsCount(voucherCode)) - before : undefined;
}

/** Whether the rest of the balance can still be reserved: what a claim repeated with its key must leave. */
export async function claimRest(
  ctx: CertifyContext,
  client: MerchantClient,
  voucherCode: string,
  amount: Micro,
): Promise<ApiResponse> {
  return initiate(ctx, client, { voucherCode, amount, idempotencyKey: keyFor(ctx, 'rest'), metadata: '{}' });
}

/**
 * Initiate claims on one voucher sent all at once: signed first, after a fresh login and with as
 * many connections open as there are claims (concurrent detail reads), so that neither signing
 * nor connection set-up spreads the claims out in time.
 */
export async function initiateBurst(
  ctx: CertifyContext,
  client: MerchantClient,
  key: PrivateKey,
  voucherCode: string,
  bodies: readonly string[],
): Promise<ApiResponse[]> {
  await client.login();
  await Promise.all(bodies.map(() => client.voucherDetail(voucherCode)));
  const path = endpointPath(ctx.target.config.initiatePath);
  const signed = bodies.map((body) => ({ body, signature: signBody(key, body).signature }));
  return Promise.all(
    signed.map(({ body, signature }) => client.send({ method: 'POST', path, body, sign: { signature } })),
  );
}
