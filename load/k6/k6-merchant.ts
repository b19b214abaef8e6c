/**
 * What every merchant-API scenario does inside k6: read its settings from -e (and the secrets from
 * the process environment, never argv), log in, send signed requests tagged by endpoint, fetch
 * OTPs, and print each operation as one history line (lib/history.ts) for the checker. Runs in k6
 * only (imports k6/*); the load command (cli/load-command.ts) sets the variables read here.
 */
import { check, sleep } from 'k6';
import http from 'k6/http';
import type { RefinedResponse, ResponseType } from 'k6/http';
import { Counter } from 'k6/metrics';
import {
  formatHistoryLine,
  formatMoney,
  HarnessError,
  importPrivateKeyPem,
  loginBody,
  merchantRequest,
  moneyFromDecimal,
  parseWholeNumber,
  type EndpointId,
  type HistoryOp,
  type Micro,
  type OpKind,
  type OpOutcome,
  type PreparedRequest,
  type PrivateKey,
  signMessage,
} from '../../lib';
import { parseP95Budgets } from '../../k6.config';
import type { P95Budgets } from '../../k6.config';
// Before any signature: from here on lib/'s secp256k1 signer hashes with k6's native SHA-256.
import './k6-signing';
import { LOAD_ENV, TOKEN_RENEW_MAX_S, type OtpMode, type VoucherSpec } from '../load-env';
import { signingModeOf, signingReport } from '../request-corpus';
import { wholeSetting } from './settings';

// Documented refusals (4091 → 409, 4042/4044 → 404, 4032/4034/4035 → 403) are answers, not failures
// of the server: only 5xx, timeouts and unexpected statuses count in http_req_failed.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 403, 404, 409));

function env(name: string): string | undefined {
  const value = __ENV[name];
  return value === undefined || value === '' ? undefined : value;
}

function required(name: string, what: string): string {
  const value = env(name);
  if (value === undefined)
    throw new HarnessError(
      'CONFIG_INVALID',
      `${name} is not set: ${what}; run scenarios through omnivas-harness load, which sets it`,
    );
  return value;
}

export interface MerchantSettings {
  readonly baseUrl: string;
  readonly adminUrl: string | undefined;
  readonly initiateEndpoint: EndpointId;
  readonly otp: OtpMode;
  readonly fixedOtp: string | undefined;
  readonly runner: string;
  readonly seed: number;
  readonly vouchers: readonly VoucherSpec[];
  /** The target file's p95 budgets, for the thresholds (k6.config.ts thresholdsFor). */
  readonly p95Budgets: P95Budgets;
}

function parseVouchers(text: string): VoucherSpec[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HarnessError(
      'INVALID_JSON',
      `${LOAD_ENV.vouchers} is not JSON; expected [{"code": "…", "amount": "100.000000"}]`,
    );
  }
  if (!Array.isArray(json) || json.length === 0)
    throw new HarnessError('CONFIG_INVALID', `${LOAD_ENV.vouchers} expected a non-empty array of {code, amount}`);
  return json.map((v: { code?: unknown; amount?: unknown }, i) => {
    if (typeof v?.code !== 'string' || typeof v.amount !== 'string')
      throw new HarnessError(
        'CONFIG_INVALID',
        `${LOAD_ENV.vouchers}[${i}] expected {"code": string, "amount": "decimal string"}`,
      );
    moneyFromDecimal(v.amount, `${LOAD_ENV.vouchers}[${i}].amount`);
    return { code: v.code, amount: v.amount };
  });
}

