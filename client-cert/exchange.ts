/**
 * One recorded exchange as the grading rules read it: which endpoint, the body as sent and as the
 * server re-serialises it, the credentials it carried, the idempotency key, and what came back.
 * Built from what the sandbox's tap recorded (sandbox/exchange-tap.ts), so it holds the bytes the
 * client really sent, not what a client library says it sent.
 */
import { base64DecodeLenient, utf8Decode } from '../lib/bytes';
import { MERCHANT_BASE_PATH } from '../lib/endpoint-catalog';
import { parseJsonBody } from '../lib/node/http-client';
import type { TappedExchange } from '../sandbox';

export type ClientEndpoint = 'login' | 'test' | 'initiate' | 'detail' | 'redeem' | 'other';

export interface ClientExchange {
  readonly seq: number;
  /** The scenario running when it arrived, or undefined between scenarios. */
  readonly scenario: string | undefined;
  readonly method: string;
  /** Relative to the merchant base URL when under it. */
  readonly path: string;
  readonly endpoint: ClientEndpoint;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as sent (UTF-8 of the bytes). */
  readonly body: string;
  /** The parsed body when it is a JSON object. */
  readonly json: Readonly<Record<string, unknown>> | undefined;
  /** JSON.stringify(JSON.parse(body)): what the server verifies and compares. */
  readonly canonical: string | undefined;
  readonly token: string | undefined;
  readonly signature: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly voucherCode: string | undefined;
  readonly origin: string;
  readonly arrivedAt: number;
  readonly sandboxAt: number;
  /** Undefined when no answer reached the client (it gave up waiting, or the connection was cut). */
  readonly answer: ClientAnswer | undefined;
  readonly closedAt: number | undefined;
}

export interface ClientAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The envelope's statusCode (a documented code such as 4091, or the HTTP status). */
  readonly code: number | undefined;
  readonly json: Readonly<Record<string, unknown>> | undefined;
  readonly sentAt: number;
}

const ROUTES: readonly [string, RegExp, ClientEndpoint][] = [
  ['POST', /^\/auth\/login$/, 'login'],
  ['POST', /^\/test$/, 'test'],
  ['POST', /^\/topup-transactions\/(?:initiate-claim|initiate-redeem)$/, 'initiate'],
  ['POST', /^\/topup-transactions\/redeem-gift$/, 'redeem'],
  ['GET', /^\/topup-transactions\/[^/]+$/, 'detail'],
];

function jsonObject(text: string): Record<string, unknown> | undefined {
  const value = parseJsonBody(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function endpointOf(method: string, path: string): ClientEndpoint {
  return ROUTES.find(([m, re]) => m === method && re.test(path))?.[2] ?? 'other';
}

export function toClientExchange(tapped: TappedExchange, scenario: string | undefined): ClientExchange {
  const { request, answer } = tapped;
  const pathOnly = request.url.split('?')[0]!;
  const path = pathOnly.startsWith(MERCHANT_BASE_PATH) ? pathOnly.slice(MERCHANT_BASE_PATH.length) : pathOnly;
  const endpoint = endpointOf(request.method, path);
  const body = utf8Decode(request.body);
  const json = jsonObject(body);
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const answerJson = answer === undefined ? undefined : jsonObject(answer.body);
  const detailCode = endpoint === 'detail' ? decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) : undefined;
  return {
    seq: request.seq,
    scenario,
    method: request.method,
    path,
    endpoint,
    headers: request.headers,
    body,
    json,
    canonical: json === undefined ? undefined : JSON.stringify(json),
    token: request.headers['x-api-token'],
    signature: request.headers['x-signature'],
    idempotencyKey: text(json?.idempotencyKey),
    voucherCode: detailCode ?? (json?.voucherCode === undefined ? undefined : String(json.voucherCode)),
    origin: request.origin,
    arrivedAt: request.arrivedAt,
    sandboxAt: request.sandboxAt,
    answer:
      answer === undefined
        ? undefined
        : {
            status: answer.status,
            body: answer.body,
            headers: answer.headers,
            code: typeof answerJson?.statusCode === 'number' ? answerJson.statusCode : undefined,
            json: answerJson,
            sentAt: answer.sentAt,
          },
    closedAt: tapped.closedAt,
  };
}

/** A POST under /topup-transactions: the writes that carry x-signature and an idempotency key. */
export const isWrite = (x: ClientExchange): boolean => x.endpoint === 'initiate' || x.endpoint === 'redeem';

/**
 * No answer, a 5xx or a 409 "still in flight": the outcome is unknown, so the client must retry the
 * same request. A 409 whose statusCode is 4091 is a final refusal (documented codes travel with
 * their first three digits as HTTP status), not an in-flight conflict.
 */
export function isTransient(x: ClientExchange): boolean {
  if (x.answer === undefined || x.answer.status >= 500) return true;
  return x.answer.status === 409 && documentedRefusal(x) === undefined;
}

/** A documented four-digit refusal in 4000–4999 (4091, 4035, 4036…): the request's final outcome. */
export function documentedRefusal(x: ClientExchange): number | undefined {
  const code = x.answer?.code;
  return code !== undefined && code >= 4000 && code <= 4999 ? code : undefined;
}

/** What a request asks for, idempotency key and metadata aside: two requests with the same content are the same request. */
export function requestContent(x: ClientExchange): string | undefined {
  if (x.json === undefined) return undefined;
  const { idempotencyKey: _k, metadata: _m, ...rest } = x.json;
  return JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The access token's expiry (its `exp`, sandbox clock seconds), read without verifying: the sandbox made it. */
export function tokenExpiry(token: string | undefined): number | undefined {
  const payload = token?.split('.')[1];
  const bytes = payload === undefined ? undefined : base64DecodeLenient(payload);
  if (bytes === undefined) return undefined;
  const exp = jsonObject(utf8Decode(bytes))?.exp;
  return typeof exp === 'number' ? exp : undefined;
}

/** A one-line description of an exchange for progress lines and notes. */
export function describeExchange(x: ClientExchange): string {
  const outcome =
    x.answer === undefined
      ? 'no answer reached the client'
      : `${x.answer.status}${x.answer.code !== undefined && x.answer.code !== x.answer.status ? `/${x.answer.code}` : ''}`;
  const key = x.idempotencyKey === undefined ? '' : ` key ${x.idempotencyKey}`;
  return `#${x.seq} ${x.method} ${x.path}${key} → ${outcome}`;
}
