/**
 * Request builders shared by the conformance suites, the k6 scenarios and the client. Bodies are
 * built as the document's examples build them (JSON.stringify of an object, field order as
 * documented) and signed over exactly that string. Randomness is injected so runs replay.
 */
import { ENDPOINTS, endpointPath } from './endpoint-catalog';
import type { EndpointId } from './endpoint-catalog';
import { HarnessError } from './errors';
import type { PrivateKey } from './keys';
import type { Micro } from './money';
import { moneyToJsonNumber } from './money';
import type { RandomSource } from './random';
import { randomString } from './random';
import { signBody, signMessage } from './signature';
import { renderSigningTemplate } from './signing-template';

/** A unique idempotency key: prefix, then 22 random alphanumerics (~131 bits). */
export function newIdempotencyKey(random: RandomSource, prefix = 'ik'): string {
  return `${prefix}-${randomString(random, 22)}`;
}

export interface InitiateClaimInput {
  readonly voucherCode: string;
  /** Omitted: the server claims the whole available balance. */
  readonly amount?: Micro;
  readonly idempotencyKey: string;
  readonly metadata?: string;
}

export interface RedeemGiftInput {
  readonly voucherCode: string;
  readonly verificationCode: string;
  readonly msisdn?: string;
  readonly idempotencyKey: string;
  readonly metadata?: string;
}

export function loginBody(apiKey: string): string {
  return JSON.stringify({ key: apiKey });
}

/** Field order follows the document's examples; absent optional fields are left out. */
export function initiateClaimBody(input: InitiateClaimInput): string {
  return JSON.stringify({
    voucherCode: input.voucherCode,
    ...(input.amount === undefined ? {} : { amount: moneyToJsonNumber(input.amount) }),
    idempotencyKey: input.idempotencyKey,
    ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
  });
}

export function redeemGiftBody(input: RedeemGiftInput): string {
  return JSON.stringify({
    voucherCode: input.voucherCode,
    verificationCode: input.verificationCode,
    ...(input.msisdn === undefined ? {} : { msisdn: input.msisdn }),
    idempotencyKey: input.idempotencyKey,
    ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
  });
}

export interface PreparedRequest {
  readonly method: 'GET' | 'POST';
  /** Relative to the target's base URL. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The exact bytes to send (undefined for GET). */
  readonly body: string | undefined;
}

/**
 * A merchant-v1 request: token header always, x-signature over the server's re-serialisation on
 * signed endpoints (Authentication › Step 3), no signature on GETs. `signature`: one made earlier
 * over this very body (a pre-signed corpus), sent instead of signing with `key`.
 */
export function merchantRequest(
  endpoint: EndpointId,
  options: { accessToken?: string; key?: PrivateKey; signature?: string; body?: string; voucherCode?: string },
): PreparedRequest {
  const spec = ENDPOINTS[endpoint];
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (spec.needsToken) {
    if (options.accessToken === undefined)
      throw new HarnessError('INVALID_ARGUMENT', `"accessToken" is required for ${spec.method} ${spec.path}`);
    headers['x-api-token'] = options.accessToken;
  }
  if (spec.signed) {
    const { key, signature, body } = options;
    if ((key === undefined && signature === undefined) || body === undefined)
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `"key" and "body" are required to sign ${spec.method} ${spec.path} (or "signature", made earlier over the body, in place of "key")`,
      );
    headers['x-signature'] = signature ?? signBody(key!, body).signature;
  }
  const voucherCode = options.voucherCode === undefined ? {} : { voucherCode: options.voucherCode };
  return { method: spec.method, path: endpointPath(endpoint, voucherCode), headers, body: options.body };
}

export interface PartnerSigningInput {
  readonly apiKey: string;
  readonly key: PrivateKey;
  readonly template: string;
  readonly method: string;
  /** The request path (with query) as the server sees it. */
  readonly path: string;
  readonly body: string;
  readonly timestampSeconds: number;
  /** Required on partner write endpoints (onboarding › Request Authentication). */
  readonly idempotencyKey?: string;
}

/** X-API-Key, X-Timestamp (Unix seconds), X-Signature (base64 Ed25519 over the template), Idempotency-Key. */
export function partnerHeaders(input: PartnerSigningInput): Record<string, string> {
  if (!Number.isSafeInteger(input.timestampSeconds))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"timestampSeconds" expected whole Unix seconds, got ${input.timestampSeconds}`,
    );
  const timestamp = String(input.timestampSeconds);
  const stringToSign = renderSigningTemplate(input.template, {
    timestamp,
    method: input.method,
    path: input.path,
    body: input.body,
    apiKey: input.apiKey,
    idempotencyKey: input.idempotencyKey ?? '',
  });
  return {
    'x-api-key': input.apiKey,
    'x-timestamp': timestamp,
    'x-signature': signMessage(input.key, stringToSign),
    ...(input.idempotencyKey === undefined ? {} : { 'idempotency-key': input.idempotencyKey }),
  };
}
