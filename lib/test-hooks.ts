/**
 * The test-hook convention (docs/test-hooks.md): on a TEST environment started with test hooks on,
 * a write that carries `x-omnivas-test-fault: <code>` is answered with that documented code, as if
 * the failure had happened inside the operation — which then has no effect and leaves the
 * idempotency key free. It provokes the codes no outside request can (provider and database
 * failures, 4092–4095, 4091 on redeem). A server without hooks on ignores the header.
 */
import { documentedPairs } from './error-catalog';
import type { ApiErrorCode, CodedEndpoint } from './error-catalog';

export const TEST_FAULT_HEADER = 'x-omnivas-test-fault';
/** The provider message a 5031 carries (the documented "[Provider error message]"). */
export const TEST_FAULT_MESSAGE_HEADER = 'x-omnivas-test-fault-message';

/** The documented code a hook header asks for on this endpoint, or why it cannot be honoured. */
export function testFaultCode(
  endpoint: CodedEndpoint,
  value: string,
): { readonly code: ApiErrorCode } | { readonly problem: string } {
  const code = /^\d{4}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  const pair = documentedPairs().find((p) => p.endpoint === endpoint && p.code === code);
  if (pair !== undefined) return { code: pair.code };
  const allowed = documentedPairs()
    .filter((p) => p.endpoint === endpoint)
    .map((p) => p.code)
    .join(', ');
  return {
    problem: `"${TEST_FAULT_HEADER}" expected a code documented for ${endpoint} (${allowed}), got ${JSON.stringify(value)}`,
  };
}
