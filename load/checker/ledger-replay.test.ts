import { describe, expect, it } from 'vitest';
import { SandboxClock } from '../../sandbox/clock';
import { EXTERNAL_ACCOUNT, Ledger, ledgerEntryJson } from '../../sandbox/ledger';
import { ledgerFromAdminJson } from './ledger';
import { ledgerByVoucher, overReservations, replayVoucher } from './ledger-replay';

const UNIT = 1_000_000n;

/** A sandbox ledger as the sandbox writes it: a voucher of 10 issued, then claims held on it. */
function sandboxLedger(claims: readonly bigint[], released: readonly number[] = []): Ledger {
  const ledger = new Ledger(new SandboxClock(Date.UTC(2030, 0, 1)));
  ledger.transfer('voucher-issued', EXTERNAL_ACCOUNT, 'voucher:V1', 10n * UNIT, { voucherCode: 'V1' });
  ledger.transfer('voucher-issued', EXTERNAL_ACCOUNT, 'voucher:V2', 5n * UNIT, { voucherCode: 'V2' });
  claims.forEach((amount, i) => {
    ledger.hold('claim-reserved', 'voucher:V1', amount, { voucherCode: 'V1', claimId: `c${i}` });
    if (released.includes(i))
      ledger.hold('claim-released', 'voucher:V1', amount, { voucherCode: 'V1', claimId: `c${i}` });
  });
  return ledger;
}

describe('the over-reservation replay of the sandbox ledger', () => {
  it("takes the sandbox's entries as they are, and finds each claim that went over the balance", () => {
    // Typed as the sandbox gives them: no conversion between the sandbox and the checker.
    const found = overReservations(sandboxLedger([6n * UNIT, 3n * UNIT, 2n * UNIT, 1n * UNIT]).entries());
    expect(found).toEqual([
      { voucher: 'V1', seq: 5, claimId: 'c2', reserved: 11n * UNIT, remaining: 10n * UNIT },
      { voucher: 'V1', seq: 6, claimId: 'c3', reserved: 12n * UNIT, remaining: 10n * UNIT },
    ]);
  });

  it('counts a released claim out of the reservations', () => {
    expect(overReservations(sandboxLedger([6n * UNIT, 3n * UNIT, 2n * UNIT], [0]).entries())).toEqual([]);
  });

  it('replays the same from the admin JSON (GET /admin/ledger) as from the entries', () => {
    const entries = sandboxLedger([6n * UNIT, 5n * UNIT]).entries();
    const read = ledgerFromAdminJson(JSON.parse(JSON.stringify({ entries: entries.map(ledgerEntryJson) })));
    expect(read).toEqual(entries);
    expect(overReservations(read)).toEqual(overReservations(entries));
    expect(overReservations(read)).toHaveLength(1);
  });

  it("gives each step's balance, reservations and pending claims, from an opening balance when the issuing is cut off", () => {
    const v1 = ledgerByVoucher(sandboxLedger([6n * UNIT, 3n * UNIT], [0]).entries()).get('V1')!;
    // Read at each step, as the replay goes: the pending claims are the replay's own, as of that step.
    const steps = [];
    for (const s of replayVoucher('V1', v1.slice(1), 10n * UNIT))
      steps.push({ seq: s.entry.seq, remaining: s.remaining, reserved: s.reserved, pending: [...s.pending.keys()] });
    expect(steps).toEqual([
      { seq: 3, remaining: 10n * UNIT, reserved: 6n * UNIT, pending: ['c0'] },
      { seq: 4, remaining: 10n * UNIT, reserved: 0n, pending: [] },
      { seq: 5, remaining: 10n * UNIT, reserved: 3n * UNIT, pending: ['c1'] },
    ]);
  });
});
