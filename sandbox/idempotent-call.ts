/**
 * Runs a write once per idempotency key, with the endpoint's injected fault (if any) in the
 * middle: the same shape for the merchant API's body keys and the partner API's header keys.
 */
import type { Call } from './context';
import type { FaultEndpoint } from './faults';
import { envelopeReply, type Reply } from './http';
import type { IdempotencyScope } from './idempotency';
import { Refusal } from './refusal';

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
