/**
 * One entry of the sandbox's append-only ledger (sandbox/README.md › The ledger; GET /admin/ledger):
 * the shape the sandbox writes (sandbox/ledger.ts) and the load checker reads (load/checker/),
 * here so that both stand on it without one importing the other. A pure data shape.
 *
 * Transfers move money between two accounts (double entry). Holds (`claim-reserved`,
 * `claim-released`) move no money: they record a reservation on the voucher named in `from`, and
 * their `to` is null.
 */
import type { Micro } from './money';

/**
 * Accounts: `external` (the world outside the sandbox: funding, admin adjustments),
 * `partner:<id>` (a partner company's reserved balance), `voucher:<code>` (its remaining balance),
 * `merchant:<id>` (funds the merchant received), `omnivas:fees` (service fees collected).
 */
export type Account = string;

export const TRANSFER_KINDS = [
  'partner-funded',
  'voucher-issued',
  'redemption',
  'service-fee',
  'balance-adjusted',
] as const;
export const HOLD_KINDS = ['claim-reserved', 'claim-released'] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];
export type HoldKind = (typeof HOLD_KINDS)[number];

/** Whether `kind` names a ledger entry's kind (for a reader of the admin API's JSON). */
export const isLedgerKind = (kind: unknown): kind is TransferKind | HoldKind =>
  (TRANSFER_KINDS as readonly unknown[]).includes(kind) || (HOLD_KINDS as readonly unknown[]).includes(kind);

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
