/**
 * Runs a write once per idempotency key, with the endpoint's injected fault (if any) in the
 * middle: the same shape for the merchant API's body keys and the partner API's header keys.
 */
import type { Call } from './context';
import type { FaultEndpoint } from './faults';
import { envelopeReply, type Reply } from './http';
import type { IdempotencyScope } from './idempotency';
import { TEST_FAULT_HEADER, TEST_FAULT_MESSAGE_HEADER, testFaultCode } from '../lib/test-hooks';
import { Refusal, refuse, refuseWithCode } from './refusal';

/**
 * The test hook (docs/test-hooks.md), where an injected fault applies: after authentication,
 * signature, validation and a new idempotency key; the operation then has no effect. Only with
 * test hooks on, and only on the merchant writes whose codes the documents list.
 */
function applyTestHook(call: Call, endpoint: FaultEndpoint): void {
  const value = call.req.headers[TEST_FAULT_HEADER];
  if (!call.ctx.testHooks || typeof value !== 'string') return;
  if (endpoint !== 'initiate-claim' && endpoint !== 'redeem-gift') return;
  const asked = testFaultCode(endpoint, value);
  if ('problem' in asked) throw refuse(400, asked.problem);
  const message = call.req.headers[TEST_FAULT_MESSAGE_HEADER];
  throw refuseWithCode(asked.code, {
    transient: true,
    ...(typeof message === 'string' ? { providerMessage: message } : {}),
  });
}

export async function runOnce(
  call: Call,
  scope: IdempotencyScope,
  endpoint: FaultEndpoint,
  operation: () => Reply | Promise<Reply>,
): Promise<Reply> {
  const { ctx } = call;
  const admission = ctx.idempotency.admit(scope, ctx.clock.now());
  if ('replay' in admission) return admission.replay;
  try {
    applyTestHook(call, endpoint);
    await ctx.faults.apply(endpoint, call.req.socket);
    const reply = await operation();
    ctx.idempotency.complete(admission.slot, reply);
    return reply;
  } catch (err) {
    // A documented refusal is the request's outcome: the key is bound to it, as to a success.
    if (err instanceof Refusal && !err.transient) {
      const reply = envelopeReply(err, ctx.defects);
      ctx.idempotency.complete(admission.slot, reply);
      return reply;
    }
    ctx.idempotency.abandon(admission.slot);
    throw err;
  }
}
