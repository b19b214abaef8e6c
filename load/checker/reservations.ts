/**
 * Invariants 2 and 3 of docs/design.md › Invariants the load scenarios check, from the client's side,
 * with sweeps over sorted times (n log n per voucher, no linearizability search). Both are
 * conservative: they report only what every ordering consistent with the invoke and completion
 * times would break, as Jepsen's bank test does.
 *
 * Reservation rules (docs/design.md › Behaviour where the API documents are silent): a claim reserves its
 * amount out of available = remainingBalance − Σ pending claims; the reservation ends when its
 * OTP is redeemed, when a redemption fails with 4096/4044, or 300 s after the claim.
 */
import type { HistoryOp } from '../../lib/history';
import { formatMoney } from '../../lib/money';
import { endsClaim, type KeyGroup, type VoucherHistory } from './op-index';
import { TimeSums } from './time-sums';
import type { Findings } from './verdict';

/** A claim and its OTP live 300 s (docs/design.md; sandbox/reservations.ts CLAIM_LIFETIME_MS). */
export const CLAIM_LIFETIME_MS = 300_000;

export interface VoucherTerms {
  readonly amount: bigint;
  readonly serviceFee: bigint;
}

const isRedeemMaybeDone = (r: KeyGroup) => r.outcome !== 'fail' || r.releasesClaim;

/**
 * With a fixed OTP shared by several claims the server redeems the oldest pending claim, not
 * necessarily the one the client named: such redemptions (and ones that name no claim) may end
 * any claim.
 */
function redemptionsOfAnyClaim(v: VoucherHistory): KeyGroup[] {
  return [...v.redeems.values()].filter(
    (r) => r.claimKey === undefined || (r.otp !== undefined && v.sharedOtps.has(r.otp)),
  );
}

/** Deductions of acknowledged redemptions, by completion: the balance is at most amount − those done before a moment. */
function acknowledgedDeductions(v: VoucherHistory, fee: bigint): TimeSums {
  return new TimeSums(
    [...v.redeems.values()]
      .filter((r) => r.outcome === 'ok')
      .map((r) => ({ t: r.okCompleteMs, amount: (r.amount ?? 0n) + fee })),
  );
}

const money = (micro: bigint) => formatMoney(micro);

/**
 * 2. No over-reservation. For a moment T, the acknowledged claims S_T = {complete ≤ T < earliest
 * possible release} were all reserved at once when the last of them was accepted (at or after the
 * invoke of any of them), so Σ S_T must fit in the balance then: at most the voucher's amount
 * minus the acknowledged redemptions completed before that invoke. Whole-balance claims count 0
 * (their amount is unknown to the client).
 */
export function checkOverReservation(v: VoucherHistory, terms: VoucherTerms, findings: Findings): void {
  const ok = [...v.claims.values()].filter((c) => c.outcome === 'ok');
  if (ok.length === 0) return;
  const releaseByClaim = new Map<string, number>();
  for (const r of v.redeems.values()) {
    if (!isRedeemMaybeDone(r) || r.claimKey === undefined) continue;
    releaseByClaim.set(r.claimKey, Math.min(releaseByClaim.get(r.claimKey) ?? Infinity, r.invokeMs));
  }
  const anyRelease = Math.min(
    ...redemptionsOfAnyClaim(v)
      .filter(isRedeemMaybeDone)
      .map((r) => r.invokeMs),
    Infinity,
  );
  const held = ok
    .map((c) => ({
      c,
      from: c.okCompleteMs,
      until: Math.min(releaseByClaim.get(c.key) ?? Infinity, anyRelease, c.invokeMs + CLAIM_LIFETIME_MS),
    }))
    .filter((h) => h.until > h.from);
  const adds = [...held].sort((a, b) => a.from - b.from);
  const removes = [...held].sort((a, b) => a.until - b.until);
  const spent = acknowledgedDeductions(v, terms.serviceFee);
  let sum = 0n;
  let a = 0;
  let r = 0;
  for (const check of adds) {
    const T = check.from;
    for (; a < adds.length && adds[a]!.from <= T; a++) sum += adds[a]!.c.amount ?? 0n;
    for (; r < removes.length && removes[r]!.until <= T; r++) sum -= removes[r]!.c.amount ?? 0n;
    const balance = terms.amount - spent.before(check.c.invokeMs).sum;
    if (sum <= balance) continue;
    const together = held.filter((h) => h.from <= T && h.until > T).sort((x, y) => x.from - y.from);
    findings.violate(
      'no-over-reservation',
      v.voucher,
      `${together.length} acknowledged claims were reserved at once (Σ ${money(sum)}) by ${new Date(T).toISOString()}, but the balance then was at most ${money(balance)}`,
      together.map((h) => h.c.first),
    );
    return;
  }
}

