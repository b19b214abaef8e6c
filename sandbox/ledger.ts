/**
 * The append-only ledger: every change of money or of a reservation, in order. A checker proves
 * conservation from it (docs/design.md › Invariants the load scenarios check): for each voucher,
 * amount = remainingBalance + Σ(redemption + service-fee) (+ Σ admin adjustments).
 *
 * Transfers move money between two accounts (double entry: every unit leaves one account and
 * enters another). Holds (`claim-reserved`, `claim-released`) move no money: they record a
 * reservation on the voucher named in `from`, and their `to` is null.
 */
import { formatMoney, type Micro } from '../lib/money';
import type { SandboxClock } from './clock';

/**
 * Accounts: `external` (the world outside the sandbox: funding, admin adjustments),
 * `partner:<id>` (a partner company's reserved balance), `voucher:<code>` (its remaining balance),
 * `merchant:<id>` (funds the merchant received), `omnivas:fees` (service fees collected).
 */
export type Account = string;

export const FEES_ACCOUNT: Account = 'omnivas:fees';
export const EXTERNAL_ACCOUNT: Account = 'external';

export type TransferKind = 'partner-funded' | 'voucher-issued' | 'redemption' | 'service-fee' | 'balance-adjusted';
export type HoldKind = 'claim-reserved' | 'claim-released';

export interface LedgerRefs {
  readonly voucherCode?: string;
  readonly claimId?: string;
  /** The redemption's omnivasReferenceNumber. */
  readonly reference?: string;
}

export interface LedgerEntry extends LedgerRefs {
  readonly seq: number;
  /** Sandbox clock, ms since the epoch. */
  readonly at: number;
  readonly kind: TransferKind | HoldKind;
  readonly from: Account;
  readonly to: Account | null;
  readonly amount: Micro;
}

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
