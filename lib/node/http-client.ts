/**
 * HTTP clients for the two authentication profiles (docs/design.md › Two authentication profiles), over
 * undici, sharing one request path that records every exchange in a bounded transcript with
 * secrets redacted before anything is stored. What a check logs or reports comes from the
 * transcript; the ApiResponse a call returns is the raw answer, for checks to inspect.
 */
import { request } from 'undici';
import type { Dispatcher } from 'undici';
import { base64DecodeLenient, utf8Decode } from '../bytes';
import { ENDPOINTS } from '../endpoint-catalog';
import type { EndpointId } from '../endpoint-catalog';
import { describeValue, HarnessError } from '../errors';
import type { PrivateKey } from '../keys';
import {
  initiateClaimBody,
  loginBody,
  merchantRequest,
  newIdempotencyKey,
  partnerHeaders,
  redeemGiftBody,
} from '../payloads';
import type { InitiateClaimInput, RedeemGiftInput } from '../payloads';
import { cryptoRandom } from '../random';
import { createRedactor, REDACTION_MARKER, registerPrivateKey } from '../redact';
import type { Redactor } from '../redact';
import { signBody } from '../signature';
import { validateSigningTemplate } from '../signing-template';
import type { InitiatePath } from '../target-config';

/** One request and its answer, as recorded: secrets already redacted. */
export interface Exchange {
  readonly method: string;
  readonly url: string;
  readonly requestHeaders: Readonly<Record<string, string>>;
  /** The body as sent (redacted), or undefined when none was sent. */
  readonly requestBody: string | undefined;
  /** Undefined when no answer came (see `error`). */
  readonly status: number | undefined;
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly responseBody: string | undefined;
  /** The parsed body when it is JSON, else undefined. */
  readonly responseJson: unknown;
  /** Clock readings (ms) when the request started and the answer was read. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** Why no answer came: connection refused, timeout… */
  readonly error: string | undefined;
}

/** The raw answer, unredacted, for checks to inspect. Log `exchange`, never this. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  /** The parsed body when it is JSON, else undefined. */
  readonly json: unknown;
  readonly exchange: Exchange;
}

export interface ClientOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly privateKey: PrivateKey;
  /** Milliseconds since the epoch; inject one to test token renewal and timestamps. */
  readonly clock?: () => number;
  readonly dispatcher?: Dispatcher;
  /** Shared with report writers; the client registers the API key, the key and each token with it. */
  readonly redactor?: Redactor;
  readonly onExchange?: (exchange: Exchange) => void;
  /** For the whole exchange, connection to last body byte. Default 10 000. */
  readonly timeoutMs?: number;
  /** How many exchanges the transcript keeps, the most recent. Default 1 000. */
  readonly transcriptLimit?: number;
  /**
   * The target's health record, shared by every client of one target (createTargetHealth), so
   * that a target that stopped answering ends the whole run early; default: one of its own.
   */
  readonly health?: TargetHealth;
}

// ---- the target's health ----------------------------------------------------------------------

/**
 * Consecutive requests to one target that got no answer (timeout, reset, refused). After `limit`
 * in a row every later request fails at once with TARGET_UNRESPONSIVE instead of waiting out its
 * own timeout: against a target that never answers, a certification would otherwise take the
 * timeout times every request it makes. Any answer, whatever its status, resets the count.
 */
export interface TargetHealth {
  readonly target: string;
  /** Requests in a row that got no answer. */
  readonly unanswered: number;
  /** Why the run must stop (the TARGET_UNRESPONSIVE message) once the limit is reached; else undefined. */
  readonly stopReason: string | undefined;
  /** Throws TARGET_UNRESPONSIVE once the limit is reached; called before each request. */
  assertResponsive(): void;
  noAnswer(reason: string): void;
  answered(): void;
}

export const UNANSWERED_LIMIT = 3;

export function createTargetHealth(target: string, limit = UNANSWERED_LIMIT): TargetHealth {
  let unanswered = 0;
  let lastReason = '';
  const stopReason = () =>
    unanswered >= limit
      ? `${target} left ${unanswered} requests in a row without an answer (last: ${lastReason}); the run stops here rather than wait on every request: check that the target is running and answering at that baseUrl, then run again`
      : undefined;
  return {
    target,
    get unanswered() {
      return unanswered;
    },
    get stopReason() {
      return stopReason();
    },
    assertResponsive() {
      const reason = stopReason();
      if (reason !== undefined) throw new HarnessError('TARGET_UNRESPONSIVE', reason);
    },
    noAnswer(reason) {
      unanswered += 1;
      lastReason = reason;
    },
    answered() {
      unanswered = 0;
    },
  };
}