/** The op that was refused with 4091. */
function refusalOp(g: KeyGroup): HistoryOp {
  return g.ops.find((o) => o.code === 4091 && o.outcome === 'fail') ?? g.first;
}

/**
 * 3. No spurious refusal. A claim refused with 4091 at some moment in [invoke, complete] saw
 * available ≥ amount − (claims possibly pending: acknowledged or unknown claims invoked before its
 * completion and not certainly ended before its invoke) − (redemptions possibly done: acknowledged
 * or unknown ones invoked before its completion, with their fees). If the refused amount fits even
 * so, the refusal is spurious. A whole-balance claim is refused only when nothing is available.
 */
export function checkSpuriousRefusals(v: VoucherHistory, terms: VoucherTerms, findings: Findings): void {
  const refused = [...v.claims.values()].filter((c) => c.outcome === 'fail' && c.refused);
  if (refused.length === 0) return;
  const maybeHeld = [...v.claims.values()].filter((c) => c.outcome !== 'fail');
  // Ends known for certain: a releasing redemption that completed after the claim surely existed, or expiry.
  const sharedOtp = redemptionsOfAnyClaim(v).length > 0;
  const endByClaim = new Map<string, number>();
  if (!sharedOtp) {
    for (const r of v.redeems.values()) {
      if (r.claimKey === undefined) continue;
      for (const op of r.ops) {
        if (!endsClaim(op)) continue;
        endByClaim.set(r.claimKey, Math.min(endByClaim.get(r.claimKey) ?? Infinity, op.completeMs));
      }
    }
  }
  const surelyCreated = (c: KeyGroup) => (c.outcome === 'ok' ? c.okCompleteMs : c.lastCompleteMs);
  const surelyEnded = (c: KeyGroup) =>
    Math.min(surelyCreated(c) + CLAIM_LIFETIME_MS, endByClaim.get(c.key) ?? Infinity);
  const held = new TimeSums(maybeHeld.map((c) => ({ t: c.invokeMs, amount: c.amount })));
  const ended = new TimeSums(maybeHeld.map((c) => ({ t: surelyEnded(c), amount: c.amount })));
  const spent = new TimeSums(
    [...v.redeems.values()]
      .filter((r) => r.outcome !== 'fail')
      .map((r) => ({ t: r.invokeMs, amount: r.amount === null ? null : r.amount + terms.serviceFee })),
  );
  for (const g of [...refused].sort((x, y) => x.invokeMs - y.invokeMs)) {
    const op = refusalOp(g);
    const pendingIn = held.before(op.completeMs);
    const pendingOut = ended.before(op.invokeMs);
    const consumed = spent.before(op.completeMs);
    // A possibly pending whole-balance claim could have taken everything: nothing to prove.
    if (pendingIn.unknown - pendingOut.unknown > 0 || consumed.unknown > 0) continue;
    const pending = pendingIn.sum - pendingOut.sum;
    const available = terms.amount - consumed.sum - pending;
    const fits = g.amount === null ? available > 0n : g.amount <= available;
    if (!fits) continue;
    findings.violate(
      'no-spurious-refusal',
      v.voucher,
      `claim ${g.key} (${g.amount === null ? 'whole balance' : money(g.amount)}) was refused with 4091, but at least ${money(available)} was available: amount ${money(terms.amount)} − redemptions and fees possibly done ${money(consumed.sum)} − claims possibly pending ${money(pending)}`,
      [op],
    );
    return;
  }
}
