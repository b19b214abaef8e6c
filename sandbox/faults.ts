/**
 * Fault injection: the next N calls to an endpoint fail with a documented code, are slowed, or
 * have their connection reset. Codes no outside request can provoke (5001–5004, 5031, 4092–4095)
 * are provoked this way (docs/design.md › Behaviour where the API documents are silent, last point).
 *
 * A fault applies to a call that has passed authentication, signature and validation checks and
 * whose idempotency key is new: it stands for a failure inside the operation, which then has no
 * effect, and the key stays free for a retry.
 */
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiErrorCode } from '../lib/error-catalog';
import { ConnectionDropped, refuseWithCode } from './refusal';

/** Endpoints a fault can target: the merchant API's (aliases share one) and the partner API's. */
export const FAULT_ENDPOINTS = [
  'login',
  'test',
  'initiate-claim',
  'voucher-detail',
  'redeem-gift',
  'partner-issue-voucher',
  'partner-list-vouchers',
  'partner-voucher',
  'partner-account',
] as const;
export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[number];

export type FaultEffect =
  | { readonly kind: 'error'; readonly code: ApiErrorCode; readonly providerMessage?: string }
  | { readonly kind: 'delay'; readonly delayMs: number }
  | { readonly kind: 'reset' };

export type Fault = FaultEffect & { readonly endpoint: FaultEndpoint; remaining: number };

export class FaultPlan {
  /** Per endpoint, the faults in the order they were added; the first applies until used up. */
  readonly #queues = new Map<FaultEndpoint, Fault[]>();

  add(fault: Fault): void {
    const queue = this.#queues.get(fault.endpoint) ?? [];
    queue.push(fault);
    this.#queues.set(fault.endpoint, queue);
  }

  list(): Fault[] {
    return [...this.#queues.values()].flat();
  }

  clear(): void {
    this.#queues.clear();
  }

  /** Applies the endpoint's next fault, if any: waits, or throws what the call must answer. */
  async apply(endpoint: FaultEndpoint, socket: Socket): Promise<void> {
    const queue = this.#queues.get(endpoint);
    const fault = queue?.[0];
    if (!queue || !fault) return;
    if (--fault.remaining <= 0) queue.shift();
    if (queue.length === 0) this.#queues.delete(endpoint);
    switch (fault.kind) {
      case 'delay':
        await sleep(fault.delayMs);
        return;
      case 'reset':
        socket.resetAndDestroy();
        throw new ConnectionDropped();
      case 'error':
        throw refuseWithCode(fault.code, { transient: true, providerMessage: fault.providerMessage });
    }
  }
}