/** Headers to set on top of the client's own; null removes one of the client's (to send no token, say). */
export type HeaderOverrides = Readonly<Record<string, string | null>>;

// ---- the shared request path ----------------------------------------------------------------

interface OutgoingRequest {
  readonly method: string;
  /** Relative to the base URL, starting with "/". */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  /** Registers secrets found in the answer (a login's token) before the exchange is recorded. */
  readonly learnSecrets?: (json: unknown) => void;
}

interface Transport {
  exchange(request: OutgoingRequest): Promise<ApiResponse>;
  transcript(): readonly Exchange[];
  readonly redactor: Redactor;
  readonly clock: () => number;
  /** The base URL's path, without a trailing slash. */
  readonly basePath: string;
}

const UNREACHABLE_REASONS: ReadonlyMap<string, string> = new Map([
  ['ECONNREFUSED', 'connection refused'],
  ['ENOTFOUND', 'host name not found (DNS)'],
  ['EAI_AGAIN', 'host name lookup failed (DNS)'],
  ['ECONNRESET', 'the connection was reset'],
  ['UND_ERR_SOCKET', 'the connection closed before an answer'],
  ['UND_ERR_CONNECT_TIMEOUT', 'timed out connecting'],
  ['EHOSTUNREACH', 'no route to host'],
  ['ENETUNREACH', 'network unreachable'],
]);

function unreachableReason(err: unknown, timeoutMs: number): string {
  const e = err as { name?: unknown; code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const code = e.code ?? e.cause?.code;
  if (e.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return `no answer within ${timeoutMs / 1000} s`;
  if (typeof code === 'string')
    return UNREACHABLE_REASONS.get(code) ?? (/CERT|SSL|TLS/.test(code) ? `TLS certificate problem (${code})` : code);
  return String(e.message ?? err);
}

function flattenHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** A response body's JSON, or undefined when it is empty or not JSON. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function createTransport(options: ClientOptions): Transport {
  const clock = options.clock ?? Date.now;
  const redactor = options.redactor ?? createRedactor();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const limit = options.transcriptLimit ?? 1_000;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const parsed = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search !== '') {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"baseUrl" expected an http:// or https:// URL without a ?query, got ${describeValue(options.baseUrl)}`,
    );
  }
  const log: Exchange[] = [];
  const health = options.health ?? createTargetHealth(baseUrl);

  redactor.add(options.apiKey, 'api-key');
  registerPrivateKey(redactor, options.privateKey);

  function record(exchange: Exchange): Exchange {
    const frozen = Object.freeze(exchange);
    log.push(frozen);
    if (log.length > limit) log.splice(0, log.length - limit);
    options.onExchange?.(frozen);
    return frozen;
  }

  async function exchange(req: OutgoingRequest): Promise<ApiResponse> {
    if (typeof req.path !== 'string' || !req.path.startsWith('/'))
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `"path" expected a path starting with "/", got ${describeValue(req.path)}`,
      );
    const url = baseUrl + req.path;
    health.assertResponsive();
    const startedAt = clock();
    const sent = {
      method: req.method,
      url: redactor.redactText(url),
      requestHeaders: redactor.redactHeaders(req.headers),
      requestBody: req.body === undefined ? undefined : redactor.redactText(req.body),
      startedAt,
    };
    let status: number;
    let headers: Record<string, string>;
    let text: string;
    try {
      const res = await request(url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: AbortSignal.timeout(timeoutMs),
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      });
      status = res.statusCode;
      headers = flattenHeaders(res.headers);
      text = await res.body.text();
    } catch (err) {
      // undici refuses some odd requests itself (a header value with a line break): that is the caller's, not the target's.
      const refusedLocally = (err as { code?: unknown }).code === 'UND_ERR_INVALID_ARG';
      const reason = refusedLocally
        ? `undici will not send it: ${String((err as Error).message)}`
        : unreachableReason(err, timeoutMs);
      record({
        ...sent,
        status: undefined,
        responseHeaders: {},
        responseBody: undefined,
        responseJson: undefined,
        endedAt: clock(),
        error: redactor.redactText(reason),
      });
      if (!refusedLocally) health.noAnswer(redactor.redactText(reason));
      if (refusedLocally)
        throw new HarnessError('INVALID_ARGUMENT', redactor.redactText(`cannot send ${req.method} ${url}: ${reason}`), {
          cause: err,
        });
      throw new HarnessError(
        'TARGET_UNREACHABLE',
        redactor.redactText(`cannot reach ${url}: ${reason}; is the target running? check baseUrl in the target file`),
        { cause: err },
      );
    }
    health.answered();
    const json = parseJsonBody(text);
    req.learnSecrets?.(json);
    const recorded = record({
      ...sent,
      status,
      responseHeaders: redactor.redactHeaders(headers),
      responseBody: redactor.redactText(text),
      responseJson: redactor.redactValue(json),
      endedAt: clock(),
      error: undefined,
    });
    return { status, headers, text, json, exchange: recorded };
  }

  return {
    exchange,
    transcript: () => Object.freeze(log.slice()),
    redactor,
    clock,
    basePath: parsed.pathname.replace(/\/+$/, ''),
  };
}

