/**
 * What a schema cannot say. The fields a description marks `x-echo: request.NAME` must be exactly
 * what the request sent (merchant API v1.0 › 1. Initiate Claim and 3. Redeem Gift › Response Body
 * Explanations: "allows you to verify response matches your submission"): string equality, so a
 * metadata string that comes back parsed into an object is a violation. And an error envelope's
 * statusCode agrees with the HTTP status and, for a documented code, carries the documented message
 * (the harness's assumption, docs/design.md › Error envelope).
 */
import { apiError, httpStatusOf, isApiErrorCode } from '../lib/error-catalog';
import type { OpenApiDocument } from './openapi-files';
import { resolveLocalRef } from './operations';

type Json = Readonly<Record<string, unknown>>;

export interface EchoField {
  /** Where in the response body: ['data', 'idempotencyKey']. */
  readonly responsePath: readonly string[];
  /** The top-level request body field it echoes. */
  readonly requestField: string;
}

/** The `x-echo` fields of a response schema, through $ref and allOf. */
export function echoFieldsOf(document: OpenApiDocument, schema: Json, prefix: readonly string[] = []): EchoField[] {
  if (typeof schema.$ref === 'string') return echoFieldsOf(document, resolveLocalRef(document, schema.$ref), prefix);
  const out: EchoField[] = [];
  for (const part of (schema.allOf ?? []) as Json[]) out.push(...echoFieldsOf(document, part, prefix));
  for (const [name, sub] of Object.entries((schema.properties ?? {}) as Readonly<Record<string, Json>>)) {
    const echo = sub['x-echo'];
    if (typeof echo === 'string' && echo.startsWith('request.'))
      out.push({ responsePath: [...prefix, name], requestField: echo.slice('request.'.length) });
    out.push(...echoFieldsOf(document, sub, [...prefix, name]));
  }
  return out;
}

export interface RuleBreach {
  readonly path: readonly string[];
  readonly expected: string;
  readonly actual: unknown;
}

const at = (value: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>(
    (node, key) => (typeof node === 'object' && node !== null ? (node as Json)[key] : undefined),
    value,
  );

/** Echo breaches: only for fields the request sent (what comes back for an absent one is not documented). */
export function echoBreaches(
  fields: readonly EchoField[],
  requestBody: string | undefined,
  response: unknown,
): RuleBreach[] {
  let request: unknown;
  try {
    request = requestBody === undefined ? undefined : JSON.parse(requestBody);
  } catch {
    return [];
  }
  if (typeof request !== 'object' || request === null) return [];
  const breaches: RuleBreach[] = [];
  for (const field of fields) {
    const sent = (request as Json)[field.requestField];
    if (sent === undefined) continue;
    const got = at(response, field.responsePath);
    if (got !== sent)
      breaches.push({
        path: field.responsePath,
        expected: `${JSON.stringify(sent)} (the request's ${field.requestField}, exactly)`,
        actual: got,
      });
  }
  return breaches;
}

/** 5031's documented message has a placeholder for the provider's words. */
function documentedMessageHolds(code: number, message: string): boolean {
  const documented = isApiErrorCode(code) ? apiError(code).message : undefined;
  if (documented === undefined) return true;
  const placeholder = documented.indexOf('[Provider error message]');
  return placeholder === -1 ? message === documented : message.startsWith(documented.slice(0, placeholder));
}

/** An error envelope's statusCode against the HTTP status, and a documented code's message. */
export function envelopeBreaches(httpStatus: number, body: unknown): RuleBreach[] {
  if (typeof body !== 'object' || body === null) return [];
  const { statusCode, message, success } = body as Json;
  if (success !== false || typeof statusCode !== 'number' || !Number.isInteger(statusCode)) return [];
  const breaches: RuleBreach[] = [];
  if (httpStatusOf(statusCode) !== httpStatus)
    breaches.push({
      path: ['statusCode'],
      expected:
        statusCode >= 1000
          ? `a code whose first three digits are the HTTP status ${httpStatus}`
          : `the HTTP status ${httpStatus}`,
      actual: statusCode,
    });
  if (typeof message === 'string' && !documentedMessageHolds(statusCode, message))
    breaches.push({
      path: ['message'],
      expected: `${JSON.stringify(apiError(statusCode as Parameters<typeof apiError>[0]).message)} (the documented message of ${statusCode})`,
      actual: message,
    });
  return breaches;
}
