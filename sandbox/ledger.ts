/**
 * The append-only ledger: every change of money or of a reservation, in order. A checker proves
 * conservation from it (docs/design.md › Invariants the load scenarios check): for each voucher,
 * amount = remainingBalance + Σ(redemption + service-fee) (+ Σ admin adjustments).
 * The entry's shape (lib/ledger-entry.ts) is shared with the load checker, which replays it.
 */
import type { Account, HoldKind, LedgerEntry, LedgerRefs, TransferKind } from '../lib/ledger-entry';
import { formatMoney, type Micro } from '../lib/money';
import type { SandboxClock } from './clock';

export const FEES_ACCOUNT: Account = 'omnivas:fees';
export const EXTERNAL_ACCOUNT: Account = 'external';

export class Ledger {
  readonly #entries: LedgerEntry[] = [];
  readonly #clock: SandboxClock;

  constructor(clock: SandboxClock) {
    this.#clock = clock;
  }

  transfer(kind: TransferKind, from: Account, to: Account, amount: Micro, refs: LedgerRefs = {}): void {
    this.#append(kind, from, to, amount, refs);
  }

  hold(kind: HoldKind, voucherAccount: Account, amount: Micro, refs: LedgerRefs): void {
    this.#append(kind, voucherAccount, null, amount, refs);
  }

  entries(): readonly LedgerEntry[] {
    return this.#entries;
  }

  #append(kind: LedgerEntry['kind'], from: Account, to: Account | null, amount: Micro, refs: LedgerRefs): void {
    this.#entries.push({ seq: this.#entries.length + 1, at: this.#clock.now(), kind, from, to, amount, ...refs });
  }
}

/** What every account holds according to the transfers alone (holds move no money). */
export function balancesFromLedger(entries: readonly LedgerEntry[]): Map<Account, Micro> {
  const balances = new Map<Account, Micro>();
  for (const e of entries) {
    if (e.to === null) continue;
    balances.set(e.from, (balances.get(e.from) ?? 0n) - e.amount);
    balances.set(e.to, (balances.get(e.to) ?? 0n) + e.amount);
  }
  return balances;
}

/** The admin API's JSON form: amounts as 6-place strings, times as ISO 8601. */
export function ledgerEntryJson(e: LedgerEntry): Record<string, unknown> {
  return { ...e, at: new Date(e.at).toISOString(), amount: formatMoney(e.amount) };
}