/** The client's headers with the caller's overrides applied, names compared case-insensitively. */
function withOverrides(
  headers: Readonly<Record<string, string>>,
  overrides: HeaderOverrides | undefined,
): Record<string, string> {
  const out = { ...headers };
  for (const [name, value] of Object.entries(overrides ?? {})) {
    for (const existing of Object.keys(out)) if (existing.toLowerCase() === name.toLowerCase()) delete out[existing];
    if (value !== null) out[name] = value;
  }
  return out;
}

const overridesHeader = (headers: HeaderOverrides | undefined, name: string): boolean =>
  Object.keys(headers ?? {}).some((h) => h.toLowerCase() === name);

/** A documented JSON answer that is not JSON is the target's fault; the raw answer stays in the transcript. */
function requireJson(response: ApiResponse): ApiResponse {
  if (response.json !== undefined) return response;
  const { method, url } = response.exchange;
  const type = response.headers['content-type'] ?? 'no content-type';
  throw new HarnessError(
    'TARGET_MALFORMED_RESPONSE',
    `${method} ${url} answered HTTP ${response.status} with ${response.text.length} characters that are not JSON (${type}); the API documents a JSON body. The raw answer is in the transcript`,
  );
}

// ---- merchant-v1 ----------------------------------------------------------------------------

export interface MerchantClientOptions extends ClientOptions {
  /** Log in again when fewer seconds than this remain of the token's life. Default 30. */
  readonly renewBeforeSeconds?: number;
  /** Assumed when the token carries no `exp` (merchant API v1.0 › Authentication › Step 4: 300 s). */
  readonly tokenLifetimeSeconds?: number;
}

export interface MerchantSendRequest {
  readonly method: string;
  /** Relative to the base URL, starting with "/". */
  readonly path: string;
  /** The exact bytes to send. */
  readonly body?: string;
  readonly headers?: HeaderOverrides;
  /**
   * true signs `body` with signBody; { signature } sends that value as x-signature; false sends
   * none. Default: the documented rule, every POST under /topup-transactions.
   */
  readonly sign?: boolean | { readonly signature: string };
}

export interface MerchantClient {
  /** Logs in now (sharing a login already in flight) and caches the token. */
  login(): Promise<ApiResponse>;
  test(): Promise<ApiResponse>;
  initiateClaim(input: InitiateClaimInput, options?: { readonly path?: InitiatePath }): Promise<ApiResponse>;
  voucherDetail(voucherCode: string): Promise<ApiResponse>;
  redeemGift(input: RedeemGiftInput): Promise<ApiResponse>;
  /** Sends anything, for checks that need odd requests; adds the token unless `headers` sets x-api-token. */
  send(request: MerchantSendRequest): Promise<ApiResponse>;
  transcript(): readonly Exchange[];
}

type Claims = Readonly<Record<string, unknown>>;

function jwtClaims(token: string): Claims | undefined {
  const parts = token.split('.');
  const payload = parts.length === 3 ? base64DecodeLenient(parts[1]!) : undefined;
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(utf8Decode(payload));
    return typeof claims === 'object' && claims !== null ? (claims as Claims) : undefined;
  } catch {
    return undefined;
  }
}

/** When the token stops working, in the client's clock. */
function tokenExpiry(token: string, loginStartedAt: number, lifetimeMs: number): number {
  const { exp, iat } = jwtClaims(token) ?? {};
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return loginStartedAt + lifetimeMs;
  // exp − iat is the lifetime the server meant; counted from our own clock it is immune to skew between the two clocks.
  if (typeof iat === 'number' && Number.isFinite(iat) && exp > iat) return loginStartedAt + (exp - iat) * 1000;
  return exp * 1000;
}

