/**
 * The sandbox ledger (sandbox/README.md › The ledger; GET /admin/ledger) as the checker reads it,
 * and the invariants it decides exactly: every effect a client saw is there, nothing a client saw
 * fail is, one effect per key and one redemption per claim, the ledger's own sums, and no moment
 * at which the reservations exceeded the balance.
 *
 * lib/history.ts records no server-side id (the initiate answer carries none), so an op is tied
 * to its ledger entry by voucher, amount and, when the clocks agree, time; a redemption by the
 * claimId of its claim's reservation.
 */
import { HarnessError, describeValue } from '../../lib/errors';
import { isLedgerKind } from '../../lib/ledger-entry';
import type { LedgerEntry } from '../../lib/ledger-entry';
import { formatMoney, moneyFromJson } from '../../lib/money';
import { overReserved, replayVoucher, voucherAccount } from './ledger-replay';
import type { KeyGroup, VoucherHistory } from './op-index';
import type { VoucherTerms } from './reservations';
import type { Findings, Invariant } from './verdict';

/** The admin API's answer (`{entries: [...]}`, amounts as 6-place strings, times ISO 8601) as entries. */
export function ledgerFromAdminJson(json: unknown): LedgerEntry[] {
  const list = Array.isArray(json) ? json : (json as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(list))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"ledger" expected {"entries": [...]} from GET /admin/ledger, got ${describeValue(json)}`,
    );
  return list.map((raw: Record<string, unknown>, i) => {
    const refuse = (field: string, expected: string) =>
      new HarnessError(
        'INVALID_ARGUMENT',
        `"entries[${i}].${field}" expected ${expected}, got ${describeValue(raw[field])}`,
      );
    const at = typeof raw.at === 'string' ? Date.parse(raw.at) : raw.at;
    if (typeof at !== 'number' || Number.isNaN(at)) throw refuse('at', 'an ISO 8601 time');
    const { seq, kind, from, to } = raw;
    if (typeof seq !== 'number') throw refuse('seq', 'a number');
    if (!isLedgerKind(kind)) throw refuse('kind', 'a ledger entry kind such as "claim-reserved"');
    if (typeof from !== 'string') throw refuse('from', 'an account');
    if (to !== null && typeof to !== 'string') throw refuse('to', 'an account or null');
    const refs = {
      ...(typeof raw.voucherCode === 'string' ? { voucherCode: raw.voucherCode } : {}),
      ...(typeof raw.claimId === 'string' ? { claimId: raw.claimId } : {}),
      ...(typeof raw.reference === 'string' ? { reference: raw.reference } : {}),
    };
    return { seq, at, kind, from, to, amount: moneyFromJson(raw.amount, `entries[${i}].amount`), ...refs };
  });
}

/** What the ledger says each group did: its entry (undefined: no effect). */
export type Effects = Map<KeyGroup, LedgerEntry>;

const money = formatMoney;
const within = (g: KeyGroup, e: LedgerEntry) => e.at >= g.invokeMs && e.at <= g.lastCompleteMs;

/** Entries not yet attributed, by amount and by claimId; a taker prefers one whose time fits the group's ops. */
class EntryPool {
  readonly #byAmount = new Map<bigint, LedgerEntry[]>();
  readonly #byClaim = new Map<string, LedgerEntry[]>();
  readonly #used = new Set<LedgerEntry>();

  constructor(readonly entries: readonly LedgerEntry[]) {
    for (const e of entries) {
      push(this.#byAmount, e.amount, e);
      if (e.claimId !== undefined) push(this.#byClaim, e.claimId, e);
    }
  }

  /** By the claim it consumed (exact) or, with `byAmount`, by amount (any entry for an unknown amount). */
  take(g: KeyGroup, claimId: string | undefined, byAmount: boolean): LedgerEntry | undefined {
    const lists = [
      claimId === undefined ? undefined : this.#byClaim.get(claimId),
      !byAmount ? undefined : g.amount === null ? this.entries : this.#byAmount.get(g.amount),
    ];
    for (const list of lists) {
      const free = (list ?? []).filter((e) => !this.#used.has(e));
      const e = free.find((x) => within(g, x)) ?? free[0];
      if (e) {
        this.#used.add(e);
        return e;
      }
    }
    return undefined;
  }

  /** Gives an entry back (an unknown op's effect handed to an acknowledged op that needs it). */
  release(e: LedgerEntry): void {
    this.#used.delete(e);
  }

  leftovers(): LedgerEntry[] {
    return this.entries.filter((e) => !this.#used.has(e));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Attributes the entries of one kind to the ops' key groups: acknowledged groups first (each
 * must find its entry), then unknown ones (may or may not); what is left must belong to no op —
 * a refused op's effect (failed-absent) or a key's second effect (one-effect-per-key).
 */
function attribute(
  what: 'claim' | 'redemption',
  groups: readonly KeyGroup[],
  entries: readonly LedgerEntry[],
  claimIdOf: (g: KeyGroup) => string | undefined,
  voucher: string,
  findings: Findings,
): Effects {
  const pool = new EntryPool(entries);
  const effects: Effects = new Map();
  const byInvoke = [...groups].sort((a, b) => a.invokeMs - b.invokeMs);
  const known = (g: KeyGroup) => g.amount !== null;
  const ok = byInvoke.filter((g) => g.outcome === 'ok');
  const info = byInvoke.filter((g) => g.outcome === 'info');
  // First what the claim ids tie exactly, then by amount.
  for (const g of byInvoke) {
    if (g.outcome === 'fail' || claimIdOf(g) === undefined) continue;
    const e = pool.take(g, claimIdOf(g), false);
    if (e) effects.set(g, e);
  }
  for (const g of [
    ...ok.filter(known),
    ...info.filter(known),
    ...ok.filter((g) => !known(g)),
    ...info.filter((g) => !known(g)),
  ]) {
    if (effects.has(g)) continue;
    let e = pool.take(g, undefined, true);
    if (!e && g.outcome === 'ok') {
      // An unknown op may have been credited with this acknowledged op's entry: take it back.
      const lent = [...effects].find(
        ([other, x]) => other.outcome === 'info' && (g.amount === null || x.amount === g.amount),
      );
      if (lent) {
        effects.delete(lent[0]);
        pool.release(lent[1]);
        e = pool.take(g, undefined, true);
      }
    }
    if (e) effects.set(g, e);
    else if (g.outcome === 'ok')
      findings.violate(
        'acknowledged-present',
        voucher,
        `${what} ${g.key} was acknowledged, but the ledger has no ${what} entry for it`,
        [g.first],
      );
  }
  const failed = byInvoke.filter((g) => g.outcome === 'fail');
  for (const e of pool.leftovers()) {
    const refused =
      failed.find((g) => g.amount === e.amount && within(g, e)) ?? failed.find((g) => g.amount === e.amount);
    if (refused) {
      findings.violate(
        'failed-absent',
        voucher,
        `${what} ${refused.key} was refused (status ${refused.first.status}${refused.first.code ? `, code ${refused.first.code}` : ''}), but the ledger has its effect: entry ${e.seq} (${e.kind} ${money(e.amount)})`,
        refused.ops,
      );
      continue;
    }
    const twice = ok.find((g) => g.amount === e.amount && within(g, e)) ?? ok.find((g) => g.amount === e.amount);
    const message = twice
      ? `key ${twice.key} had a second effect: ledger entry ${e.seq} (${e.kind} ${money(e.amount)}) beside entry ${effects.get(twice)?.seq}`
      : `ledger entry ${e.seq} (${e.kind} ${money(e.amount)}) is an effect no operation of the history explains`;
    findings.violate('one-effect-per-key', voucher, message, twice ? twice.ops : []);
  }
  return effects;
}

export interface LedgerJudgement {
  readonly claims: Effects;
  readonly redemptions: Effects;
}

function violateFirst(
  findings: Findings,
  invariant: Invariant,
  voucher: string,
  message: string,
  groups: Iterable<KeyGroup | undefined>,
): void {
  findings.violate(
    invariant,
    voucher,
    message,
    [...groups].flatMap((g) => (g ? [g.first] : [])),
  );
}

/**
 * Decides, for one voucher, what the ledger shows. `finalRemaining` is the final state's balance
 * (undefined when there is none). Redemptions are judged only when the run had OTPs.
 */
export function judgeLedger(
  v: VoucherHistory,
  entries: readonly LedgerEntry[],
  terms: VoucherTerms,
  finalRemaining: bigint | undefined,
  otpSource: boolean,
  findings: Findings,
): LedgerJudgement {
  const account = voucherAccount(v.voucher);
  const reserved = entries.filter((e) => e.kind === 'claim-reserved');
  const claims = attribute('claim', [...v.claims.values()], reserved, () => undefined, v.voucher, findings);
  const groupOfClaimId = new Map<string, KeyGroup>();
  for (const [g, e] of claims) if (e.claimId !== undefined) groupOfClaimId.set(e.claimId, g);
  const claimIdOfKey = new Map<string, string>();
  for (const [g, e] of claims) if (e.claimId !== undefined) claimIdOfKey.set(g.key, e.claimId);

  const redemptionEntries = entries.filter((e) => e.kind === 'redemption');
  const redemptions = otpSource
    ? attribute(
        'redemption',
        [...v.redeems.values()],
        redemptionEntries,
        (g) => (g.claimKey === undefined ? undefined : claimIdOfKey.get(g.claimKey)),
        v.voucher,
        findings,
      )
    : new Map<KeyGroup, LedgerEntry>();
  const redeemOfEntry = new Map<LedgerEntry, KeyGroup>([...redemptions].map(([g, e]) => [e, g]));

  // One redemption per claim (and so per OTP): the ledger names the claim each redemption consumed.
  const redeemedClaims = new Map<string, LedgerEntry[]>();
  for (const e of redemptionEntries) if (e.claimId !== undefined) push(redeemedClaims, e.claimId, e);
  for (const [claimId, list] of redeemedClaims) {
    if (list.length < 2) continue;
    violateFirst(
      findings,
      'one-redemption-per-otp',
      v.voucher,
      `claim ${claimId}${groupOfClaimId.has(claimId) ? ` (key ${groupOfClaimId.get(claimId)!.key})` : ''} was redeemed ${list.length} times: ledger entries ${list.map((e) => e.seq).join(', ')}`,
      list.map((e) => redeemOfEntry.get(e)),
    );
  }

  // Each redemption consumes amount + serviceFee (docs/design.md › Balance reservation): exactly one fee.
  const feesByReference = new Map<string, bigint>();
  for (const e of entries)
    if (e.kind === 'service-fee' && e.from === account && e.reference !== undefined)
      feesByReference.set(e.reference, (feesByReference.get(e.reference) ?? 0n) + e.amount);
  const wrongFee = redemptionEntries.filter(
    (e) => (e.reference === undefined ? 0n : (feesByReference.get(e.reference) ?? 0n)) !== terms.serviceFee,
  );
  if (wrongFee.length > 0) {
    const e = wrongFee[0]!;
    violateFirst(
      findings,
      'conservation',
      v.voucher,
      `${wrongFee.length} redemptions were charged a service fee other than ${money(terms.serviceFee)}: the first, ledger entry ${e.seq} (${e.reference ?? 'no reference'}), was charged ${money(feesByReference.get(e.reference ?? '') ?? 0n)}`,
      wrongFee.map((x) => redeemOfEntry.get(x)),
    );
  }

  // The ledger's own sums; reservations within the balance whenever one is made; never a negative balance.
  // A ledger cut to the run (no issuing entry) starts from the voucher's amount.
  let balance = entries.some((e) => e.kind === 'voucher-issued') ? 0n : terms.amount;
  let reported = false;
  for (const step of replayVoucher(v.voucher, entries, balance)) {
    balance = step.remaining;
    if (!reported && overReserved(step)) {
      reported = true;
      violateFirst(
        findings,
        'no-over-reservation',
        v.voucher,
        `after ledger entry ${step.entry.seq} (${step.entry.kind}) the voucher held ${money(step.reserved)} in reservations against a balance of ${money(step.remaining)}`,
        [...step.pending.keys()].map((id) => groupOfClaimId.get(id)),
      );
    }
  }
  const issued = entries
    .filter((e) => e.kind === 'voucher-issued' && e.to === account)
    .reduce((sum, e) => sum + e.amount, 0n);
  if (issued > 0n && issued !== terms.amount)
    findings.violate(
      'conservation',
      v.voucher,
      `the ledger issued ${money(issued)} to the voucher, but its amount is ${money(terms.amount)}`,
      [],
    );
  if (issued > 0n && finalRemaining !== undefined && balance !== finalRemaining) {
    findings.violate(
      'conservation',
      v.voucher,
      `the ledger leaves the voucher ${money(balance)}, but its final remainingBalance is ${money(finalRemaining)}`,
      [],
    );
  }
  return { claims, redemptions };
}
