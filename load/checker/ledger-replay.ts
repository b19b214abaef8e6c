/**
 * Invariant 2 (no over-reservation, docs/design.md › Invariants the load scenarios check) decided from
 * the sandbox's own ledger rather than from the client's history: the ledger lists every hold and
 * transfer in the order the server made them (sandbox/README.md › The ledger), so replaying it
 * gives each voucher's balance and reservations at every step. A second, server-side witness next
 * to the history checker; a sandbox-only power. Linear in the ledger.
 */
import { moneyFromDecimal, type Micro } from '../../lib';

export interface LedgerEntry {
  readonly seq: number;
  readonly kind: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly amount: string;
  readonly voucherCode?: string;
  readonly claimId?: string;
}

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
  const remaining = new Map<string, Micro>();
  const reserved = new Map<string, Micro>();
  const found: OverReservation[] = [];
  const add = (map: Map<string, Micro>, key: string, delta: Micro) => map.set(key, (map.get(key) ?? 0n) + delta);
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    const code = entry.voucherCode;
    if (code === undefined) continue;
    const account = `voucher:${code}`;
    const amount =
      moneyFromDecimal(entry.amount.replace(/^-/, ''), `ledger[${entry.seq}].amount`) *
      (entry.amount.startsWith('-') ? -1n : 1n);
    if (entry.kind === 'claim-reserved') add(reserved, code, amount);
    else if (entry.kind === 'claim-released') add(reserved, code, -amount);
    else if (entry.to === account) add(remaining, code, amount);
    else if (entry.from === account) add(remaining, code, -amount);
    const r = reserved.get(code) ?? 0n;
    const balance = remaining.get(code) ?? 0n;
    if ((entry.kind === 'claim-reserved' && r > balance) || balance < 0n)
      found.push({ voucher: code, seq: entry.seq, claimId: entry.claimId, reserved: r, remaining: balance });
  }
  return found;
}
