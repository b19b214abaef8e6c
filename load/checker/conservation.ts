/**
 * Invariant 1 (conservation: amount = remainingBalance + Σ(redemptions + their fees), exactly) and
 * the balance reads of invariants 2 and 5, per voucher. Unknown ops ('info') may or may not have
 * happened: the final balance must match SOME subset of them, searched exactly only when there
 * are at most INFO_SUBSET_LIMIT of them (2^20 sums); beyond that, or when an amount is unknown to
 * the client (a whole-balance claim), the verdict says "undetermined" rather than guess. With the
 * ledger, what the unknown ops did is known and the sum is exact.
 */
import type { HistoryOp } from '../../lib/history';
import { formatMoney } from '../../lib/money';
import { microFromHistory, type KeyGroup, type VoucherHistory } from './op-index';
import type { Effects } from './ledger';
import type { VoucherTerms } from './reservations';
import { TimeSums } from './time-sums';
import type { Findings } from './verdict';

export const INFO_SUBSET_LIMIT = 20;

const money = formatMoney;

interface Unknown {
  readonly g: KeyGroup;
  readonly value: bigint;
}

/** The sums some subset of `values` reaches (values.length ≤ INFO_SUBSET_LIMIT). */
function subsetSums(values: readonly bigint[]): Set<bigint> {
  let sums = new Set<bigint>([0n]);
  for (const v of values) sums = new Set([...sums, ...[...sums].map((s) => s + v)]);
  return sums;
}

/** A refused redemption whose value explains `missing` (with some subset of the unknown ones): a hint, not a proof. */
function failedThatWouldExplain(
  failed: readonly KeyGroup[],
  fee: bigint,
  missing: bigint,
  sums: Set<bigint>,
): KeyGroup | undefined {
  return failed.find((g) => g.amount !== null && [...sums].some((s) => s + g.amount! + fee === missing));
}

/**
 * Without a ledger, a final balance short of exactly one acknowledged redemption is that
 * redemption missing — unless the shortfall is also a whole number of fees (a fee not deducted).
 */
function missingRedemption(acknowledged: readonly KeyGroup[], fee: bigint, shortfall: bigint): KeyGroup | undefined {
  if (fee > 0n && shortfall % fee === 0n) return undefined;
  return acknowledged.find((g) => g.amount! + fee === shortfall);
}

export function checkConservation(
  v: VoucherHistory,
  terms: VoucherTerms,
  finalRemaining: bigint | undefined,
  redemptions: Effects | undefined,
  findings: Findings,
): void {
  const groups = [...v.redeems.values()].sort((a, b) => a.invokeMs - b.invokeMs);
  const acknowledged = groups.filter((g) => g.outcome === 'ok');
  if (finalRemaining === undefined) {
    if (groups.some((g) => g.outcome !== 'fail'))
      findings.undecided('conservation', v.voucher, 'no final state was given for the voucher');
    return;
  }
  // missing: what left the voucher beyond the acknowledged redemptions (negative: less left than they took).
  let missing = terms.amount - finalRemaining;
  const unknownAmount: KeyGroup[] = [];
  const info: Unknown[] = [];
  for (const g of groups) {
    if (g.outcome === 'fail') continue;
    const entry = redemptions?.get(g);
    // With the ledger an unknown op is settled: its entry says it happened, no entry says it did not.
    if (redemptions && g.outcome === 'info' && !entry) continue;
    const amount = entry?.amount ?? g.amount;
    if (amount === null) unknownAmount.push(g);
    else if (g.outcome === 'ok' || redemptions) missing -= amount + terms.serviceFee;
    else info.push({ g, value: amount + terms.serviceFee });
  }
  const expected = `amount ${money(terms.amount)} − final remainingBalance ${money(finalRemaining)}`;
  if (unknownAmount.length > 0) {
    // A whole-balance claim takes what was available, at least one micro-unit, plus the fee.
    const least = BigInt(unknownAmount.filter((g) => g.outcome === 'ok').length) * (terms.serviceFee + 1n);
    if (missing < least)
      findings.violate(
        'conservation',
        v.voucher,
        `${expected} leaves ${money(missing)} for ${unknownAmount.length} whole-balance redemptions, less than their fees`,
        unknownAmount.map((g) => g.first),
      );
    else
      findings.undecided(
        'conservation',
        v.voucher,
        `${unknownAmount.length} redemptions of whole-balance claims have amounts the client never saw (no ledger)`,
      );
    return;
  }
  const failed = groups.filter((g) => g.outcome === 'fail');
  if (missing < 0n) {
    // With the ledger, an acknowledged redemption it lacks is already named exactly.
    const absent = redemptions ? undefined : missingRedemption(acknowledged, terms.serviceFee, -missing);
    if (absent)
      findings.violate(
        'acknowledged-present',
        v.voucher,
        `redemption ${absent.key} (${money(absent.amount!)} + fee ${money(terms.serviceFee)}) was acknowledged but is not in the final balance: ${expected} is ${money(-missing)} short`,
        [absent.first],
      );
    else
      findings.violate(
        'conservation',
        v.voucher,
        `the final balance is ${money(-missing)} higher than the acknowledged redemptions and fees allow (${expected})`,
        acknowledged.map((g) => g.first),
      );
    return;
  }
  if (info.length > INFO_SUBSET_LIMIT) {
    const most = info.reduce((sum, u) => sum + u.value, 0n);
    if (missing > most)
      findings.violate(
        'conservation',
        v.voucher,
        `${money(missing)} left the voucher beyond the acknowledged redemptions, more than all ${info.length} unknown ones could take (${money(most)})`,
        acknowledged.map((g) => g.first),
      );
    else
      findings.undecided(
        'conservation',
        v.voucher,
        `${info.length} redemptions of unknown outcome (more than ${INFO_SUBSET_LIMIT}): which happened is not searched`,
      );
    return;
  }
  const sums = subsetSums(info.map((u) => u.value));
  if (sums.has(missing)) return;
  const hint = failedThatWouldExplain(failed, terms.serviceFee, missing, sums);
  findings.violate(
    'conservation',
    v.voucher,
    `${expected} = ${money(terms.amount - finalRemaining)}, but the acknowledged redemptions with their fees${info.length > 0 ? ` and any subset of the ${info.length} unknown ones` : ''} account for ${money(terms.amount - finalRemaining - missing)}${info.length > 0 ? ' plus a subset' : ''}${hint ? `; it would balance had refused redemption ${hint.key} happened` : ''}`,
    acknowledged.map((g) => g.first),
  );
}

