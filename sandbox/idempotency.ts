/**
 * Idempotency keys, by the IETF Idempotency-Key draft's rules as docs/design.md › Behaviour where the
 * API documents are silent › Idempotency sets them: the same key with the same body gets the first answer
 * again, byte for byte, with no second effect; with a different body, HTTP 422; while the first is
 * still running, HTTP 409. Keys are scoped to the merchant (or partner) AND the endpoint: the
 * API reference's own end-to-end example sends one idempotencyKey to initiate and then to redeem.
 * Answers are kept at least 24 hours of sandbox clock.
 */
import type { ActiveDefects } from './defects';
import type { Reply } from './http';
import { refuse } from './refusal';

export const IDEMPOTENCY_RETENTION_MS = 24 * 3600 * 1000;
/** Keys are pruned every so many new keys, oldest first (the clock only moves forward). */
const PRUNE_EVERY = 4096;

interface Entry {
  readonly fingerprint: string;
  readonly at: number;
  /** Undefined while the first request is still running. */
  reply: Reply | undefined;
}

export interface IdempotencyScope {
  /** The endpoint (aliases share one: initiate-claim and initiate-redeem are one operation). */
  readonly endpoint: string;
  /** The merchant or partner that sent the key. */
  readonly owner: string;
  readonly key: string;
  /** What "the same body" means: the merchant API's re-serialised body, the partner API's raw body. */
  readonly fingerprint: string;
}

/** What to do with a request: answer it with a stored reply, or run it and `complete` / `abandon`. */
export type Admission = { readonly replay: Reply } | { readonly slot: string };

export class IdempotencyStore {
  readonly #entries = new Map<string, Entry>();
  #sincePrune = 0;

  constructor(private readonly defects: ActiveDefects) {}

  admit(scope: IdempotencyScope, now: number): Admission {
    const slot = this.defects.has('idempotency-keys-global')
      ? `${scope.endpoint}\n${scope.key}`
      : `${scope.endpoint}\n${scope.owner}\n${scope.key}`;
    // An empty slot binds nothing: complete() and abandon() find no entry for it.
    if (this.defects.has('idempotency-ignored')) return { slot: '' };
    const entry = this.#entries.get(slot);
    if (entry && now - entry.at < IDEMPOTENCY_RETENTION_MS) {
      if (entry.fingerprint !== scope.fingerprint) {
        if (!this.defects.has('idempotency-different-body-accepted'))
          throw refuse(
            422,
            `Idempotency key "${scope.key}" was already used with a different request body; use a new key for a new request`,
          );
      } else if (entry.reply === undefined) {
        throw refuse(
          409,
          `A request with idempotency key "${scope.key}" is still being processed; retry once it has completed`,
        );
      } else {
        return { replay: entry.reply };
      }
    }
    this.#entries.delete(slot); // re-inserted at the end, keeping the map in age order
    this.#entries.set(slot, { fingerprint: scope.fingerprint, at: now, reply: undefined });
    if (++this.#sincePrune >= PRUNE_EVERY) this.#prune(now);
    return { slot };
  }

  /** Binds the key to its answer. */
  complete(slot: string, reply: Reply): void {
    const entry = this.#entries.get(slot);
    if (entry) entry.reply = reply;
  }

  /** Frees a key whose request had no outcome (an injected fault), so a retry runs afresh. */
  abandon(slot: string): void {
    this.#entries.delete(slot);
  }

  #prune(now: number): void {
    this.#sincePrune = 0;
    for (const [slot, entry] of this.#entries) {
      if (now - entry.at < IDEMPOTENCY_RETENTION_MS) return;
      if (entry.reply !== undefined) this.#entries.delete(slot);
    }
  }
}
