/**
 * Invariant 4 as the client sees it: one effect per idempotency key (the acknowledged answers of
 * one key agree, and a key is never both accepted and refused with 4091 — docs/design.md ›
 * Idempotency: the same key returns the first response again) and one redemption per OTP.
 */
import type { KeyGroup, VoucherHistory } from './op-index';
import type { Findings } from './verdict';

export function checkKeys(v: VoucherHistory, findings: Findings): void {
  for (const [what, groups] of [
    ['claim', v.claims],
    ['redemption', v.redeems],
  ] as const) {
    for (const g of groups.values()) {
      if (g.conflicts.length > 0) {
        findings.violate(
          'one-effect-per-key',
          v.voucher,
          `${what} key ${g.key} was acknowledged ${g.conflicts.length + 1} times with different effects (amount, OTP or claim differ)`,
          [g.first, ...g.conflicts],
        );
      } else if (g.outcome === 'ok' && g.refused) {
        findings.violate(
          'one-effect-per-key',
          v.voucher,
          `${what} key ${g.key} was both acknowledged and refused with 4091: a replay must return the first answer`,
          [g.first, ...g.ops.filter((o) => o.code === 4091)],
        );
      }
    }
  }
}

/**
 * Two acknowledged redemptions, under different keys, with the same OTP for the same claim. The
 * claim is part of the identity because a fixed test OTP is shared by every claim (sandbox/README.md
 * › Fixed OTP): there, one OTP legitimately redeems many claims, one each.
 */
export function checkOtps(v: VoucherHistory, findings: Findings): void {
  // Through a shared OTP the client cannot tell a reuse from a redemption of another claim: the ledger judges those.
  const okGroups = [...v.redeems.values()].filter(
    (g) => g.outcome === 'ok' && g.otp !== undefined && !v.sharedOtps.has(g.otp),
  );
  const byOtp = new Map<string, KeyGroup[]>();
  for (const g of okGroups) {
    const id = `${g.claimKey ?? ''}\u0000${g.otp}`;
    const list = byOtp.get(id);
    if (list) list.push(g);
    else byOtp.set(id, [g]);
  }
  for (const list of byOtp.values()) {
    if (list.length < 2) continue;
    const g = list[0]!;
    findings.violate(
      'one-redemption-per-otp',
      v.voucher,
      `OTP ${g.otp}${g.claimKey === undefined ? '' : ` of claim ${g.claimKey}`} was redeemed ${list.length} times, under keys ${list.map((x) => x.key).join(', ')}`,
      list.map((x) => x.first),
    );
  }
}
