/**
 * What the auth, signature and canonical checks share: probe requests that name a voucher the
 * target does not know (so a request that gets through has no effect), and the verdict of one answer.
 */
import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createMerchantClient } from '../lib/node/http-client';
import type { ApiResponse, HeaderOverrides, MerchantClient, MerchantSendRequest } from '../lib/node/http-client';
import { endpointPath } from '../lib/endpoint-catalog';
import { isApiErrorCode } from '../lib/error-catalog';
import { HarnessError } from '../lib/errors';
import { exportPublicKeyPem, generatePrivateKey } from '../lib/keys';
import { initiateClaimBody, newIdempotencyKey, redeemGiftBody } from '../lib/payloads';
import { randomDigits } from '../lib/random';
import type { RandomSource } from '../lib/random';
import type { Evidence } from './check';
import { notApplicable } from './context';
import type { CertifyContext } from './context';
import { evidenceOf } from './evidence';
import { apiCodeOf } from './api-answer';

/** The four endpoints behind the access token (merchant API v1.0 › Authentication › Steps 4–5 and Gift Voucher Redemption). */
export const TOKEN_ENDPOINTS = ['test', 'initiate', 'detail', 'redeem'] as const;
export type TokenEndpoint = (typeof TOKEN_ENDPOINTS)[number];

/** One unit (1.000000): a claim any voucher the harness uses can take. */
const PROBE_AMOUNT = 1_000_000n;

/**
 * A 16-digit code no target has issued (odds 1 in 10^15 per code): a request naming it that gets
 * past authentication and signature ends in the documented 4041, with no effect on any voucher.
 */
export function unknownVoucherCode(random: RandomSource): string {
  return `9${randomDigits(random, 15)}`;
}

/** The path of the initiate endpoint this target is configured with (the documents name two). */
export const initiatePath = (ctx: CertifyContext): string => endpointPath(ctx.target.config.initiatePath);

/** A request to `endpoint` about `voucherCode`, with a fresh idempotency key; the client signs POSTs under /topup-transactions. */
export function probeRequest(ctx: CertifyContext, endpoint: TokenEndpoint, voucherCode: string): MerchantSendRequest {
  const idempotencyKey = newIdempotencyKey(ctx.random, 'auth');
  switch (endpoint) {
    case 'test':
      return { method: 'POST', path: endpointPath('test') };
    case 'initiate':
      return {
        method: 'POST',
        path: initiatePath(ctx),
        body: initiateClaimBody({ voucherCode, amount: PROBE_AMOUNT, idempotencyKey, metadata: '{}' }),
      };
    case 'detail':
      return { method: 'GET', path: endpointPath('voucher-detail', { voucherCode }) };
    case 'redeem':
      // 000000 is almost surely not the OTP of a pending claim: past authentication the answer is a documented code (4041, 4034 or 4035).
      return {
        method: 'POST',
        path: endpointPath('redeem-gift'),
        body: redeemGiftBody({ voucherCode, verificationCode: '000000', idempotencyKey, metadata: '{}' }),
      };
  }
}

export interface ProbeOptions {
  /** Sent as x-api-token; null sends no token header; undefined lets the client log in and send its own. */
  readonly token?: string | null;
  readonly headers?: HeaderOverrides;
  /** Default: a code no target knows (unknownVoucherCode). */
  readonly voucherCode?: string;
}

export function sendProbe(
  ctx: CertifyContext,
  client: MerchantClient,
  endpoint: TokenEndpoint,
  options: ProbeOptions = {},
): Promise<ApiResponse> {
  const request = probeRequest(ctx, endpoint, options.voucherCode ?? unknownVoucherCode(ctx.random));
  const headers = { ...(options.token === undefined ? {} : { 'x-api-token': options.token }), ...options.headers };
  return client.send({ ...request, headers });
}

/** An endpoint whose answer was not what the check expects; `variant` says what was odd about the request. */
export interface Miss {
  readonly endpoint: TokenEndpoint;
  readonly res: ApiResponse;
  readonly variant?: string;
}

