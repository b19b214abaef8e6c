/** One way an answer broke the description: where, what was expected, what came, and the exchange. */
import type { Exchange } from '../lib/node/http-client';

/**
 * - schema: the body does not match the response schema;
 * - echo: a field the request sent did not come back exactly (data.idempotencyKey, data.metadata);
 * - envelope: an error envelope's statusCode, HTTP status and message disagree (the harness's assumption);
 * - status: the description has no answer for this HTTP status;
 * - json: a JSON body was described, something else came.
 */
export type ViolationRule = 'schema' | 'echo' | 'envelope' | 'status' | 'json';

export interface ContractViolation {
  /** The operationId: 'redeem-gift'. */
  readonly operation: string;
  readonly rule: ViolationRule;
  /** A JSON path into the response body: '$.data.idempotencyKey'; '$' for the whole answer. */
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
  /** As the client recorded it: secrets already redacted. */
  readonly exchange: Exchange;
}

/** One line: `redeem-gift HTTP 200: $.data.idempotencyKey expected "k-1" (the request's), got absent`. */
export const describeViolation = (v: ContractViolation): string =>
  `${v.operation} HTTP ${v.exchange.status ?? '—'}: ${v.path} expected ${v.expected}, got ${v.actual}`;

/** A value for a message: JSON, cut to 120 characters; `absent` for a missing field. */
export function shownValue(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** '$' + a JSON pointer's segments: '/data/items/0' → '$.data.items[0]'. */
export function jsonPath(segments: readonly (string | number)[]): string {
  return segments.reduce<string>(
    (path, s) =>
      typeof s === 'number' || /^\d+$/.test(String(s))
        ? `${path}[${s}]`
        : /^[A-Za-z_$][\w$]*$/.test(String(s))
          ? `${path}.${s}`
          : `${path}[${JSON.stringify(s)}]`,
    '$',
  );
}