/** The token from a login answer, if it has one. */
const accessTokenOf = (json: unknown): string | undefined => {
  const token = (json as { accessToken?: unknown } | undefined)?.accessToken;
  return typeof token === 'string' && token !== '' ? token : undefined;
};

export function createMerchantClient(options: MerchantClientOptions): MerchantClient {
  const transport = createTransport(options);
  const { redactor, clock } = transport;
  const renewBeforeMs = (options.renewBeforeSeconds ?? 30) * 1000;
  const lifetimeMs = (options.tokenLifetimeSeconds ?? 300) * 1000;
  let session: { token: string; renewAt: number } | undefined;
  let pendingLogin: Promise<ApiResponse> | undefined;

  async function loginNow(): Promise<ApiResponse> {
    const startedAt = clock();
    const response = await transport.exchange({
      ...merchantRequest('login', { body: loginBody(options.apiKey) }),
      learnSecrets: (json) => {
        const token = accessTokenOf(json);
        if (token !== undefined) redactor.add(token, 'access-token');
      },
    });
    // A refusal is a refusal even in HTML (a gateway turning away an address that is not whitelisted).
    const token = response.status >= 300 ? undefined : accessTokenOf(requireJson(response).json);
    if (token === undefined) {
      const said = (response.json as { message?: unknown; statusCode?: unknown } | null | undefined) ?? {};
      const message = typeof said.message === 'string' ? `, saying ${JSON.stringify(said.message.slice(0, 200))}` : '';
      const code = typeof said.statusCode === 'number' ? ` (statusCode ${said.statusCode})` : '';
      const what = response.status >= 300 ? 'refused the login' : 'answered the login without an accessToken';
      // A server error says nothing about the credentials: blaming the API key would send the user the wrong way.
      if (response.status >= 500)
        throw new HarnessError(
          'TARGET_FAILED',
          redactor.redactText(
            `${response.exchange.url} failed on the login: HTTP ${response.status}${code}${message}; a server error is the target's fault, not your credentials': check the target (its logs, its status) and run again`,
          ),
        );
      throw new HarnessError(
        'LOGIN_FAILED',
        redactor.redactText(
          `${response.exchange.url} ${what}: HTTP ${response.status}${code}${message}; check the API key (auth.apiKeyEnv) and that this machine's address is whitelisted in the portal (merchant API v1.0 › Authentication › Step 2)`,
        ),
      );
    }
    session = { token, renewAt: tokenExpiry(token, startedAt, lifetimeMs) - renewBeforeMs };
    return response;
  }

  /** One login in flight at a time, shared by every caller that needs a token meanwhile. */
  function login(): Promise<ApiResponse> {
    pendingLogin ??= loginNow().finally(() => {
      pendingLogin = undefined;
    });
    return pendingLogin;
  }

  async function accessToken(): Promise<string> {
    if (session === undefined || clock() >= session.renewAt) await login();
    return session!.token;
  }

  async function call(endpoint: EndpointId, params: { body?: string; voucherCode?: string }): Promise<ApiResponse> {
    const prepared = merchantRequest(endpoint, {
      accessToken: await accessToken(),
      key: options.privateKey,
      ...params,
    });
    return requireJson(await transport.exchange(prepared));
  }

  async function send(req: MerchantSendRequest): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    if (req.path !== ENDPOINTS.login.path && !overridesHeader(req.headers, 'x-api-token'))
      headers['x-api-token'] = await accessToken();
    // merchant API v1.0 › Authentication › Step 3, NOTE: POSTs under /topup-transactions are signed, GETs are not.
    const sign = req.sign ?? (req.method.toUpperCase() === 'POST' && req.path.startsWith('/topup-transactions/'));
    if (sign !== false)
      headers['x-signature'] = sign === true ? signBody(options.privateKey, req.body ?? '').signature : sign.signature;
    return transport.exchange({
      method: req.method,
      path: req.path,
      headers: withOverrides(headers, req.headers),
      body: req.body,
    });
  }

  return {
    login,
    test: () => call('test', {}),
    initiateClaim: (input, { path = 'initiate-claim' } = {}) => call(path, { body: initiateClaimBody(input) }),
    voucherDetail: (voucherCode) => call('voucher-detail', { voucherCode }),
    redeemGift: (input) => call('redeem-gift', { body: redeemGiftBody(input) }),
    send,
    transcript: transport.transcript,
  };
}

