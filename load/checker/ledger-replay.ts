/**
 * Invariant 2 (no over-reservation, docs/design.md › Invariants the load scenarios check) decided from
 * the sandbox's own ledger rather than from the client's history: the ledger lists every hold and
 * transfer in the order the server made them (sandbox/README.md › The ledger), so replaying it
 * gives each voucher's balance and reservations at every step. The one replay: the checker's
 * ledger judgement (ledger.ts) walks it for its findings, and the load command reports every
 * point it finds (ledger-check.json). A sandbox-only power. Linear in the ledger.
 */
import type { LedgerEntry } from '../../lib/ledger-entry';
import type { Micro } from '../../lib/money';

const VOUCHER_ACCOUNT = 'voucher:';

export const voucherAccount = (voucher: string): string => `${VOUCHER_ACCOUNT}${voucher}`;

function voucherOfEntry(e: LedgerEntry): string | undefined {
  if (e.voucherCode !== undefined) return e.voucherCode;
  if (e.from.startsWith(VOUCHER_ACCOUNT)) return e.from.slice(VOUCHER_ACCOUNT.length);
  if (e.to?.startsWith(VOUCHER_ACCOUNT)) return e.to.slice(VOUCHER_ACCOUNT.length);
  return undefined;
}

/** Each voucher's entries, in the order the server made them. */
export function ledgerByVoucher(entries: readonly LedgerEntry[]): Map<string, LedgerEntry[]> {
  const by = new Map<string, LedgerEntry[]>();
  for (const e of entries) {
    const v = voucherOfEntry(e);
    if (v === undefined) continue;
    let list = by.get(v);
    if (!list) by.set(v, (list = []));
    list.push(e);
  }
  for (const list of by.values()) list.sort((a, b) => a.seq - b.seq);
  return by;
}

/** A voucher after one ledger entry. */
export interface ReplayStep {
  readonly entry: LedgerEntry;
  /** The voucher's balance by the transfers so far. */
  readonly remaining: Micro;
  /** Σ of the pending reservations. */
  readonly reserved: Micro;
  /** The pending claims by claimId, with their amounts, as of this step (read it before the next). */
  readonly pending: ReadonlyMap<string, Micro>;
}

/**
 * Replays one voucher's entries (in seq order, as `ledgerByVoucher` gives them) from `opening`, its
 * balance before the first (0 when the ledger holds its issuing).
 */
export function* replayVoucher(voucher: string, entries: readonly LedgerEntry[], opening: Micro = 0n) {
  const account = voucherAccount(voucher);
  let remaining = opening;
  let reserved = 0n;
  const pending = new Map<string, Micro>();
  for (const entry of entries) {
    if (entry.kind === 'claim-reserved') {
      reserved += entry.amount;
      if (entry.claimId !== undefined) pending.set(entry.claimId, entry.amount);
    } else if (entry.kind === 'claim-released') {
      reserved -= entry.amount;
      if (entry.claimId !== undefined) pending.delete(entry.claimId);
    } else if (entry.to !== null) {
      remaining += (entry.to === account ? entry.amount : 0n) - (entry.from === account ? entry.amount : 0n);
    }
    const step: ReplayStep = { entry, remaining, reserved, pending };
    yield step;
  }
}

/**
 * Checked when a claim is accepted: a later redemption's fee may legitimately leave other pending
 * claims above the balance (their redemptions then fail with 4044/4096); a negative balance never.
 */
export const overReserved = (step: ReplayStep): boolean =>
  (step.entry.kind === 'claim-reserved' && step.reserved > step.remaining) || step.remaining < 0n;

export interface OverReservation {
  readonly voucher: string;
  /** The ledger entry (a claim-reserved) after which the reservations exceeded the balance. */
  readonly seq: number;
  readonly claimId: string | undefined;
  readonly reserved: Micro;
  readonly remaining: Micro;
}

/** Every point where a voucher's reservations went above its remaining balance, or the balance below zero. */
export function overReservations(entries: readonly LedgerEntry[]): OverReservation[] {
  const found: OverReservation[] = [];
  for (const [voucher, list] of ledgerByVoucher(entries))
    for (const step of replayVoucher(voucher, list))
      if (overReserved(step))
        found.push({
          voucher,
          seq: step.entry.seq,
          claimId: step.entry.claimId,
          reserved: step.reserved,
          remaining: step.remaining,
        });
  return found.sort((a, b) => a.seq - b.seq);
}