/** Probes every endpoint in turn (test, initiate, detail, redeem); returns those whose answer `expected` rejects. */
export async function probeEvery(
  ctx: CertifyContext,
  client: MerchantClient,
  options: ProbeOptions,
  expected: (res: ApiResponse) => boolean,
  variant?: string,
): Promise<Miss[]> {
  const misses: Miss[] = [];
  for (const endpoint of TOKEN_ENDPOINTS) {
    const res = await sendProbe(ctx, client, endpoint, options);
    if (!expected(res)) misses.push(variant === undefined ? { endpoint, res } : { endpoint, res, variant });
  }
  return misses;
}

const MISSES_SHOWN = 6;
const missLabel = (m: Miss): string => (m.variant === undefined ? m.endpoint : `${m.endpoint} with ${m.variant}`);

export function describeMisses(misses: readonly Miss[]): string {
  const shown = misses.slice(0, MISSES_SHOWN).map((m) => `${missLabel(m)}: ${describeAnswer(m.res)}`);
  return misses.length > MISSES_SHOWN
    ? `${shown.join('; ')}; and ${misses.length - MISSES_SHOWN} more`
    : shown.join('; ');
}

/** The evidence of each miss; the note says what the (redacted) token was, since a replay sends your own. */
export const missEvidence = (misses: readonly Miss[]): Evidence[] =>
  misses.map((m) => evidenceOf(missLabel(m), m.res, m.variant === undefined ? undefined : `x-api-token: ${m.variant}`));

/** The answer came from the operation itself: a success, or one of the codes the document lists for it. */
export const reachedOperation = (res: ApiResponse): boolean => res.status < 300 || isApiErrorCode(apiCodeOf(res));

/** What an answer was, in a few words for a failure message. */
export function describeAnswer(res: ApiResponse): string {
  const code = apiCodeOf(res);
  const message = (res.json as { message?: unknown } | null | undefined)?.message;
  return `HTTP ${res.status}${code === undefined || code === res.status ? '' : ` (statusCode ${String(code)})`}${typeof message === 'string' ? ` "${message.slice(0, 120)}"` : ''}`;
}

/** The accessToken of a login answer. */
export function accessTokenOf(res: ApiResponse): string | undefined {
  const token = (res.json as { accessToken?: unknown } | null | undefined)?.accessToken;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

// ---- access tokens: JWTs, as the document's example shows (Step 4: "eyJhbGciOiJFUzI1NiIs…" is {"alg":"ES256","typ":"JWT"}) ----

export interface Jwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly signature: string;
}

function jsonSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The parts of a JWS compact token, or undefined when the token is not one (some targets issue opaque tokens). */
export function jwtOf(token: string): Jwt | undefined {
  const [header, claims, signature, ...extra] = token.split('.');
  if (header === undefined || claims === undefined || signature === undefined || extra.length > 0) return undefined;
  const [h, c] = [jsonSegment(header), jsonSegment(claims)];
  return h && c ? { header: h, claims: c, signature } : undefined;
}

const segment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const compact = (header: unknown, claims: unknown, signature: string): string =>
  `${segment(header)}.${segment(claims)}.${signature}`;

/** Ways to forge a token from a real one, each a classic JWT attack (RFC 8725 › 2). */
export const FORGERIES = [
  'claims-tampered',
  'resigned-other-key',
  'hs256-random-secret',
  'signature-stripped',
  'signature-truncated',
] as const;
export type Forgery = (typeof FORGERIES)[number];

/** The claims an attacker wants: a longer life, or (without exp) a claim of their own. */
function tamperedClaims(claims: Jwt['claims'], extendSeconds: number): Record<string, unknown> {
  return typeof claims.exp === 'number' ? { ...claims, exp: claims.exp + extendSeconds } : { ...claims, role: 'admin' };
}

export function forgeToken(jwt: Jwt, forgery: Forgery, extendSeconds: number): string {
  const claims = tamperedClaims(jwt.claims, extendSeconds);
  switch (forgery) {
    case 'claims-tampered':
      return compact(jwt.header, claims, jwt.signature);
    case 'resigned-other-key': {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const input = `${segment(jwt.header)}.${segment(claims)}`;
      return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    }
    case 'hs256-random-secret': {
      const header = { ...jwt.header, alg: 'HS256' };
      const input = `${segment(header)}.${segment(claims)}`;
      return `${input}.${createHmac('sha256', randomBytes(32)).update(input).digest('base64url')}`;
    }
    case 'signature-stripped':
      return compact(jwt.header, jwt.claims, '');
    case 'signature-truncated':
      // Four base64url characters fewer is three bytes fewer: no lenient decoder makes it whole again.
      return compact(jwt.header, jwt.claims, jwt.signature.slice(0, -4));
  }
}