// ---- partner --------------------------------------------------------------------------------

export interface PartnerClientOptions extends ClientOptions {
  /** The string-to-sign template from the target config (lib/signing-template.ts). */
  readonly signingTemplate: string;
}

export interface PartnerSendRequest {
  readonly method: string;
  /** Relative to the base URL, starting with "/". */
  readonly path: string;
  readonly body?: string;
  /** Writes: undefined sends a fresh key, null sends none (to check the target refuses that). */
  readonly idempotencyKey?: string | null;
  readonly headers?: HeaderOverrides;
}

export interface PartnerClient {
  send(request: PartnerSendRequest): Promise<ApiResponse>;
  transcript(): readonly Exchange[];
}

const READS = ['GET', 'HEAD', 'OPTIONS'];

export function createPartnerClient(options: PartnerClientOptions): PartnerClient {
  if (options.privateKey.type !== 'ed25519') {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"privateKey" expected an Ed25519 key: partner X-Signature is Ed25519 (onboarding › Request Authentication), got ${options.privateKey.type}`,
    );
  }
  const template = validateSigningTemplate(options.signingTemplate);
  const transport = createTransport(options);
  const random = cryptoRandom();

  async function send(req: PartnerSendRequest): Promise<ApiResponse> {
    const write = !READS.includes(req.method.toUpperCase());
    const idempotencyKey =
      req.idempotencyKey === null ? undefined : (req.idempotencyKey ?? (write ? newIdempotencyKey(random) : undefined));
    const headers = partnerHeaders({
      apiKey: options.apiKey,
      key: options.privateKey,
      template,
      method: req.method,
      // The server sees, and so verifies, the whole path: the base URL's and the request's.
      path: transport.basePath + req.path,
      body: req.body ?? '',
      timestampSeconds: Math.floor(transport.clock() / 1000),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    return transport.exchange({
      method: req.method,
      path: req.path,
      headers: withOverrides(headers, req.headers),
      body: req.body,
    });
  }

  return { send, transcript: transport.transcript };
}

// ---- replaying an exchange --------------------------------------------------------------------

/** Environment variables a replayed command reads redacted values from. */
const CURL_VARIABLES: ReadonlyMap<string | undefined, string> = new Map([
  ['access-token', 'OMNIVAS_API_TOKEN'],
  ['api-key', 'OMNIVAS_API_KEY'],
  ['jwt', 'OMNIVAS_API_TOKEN'],
]);

const curlVariable = (label: string | undefined): string =>
  CURL_VARIABLES.get(label) ?? `OMNIVAS_${(label ?? 'secret').toUpperCase().replace(/-/g, '_')}`;

const singleQuoted = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** One shell word: literal text single-quoted, each redaction marker a double-quoted $VARIABLE. */
function shellWord(text: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(REDACTION_MARKER)) {
    if (m.index > last) parts.push(singleQuoted(text.slice(last, m.index)));
    parts.push(`"$${curlVariable(m[1])}"`);
    last = m.index + m[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push(singleQuoted(text.slice(last)));
  return parts.join('');
}

/**
 * A curl command that replays `exchange`: secrets appear as $OMNIVAS_API_TOKEN, $OMNIVAS_API_KEY…,
 * the body is passed exactly as recorded.
 */
export function toCurl(exchange: Exchange): string {
  const words = [
    `curl -X ${/^[A-Za-z]+$/.test(exchange.method) ? exchange.method : shellWord(exchange.method)} ${shellWord(exchange.url)}`,
  ];
  const names = Object.keys(exchange.requestHeaders).map((name) => name.toLowerCase());
  for (const [name, value] of Object.entries(exchange.requestHeaders))
    words.push(`-H ${shellWord(`${name}: ${value}`)}`);
  if (exchange.requestBody !== undefined) {
    // curl would add its own form content type; an empty header value tells it not to.
    if (!names.includes('content-type')) words.push(`-H 'Content-Type:'`);
    // --data-binary reads a file when the data starts with @; --data-raw sends it as is.
    words.push(
      `${exchange.requestBody.startsWith('@') ? '--data-raw' : '--data-binary'} ${shellWord(exchange.requestBody)}`,
    );
  }
  return words.join(' \\\n  ');
}