/** Read in the init context, so a bad value stops k6 before any request. */
export function readSettings(): MerchantSettings {
  const otp = (env(LOAD_ENV.otp) ?? 'none') as OtpMode;
  if (!['sandbox-outbox', 'fixed', 'bridge', 'none'].includes(otp))
    throw new HarnessError(
      'CONFIG_INVALID',
      `${LOAD_ENV.otp} expected sandbox-outbox, fixed, bridge or none, got ${JSON.stringify(otp)}`,
    );
  const seed = parseWholeNumber(env(LOAD_ENV.seed) ?? '1', LOAD_ENV.seed, 0, Number.MAX_SAFE_INTEGER);
  const initiate = env(LOAD_ENV.initiatePath) ?? 'initiate-claim';
  if (initiate !== 'initiate-claim' && initiate !== 'initiate-redeem')
    throw new HarnessError('CONFIG_INVALID', `${LOAD_ENV.initiatePath} expected initiate-claim or initiate-redeem`);
  return {
    baseUrl: required(LOAD_ENV.baseUrl, 'the merchant API base URL'),
    adminUrl: env(LOAD_ENV.adminUrl),
    initiateEndpoint: initiate,
    otp,
    fixedOtp: otp === 'fixed' ? required(LOAD_ENV.fixedOtp, 'the fixed OTP') : undefined,
    runner: env(LOAD_ENV.runner) ?? 'k6-0',
    seed,
    vouchers: parseVouchers(required(LOAD_ENV.vouchers, 'the vouchers to claim')),
    p95Budgets: parseP95Budgets(env(LOAD_ENV.latencyP95Ms), LOAD_ENV.latencyP95Ms),
  };
}

/**
 * The merchant key, warmed: the first signature builds the signer's table of the generator
 * (lib/secp256k1-base-table.ts; noble's for Ed25519), which costs far more than the next ones;
 * done here in the init context, before setup() picks the burst instant, no VU is still building
 * it when the burst should leave.
 */
export function readPrivateKey(name: string = LOAD_ENV.privateKey): PrivateKey {
  const key = importPrivateKeyPem(required(name, 'the merchant private key PEM'), name);
  signMessage(key, 'warm-up');
  return key;
}

/** Sleeps until the epoch millisecond `at` (k6's sleep takes seconds). */
export function sleepUntil(at: number): void {
  const wait = at - Date.now();
  if (wait > 0) sleep(wait / 1000);
}

/** How long before its instant a burst's VU refreshes its connection. */
const WARM_LEAD_MS = 1000;

/**
 * Sleeps until `at` and leaves then on a warm connection. A VU sleeps up to a round gap before its
 * burst, past a server's keep-alive (the sandbox's is 5 s): the connection it would reuse may be
 * closed under it, and a POST is not retried (status 0). A fresh connection opened at the instant
 * spreads the burst by a handshake each. So one cheap GET a second before keeps it open.
 */
export function sleepUntilWarm(settings: MerchantSettings, at: number): void {
  sleepUntil(at - WARM_LEAD_MS);
  if (Date.now() < at)
    http.get(`${settings.baseUrl}/`, {
      tags: { endpoint: 'keep-alive' },
      responseCallback: http.expectedStatuses({ min: 200, max: 499 }),
    });
  sleepUntil(at);
}

interface Envelope {
  statusCode?: number;
  accessToken?: unknown;
  data?: Record<string, unknown> | null;
}

function envelopeOf(res: RefinedResponse<ResponseType | undefined>): Envelope | undefined {
  try {
    const json = JSON.parse(typeof res.body === 'string' ? res.body : '') as unknown;
    return typeof json === 'object' && json !== null ? (json as Envelope) : undefined;
  } catch {
    return undefined;
  }
}

/** ok: a success; fail: a definite refusal (4xx); info: unknown (no answer, 5xx), it may have taken effect. */
export function outcomeOf(status: number): OpOutcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 400 && status < 500) return 'fail';
  return 'info';
}

export interface Sent {
  readonly status: number;
  readonly code: number | undefined;
  readonly data: Record<string, unknown> | undefined;
  /** login answers its token at the top level (Authentication › Step 4). */
  readonly accessToken: string | undefined;
  readonly invokeMs: number;
  readonly completeMs: number;
}