/** "alg": "none" in the spellings a careless library compares case-insensitively (RFC 7518 › 3.6). */
export const ALG_NONE_SPELLINGS = ['none', 'None', 'NONE', 'nOnE'] as const;

/** The real token's claims under an unsigned header: with no signature, or with the real one left on. */
export function algNoneToken(jwt: Jwt, alg: string, keepSignature: boolean): string {
  return compact({ ...jwt.header, alg }, jwt.claims, keepSignature ? jwt.signature : '');
}

/** A real token's parts; a target whose tokens are not JWTs cannot have these forgeries tried. */
export function requireJwt(token: string): Jwt {
  const jwt = jwtOf(token);
  if (jwt === undefined)
    throw notApplicable(
      'the access token is not a JWT (three base64url segments with a JSON header and claims), so JWT forgeries do not apply to it',
    );
  return jwt;
}

// ---- sandbox powers: the clock and merchants with allowed origins --------------------------

/** The server's clock in ms: the sandbox answers a move of the clock with its reading. */
async function serverNowMs(ctx: CertifyContext): Promise<number> {
  const reading = await ctx.admin().advanceClock(0);
  if (typeof reading.epochMs !== 'number')
    throw new HarnessError('TARGET_MALFORMED_RESPONSE', 'the sandbox clock answered without "epochMs"');
  return reading.epochMs;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Logs in just after the server's clock turns a second. Token times are whole seconds (a JWT's
 * iat), so a token issued late in a second may lose up to a second of its 300; aligned, "accepted
 * at 299 s" is a fair demand with about a second to spare for the requests in between.
 */
export async function loginAtStartOfSecond(
  ctx: CertifyContext,
  client: MerchantClient,
): Promise<{ token: string; roundTripMs: number }> {
  // Without the sandbox clock (certify --slow) the local clock stands in for the server's.
  const intoSecond = (ctx.powers.has('admin') ? await serverNowMs(ctx) : Date.now()) % 1000;
  if (intoSecond > 100) await sleep(1000 - intoSecond + 10);
  const sent = performance.now();
  const token = accessTokenOf(await client.login());
  const roundTripMs = performance.now() - sent;
  if (token === undefined) throw new HarnessError('LOGIN_FAILED', 'the login answered without an accessToken');
  return { token, roundTripMs };
}

/** A round trip longer than this leaves a lifetime check too little to say: it skips rather than guess. */
export const MAX_BOUNDARY_ROUND_TRIP_MS = 10_000;

/**
 * Seconds to wait after a login answered so that a request sent then still arrives inside
 * `lifetime − 1` s of the token's issue: the token was issued somewhere during the login's round
 * trip and the probe spends up to another one on the way, so two round trips come off (a slow
 * target then gives no false failure, and the probe still lands within seconds of the edge).
 */
export function insideLifetimeSeconds(lifetime: number, roundTripMs: number): number {
  return lifetime - 1 - Math.ceil(2 * roundTripMs) / 1000;
}

/** A merchant of the sandbox's whose whitelist (Authentication › Step 2) holds `origins` only. */
export async function merchantAllowedFrom(
  ctx: CertifyContext,
  origins: readonly string[],
): Promise<{ client: MerchantClient; apiKey: string }> {
  const key = generatePrivateKey('secp256k1');
  const created = await ctx
    .admin()
    .createMerchant({ publicKeyPem: exportPublicKeyPem(key), keyType: key.type, allowedOrigins: origins });
  // The client registers the API key with the target's redactor, so reports never show it.
  const client = createMerchantClient({
    baseUrl: ctx.target.config.baseUrl,
    apiKey: created.apiKey,
    privateKey: key,
    redactor: ctx.target.redactor,
  });
  return { client, apiKey: created.apiKey };
}