/**
 * What each balance read shows: never below zero (2); never above what the acknowledged
 * redemptions completed before it left, nor below what all redemptions possibly done by its answer
 * left (1: a fee or a success missing, money gone that no redemption explains).
 */
export function checkBalanceReads(
  v: VoucherHistory,
  terms: VoucherTerms,
  finalRemaining: bigint | undefined,
  findings: Findings,
): void {
  if (finalRemaining !== undefined && finalRemaining < 0n)
    findings.violate(
      'no-over-reservation',
      v.voucher,
      `the final remainingBalance is ${money(finalRemaining)}, below zero`,
      [],
    );
  const reads = v.details
    .filter((d) => d.outcome === 'ok' && d.remainingBalance !== undefined)
    .sort((a, b) => a.invokeMs - b.invokeMs);
  if (reads.length === 0) return;
  const groups = [...v.redeems.values()];
  const done = new TimeSums(
    groups
      .filter((g) => g.outcome === 'ok')
      .map((g) => ({ t: g.okCompleteMs, amount: (g.amount ?? 0n) + terms.serviceFee })),
  );
  const possible = new TimeSums(
    groups
      .filter((g) => g.outcome !== 'fail')
      .map((g) => ({ t: g.invokeMs, amount: g.amount === null ? null : g.amount + terms.serviceFee })),
  );
  const reported = new Set<string>();
  const once = (invariant: 'no-over-reservation' | 'conservation', message: string, op: HistoryOp) => {
    if (reported.has(invariant)) return;
    reported.add(invariant);
    findings.violate(invariant, v.voucher, message, [op]);
  };
  for (const d of reads) {
    const seen = microFromHistory(d.remainingBalance!, () => `detail ${d.idempotencyKey}: remainingBalance`, true);
    if (seen < 0n) once('no-over-reservation', `a read shows remainingBalance ${money(seen)}, below zero`, d);
    const atMost = terms.amount - done.before(d.invokeMs).sum;
    if (seen > atMost)
      once(
        'conservation',
        `a read shows remainingBalance ${money(seen)}, but redemptions acknowledged (with their fees) before it was sent leave at most ${money(atMost)}`,
        d,
      );
    const spent = possible.before(d.completeMs);
    if (spent.unknown === 0 && seen < terms.amount - spent.sum)
      once(
        'conservation',
        `a read shows remainingBalance ${money(seen)}, but every redemption possibly done by then leaves at least ${money(terms.amount - spent.sum)}`,
        d,
      );
  }
}
