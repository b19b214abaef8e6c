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
/** The most (count, sum) pairs searched for which claims the redemptions through a shared OTP consumed. */
export const SHARED_OTP_STATE_LIMIT = 1 << 20;

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
  return acknowledged.find((g) => g.amount !== null && g.amount + fee === shortfall);
}

/**
 * The sums reachable by choosing `count` of `values`, per count up to `most`; undefined past
 * SHARED_OTP_STATE_LIMIT pairs. Amounts near one another (the flows' 1 unit + i micro-units) keep
 * the sums per count few, so a night's hundreds of claims stay searchable.
 */
function sumsByCount(values: readonly bigint[], most: number): Set<bigint>[] | undefined {
  const byCount: Set<bigint>[] = [new Set([0n])];
  let states = 1;
  for (const value of values) {
    for (let c = Math.min(most, byCount.length) - 1; c >= 0; c--) {
      const next = (byCount[c + 1] ??= new Set());
      for (const s of byCount[c]!) {
        const sum = s + value;
        if (next.has(sum)) continue;
        next.add(sum);
        if (++states > SHARED_OTP_STATE_LIMIT) return undefined;
      }
    }
  }
  return byCount;
}

/**
 * Redemptions through an OTP several claims shared (a fixed test code) consume some pending claim
 * of the voucher, which one the client cannot tell: `acknowledged` of them certainly, up to
 * `unknown` more. Conservation holds if some choice of that many of the claims that may have been
 * pending (acknowledged or unknown, not already consumed by a redemption of their own), with their
 * fees, and some subset of the other unknown redemptions accounts for `missing`. When every claim
 * was redeemed the choice is forced, and the sum is exact.
 */
function judgeSharedOtp(
  v: VoucherHistory,
  terms: VoucherTerms,
  seen: {
    readonly shared: { readonly acknowledged: number; readonly unknown: number };
    readonly consumedByOwn: ReadonlySet<string>;
    /** What left the voucher beyond the acknowledged redemptions of known amount. */
    readonly missing: bigint;
    /** amount − final remainingBalance, and the words for it. */
    readonly spent: bigint;
    readonly expected: string;
    readonly info: readonly Unknown[];
    readonly acknowledged: readonly KeyGroup[];
  },
  findings: Findings,
): void {
  const { shared, consumedByOwn, missing, info } = seen;
  const redemptions = shared.acknowledged + shared.unknown;
  const pool = [...v.claims.values()].filter((c) => c.outcome !== 'fail' && !consumedByOwn.has(c.key));
  const which = `which of the ${pool.length} claims the ${redemptions} redemptions with a shared OTP consumed`;
  if (pool.some((c) => c.amount === null)) {
    findings.undecided(
      'conservation',
      v.voucher,
      `${which} is unknown to a client, and a whole-balance claim among them has an amount the client never saw (no ledger)`,
    );
    return;
  }
  if (info.length > INFO_SUBSET_LIMIT) {
    findings.undecided(
      'conservation',
      v.voucher,
      `${info.length} redemptions of unknown outcome (more than ${INFO_SUBSET_LIMIT}) beside ${which}: not searched`,
    );
    return;
  }
  // Choosing c claims is leaving n − c out: the search goes over the smaller side (a night's flows
  // redeem nearly every claim, so few are left out and the search is small).
  const values = pool.map((c) => c.amount! + terms.serviceFee);
  const n = values.length;
  const total = values.reduce((sum, x) => sum + x, 0n);
  const fewest = shared.acknowledged;
  const most = Math.min(redemptions, n);
  const direct = most <= n - fewest;
  const byCount = fewest > n ? [] : sumsByCount(values, direct ? most : n - fewest);
  if (byCount === undefined) {
    findings.undecided('conservation', v.voucher, `${which} (no ledger) has too many choices to search`);
    return;
  }
  const infoSums = subsetSums(info.map((u) => u.value));
  for (let c = fewest; c <= most; c++)
    for (const s of byCount[direct ? c : n - c] ?? []) if (infoSums.has(missing - (direct ? s : total - s))) return;
  findings.violate(
    'conservation',
    v.voucher,
    fewest > n
      ? `${shared.acknowledged} redemptions with a shared OTP were acknowledged, but only ${pool.length} claims could have been pending for them`
      : `${seen.expected} = ${money(seen.spent)}, but no choice of ${which} (${shared.acknowledged === redemptions ? redemptions : `${shared.acknowledged} to ${redemptions}`} of them), with their fees${info.length > 0 ? ` and any subset of the ${info.length} unknown ones` : ''}, accounts for it`,
    seen.acknowledged.map((g) => g.first),
  );
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
  const shared = { acknowledged: 0, unknown: 0 };
  // Claims a redemption of their own (not through a shared OTP) consumed: not for a shared OTP to take.
  const consumedByOwn = new Set<string>();
  for (const g of groups) {
    if (g.outcome === 'fail') continue;
    const entry = redemptions?.get(g);
    // With the ledger an unknown op is settled: its entry says it happened, no entry says it did not.
    if (redemptions && g.outcome === 'info' && !entry) continue;
    const amount = entry?.amount ?? g.amount;
    if (amount === null && g.otp !== undefined && v.sharedOtps.has(g.otp))
      shared[g.outcome === 'ok' ? 'acknowledged' : 'unknown']++;
    else if (amount === null) unknownAmount.push(g);
    else {
      if (g.outcome === 'ok' && g.claimKey !== undefined) consumedByOwn.add(g.claimKey);
      if (g.outcome === 'ok' || redemptions) missing -= amount + terms.serviceFee;
      else info.push({ g, value: amount + terms.serviceFee });
    }
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
  if (shared.acknowledged + shared.unknown > 0) {
    const spent = terms.amount - finalRemaining;
    judgeSharedOtp(v, terms, { shared, consumedByOwn, missing, spent, expected, info, acknowledged }, findings);
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