/** `expected`: the statuses this one request should get when they differ from the scenario's (a probe expecting 422, say). */
export function send(
  baseUrl: string,
  endpoint: EndpointId,
  request: PreparedRequest,
  expected?: readonly number[],
): Sent {
  const params = {
    headers: request.headers,
    tags: { endpoint: endpoint === 'initiate-redeem' ? 'initiate-claim' : endpoint },
    timeout: '30s',
    ...(expected === undefined ? {} : { responseCallback: http.expectedStatuses(...expected) }),
  };
  const invokeMs = Date.now();
  const res =
    request.method === 'POST'
      ? http.post(`${baseUrl}${request.path}`, request.body ?? null, params)
      : http.get(`${baseUrl}${request.path}`, params);
  const completeMs = Date.now();
  const envelope = envelopeOf(res);
  return {
    status: res.status,
    code: typeof envelope?.statusCode === 'number' ? envelope.statusCode : undefined,
    data: envelope?.data ?? undefined,
    accessToken: typeof envelope?.accessToken === 'string' ? envelope.accessToken : undefined,
    invokeMs,
    completeMs,
  };
}

/** `apiKeyName`: the variable holding the API key (the storm's second merchant has its own). */
export function login(
  settings: MerchantSettings,
  apiKeyName: string = LOAD_ENV.apiKey,
): { token: string; atMs: number } {
  const apiKey = required(apiKeyName, 'the merchant API key');
  const sent = send(settings.baseUrl, 'login', merchantRequest('login', { body: loginBody(apiKey) }));
  const token = sent.accessToken;
  if (sent.status !== 200 || token === undefined)
    throw new HarnessError(
      'LOGIN_FAILED',
      `login answered HTTP ${sent.status}${sent.code === undefined ? '' : ` (${sent.code})`}; check the API key`,
    );
  return { token, atMs: sent.completeMs };
}

/**
 * Tokens live 300 s (Authentication › Step 4); renew after 240 s so none expires mid-flight.
 * OMNIVAS_TOKEN_RENEW_S may only shorten that, so a short run can show renewal.
 */
const TOKEN_RENEW_MS =
  wholeSetting(env(LOAD_ENV.tokenRenewSeconds), LOAD_ENV.tokenRenewSeconds, TOKEN_RENEW_MAX_S, TOKEN_RENEW_MAX_S) *
  1000;
/** Logins that replaced a token past its renewal age: the renewals a run made. */
const renewals = new Counter('token_renewals');

/** This VU's own tokens, by the variable holding their merchant's API key. */
const ownTokens = new Map<string, { token: string; atMs: number }>();

/** The token from setup() while fresh (if there is one), then one per VU, renewed before it expires. */
export function currentToken(
  settings: MerchantSettings,
  shared: { token: string; atMs: number } | undefined,
  apiKeyName: string = LOAD_ENV.apiKey,
): string {
  const fresh = (t: { atMs: number } | undefined) => t !== undefined && Date.now() - t.atMs < TOKEN_RENEW_MS;
  if (shared !== undefined && fresh(shared)) return shared.token;
  let own = ownTokens.get(apiKeyName);
  if (!fresh(own)) {
    if (own !== undefined || shared !== undefined) renewals.add(1);
    ownTokens.set(apiKeyName, (own = login(settings, apiKeyName)));
  }
  return own!.token;
}

export interface OpRecord {
  readonly op: OpKind;
  readonly voucher: string;
  readonly amount: Micro | null;
  readonly idempotencyKey: string;
  readonly claimKey?: string;
  readonly otp?: string;
  readonly faultInjected?: boolean;
  /** Another merchant than the run's own (HistoryOp.merchant). */
  readonly merchant?: string;
}

/** Prints the history line of one operation (lib/history.ts), from what was sent and what came back. */
export function record(settings: MerchantSettings, what: OpRecord, sent: Sent): HistoryOp {
  const op: HistoryOp = {
    runner: settings.runner,
    ...(what.merchant === undefined ? {} : { merchant: what.merchant }),
    vu: __VU,
    iteration: __ITER,
    op: what.op,
    voucher: what.voucher,
    amount: what.amount === null ? null : what.amount.toString(),
    idempotencyKey: what.idempotencyKey,
    ...(what.claimKey === undefined ? {} : { claimKey: what.claimKey }),
    ...(what.otp === undefined ? {} : { otp: what.otp }),
    invokeMs: sent.invokeMs,
    completeMs: sent.completeMs,
    outcome: outcomeOf(sent.status),
    status: sent.status,
    ...(sent.code === undefined ? {} : { code: sent.code }),
    ...(what.op === 'detail' &&
    typeof (sent.data?.voucher as Record<string, unknown> | undefined)?.remainingBalance === 'string'
      ? {
          remainingBalance: moneyFromDecimal(
            (sent.data!.voucher as { remainingBalance: string }).remainingBalance,
          ).toString(),
        }
      : {}),
    ...(what.faultInjected === undefined ? {} : { faultInjected: what.faultInjected }),
  };
  console.log(formatHistoryLine(op));
  return op;
}

/** Claim answers a correct server gives under contention: 200, or 4091 (not enough available), or 4042 (already redeemed). */
export function checkClaim(sent: Sent): void {
  check(sent, { 'claim: 200, 4091 or 4042': (s) => s.status === 200 || s.code === 4091 || s.code === 4042 });
}

export function checkRedeem(sent: Sent): void {
  // 4096 (amount + fee above the balance) and 4032 (already redeemed) are correct refusals once others redeemed first.
  check(sent, {
    'redeem: a redemption, 4096 or 4032': (s) =>
      (s.status === 200 && typeof s.data?.omnivasReferenceNumber === 'string') ||
      s.code === 4096 ||
      s.code === 4032 ||
      s.code === 4044,
  });
}

/** The OTP for the pending claim of `amount` on the voucher, or undefined when there is no OTP source. */
export function otpFor(settings: MerchantSettings, voucher: string, amount: Micro): string | undefined {
  if (settings.otp === 'none') return undefined;
  if (settings.otp === 'fixed') return settings.fixedOtp;
  if (settings.otp === 'bridge') return bridgedOtp(voucher);
  const adminToken = required(LOAD_ENV.adminToken, 'the sandbox admin token (for the SMS outbox)');
  if (settings.adminUrl === undefined)
    throw new HarnessError('CONFIG_INVALID', `${LOAD_ENV.adminUrl} is needed to read the sandbox outbox`);
  // The claim answer names no claim; the SMS names its amount, which the scenarios make unique per voucher.
  const wanted = ` ${formatMoney(amount)} from voucher ${voucher}`;
  const res = http.get(`${settings.adminUrl}/sms?voucherCode=${encodeURIComponent(voucher)}`, {
    headers: { authorization: `Bearer ${adminToken}` },
    tags: { endpoint: 'admin-sms' },
  });
  const messages =
    (
      JSON.parse(typeof res.body === 'string' ? res.body : '{"messages":[]}') as {
        messages?: { otp?: string; text?: string }[];
      }
    ).messages ?? [];
  return messages.filter((m) => m.text?.includes(wanted)).at(-1)?.otp;
}

/** The OTP from the load command's bridge (load/node/otp-bridge.ts), which asks the target's http or command source (by voucher: they know no amount). */
function bridgedOtp(voucher: string): string | undefined {
  const url = required(LOAD_ENV.otpBridgeUrl, 'the OTP bridge URL');
  const token = required(LOAD_ENV.otpBridgeToken, 'the OTP bridge token');
  const res = http.get(`${url}/otp?voucherCode=${encodeURIComponent(voucher)}`, {
    headers: { authorization: `Bearer ${token}` },
    tags: { endpoint: 'otp-bridge' },
    timeout: '130s',
  });
  const otp = res.status === 200 ? (envelopeOf(res) as { otp?: unknown } | undefined)?.otp : undefined;
  return typeof otp === 'string' ? otp : undefined;
}

/** handleSummary's answer: the end-of-test data as JSON where the load command asked for it (OMNIVAS_SUMMARY_PATH), saying which signing mode ran. */
export function summaryFiles(data: unknown): Record<string, string> {
  const path = env(LOAD_ENV.summaryPath);
  const signing = signingReport(
    signingModeOf(env(LOAD_ENV.signing), LOAD_ENV.signing),
    (env(LOAD_ENV.otp) ?? 'none') as OtpMode,
  );
  // setup_data is what setup() handed the VUs (the shared login, a live access token): it stays in
  // the run, never on disk.
  const { setup_data: _handedToVus, ...summary } = data as Record<string, unknown>;
  return path === undefined ? {} : { [path]: JSON.stringify({ signing, ...summary }, null, 2) };
}

export type { VoucherSpec };
