/**
 * The load runs' checker (docs/design.md › Invariants the load scenarios check; issue 5 › History and
 * checker): from the history of every operation, the final voucher states and, on a sandbox, the
 * ledger, it decides per voucher
 *   1. conservation, 2. no over-reservation, 3. no spurious refusal, 4. one effect per key and
 *   one redemption per OTP, 5. acknowledged successes present and refused ops absent,
 * in time linear in the history (one pass grouping by voucher and key, then per-voucher sweeps
 * over sorted times: n log n at most), as Jepsen's bank test does — no linearizability search.
 * Every judgement is conservative: a violation is reported only when no ordering of the ops that
 * agrees with their invoke and completion times could explain what was seen.
 */
import { HarnessError, describeValue } from '../../lib/errors';
import type { FinalVoucherState, HistoryOp } from '../../lib/history';
import { checkBalanceReads, checkConservation } from './conservation';
import { indexHistory, microFromHistory } from './op-index';
import { checkKeys, checkOtps } from './keys';
import type { LedgerEntry } from '../../lib/ledger-entry';
import { judgeLedger } from './ledger';
import { ledgerByVoucher } from './ledger-replay';
import { checkOverReservation, checkSpuriousRefusals, type VoucherTerms } from './reservations';
import { Findings, type Verdict } from './verdict';

export type { Invariant, Undetermined, Verdict, Violation } from './verdict';
export { INVARIANTS } from './verdict';
export { ledgerFromAdminJson } from './ledger';
export type { LedgerEntry } from '../../lib/ledger-entry';
export { mergeHistories, readHistories, readHistory } from './read';

export interface CheckHistoryInput {
  readonly ops: Iterable<HistoryOp>;
  readonly finals: readonly FinalVoucherState[];
  /** Each voucher's amount and the service fee its redemptions pay, in micro-units, before the run. */
  readonly initial: ReadonlyMap<string, { amount: bigint; serviceFee: bigint }>;
  /** The sandbox ledger (GET /admin/ledger; `ledgerFromAdminJson` reads its JSON). Sandbox only. */
  readonly ledger?: readonly LedgerEntry[];
  /** false: the run had no OTPs and stopped at claims — reservations (and claim keys) are judged, redemptions are not. */
  readonly otpSource: boolean;
  /**
   * true when every claim got one fixed test code: the server then redeems a voucher's oldest
   * pending claim, whichever the client meant, so a redemption's amount is unknown to the client
   * (the ledger still knows it). Without it, an OTP seen with several claims of a voucher counts as fixed.
   */
  readonly fixedOtp?: boolean;
}

function termsOf(
  voucher: string,
  initial: CheckHistoryInput['initial'],
  final: FinalVoucherState | undefined,
): VoucherTerms {
  const given = initial.get(voucher);
  if (given) return given;
  if (final)
    return {
      amount: microFromHistory(final.amount, `finals ${voucher}: amount`),
      serviceFee: microFromHistory(final.serviceFee, `finals ${voucher}: serviceFee`),
    };
  throw new HarnessError(
    'INVALID_ARGUMENT',
    `"initial" has no amount and service fee for voucher ${voucher}, and "finals" has no state for it: give its amount before the run`,
  );
}

function validate(input: CheckHistoryInput): void {
  if (typeof input !== 'object' || input === null)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"input" expected {ops, finals, initial, otpSource}, got ${describeValue(input)}`,
    );
  if (input.ops === null || typeof (input.ops as Iterable<HistoryOp>)[Symbol.iterator] !== 'function')
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"ops" expected an iterable of history ops, got ${describeValue(input.ops)}`,
    );
  if (!Array.isArray(input.finals))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"finals" expected an array of final voucher states, got ${describeValue(input.finals)}`,
    );
  if (!(input.initial instanceof Map))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"initial" expected a Map from voucher code to {amount, serviceFee}, got ${describeValue(input.initial)}`,
    );
  if (typeof input.otpSource !== 'boolean')
    throw new HarnessError('INVALID_ARGUMENT', `"otpSource" expected a boolean, got ${describeValue(input.otpSource)}`);
  if (input.ledger !== undefined && !Array.isArray(input.ledger))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"ledger" expected an array of ledger entries, got ${describeValue(input.ledger)}`,
    );
}

export function checkHistory(input: CheckHistoryInput): Verdict {
  validate(input);
  const index = indexHistory(input.ops, input.finals, input.fixedOtp === true);
  const finals = new Map(input.finals.map((f) => [f.voucher, f]));
  const ledger = input.ledger ? ledgerByVoucher(input.ledger) : undefined;
  const findings = new Findings();
  for (const v of index.vouchers.values()) {
    const final = finals.get(v.voucher);
    const terms = termsOf(v.voucher, input.initial, final);
    const finalRemaining =
      final === undefined
        ? undefined
        : microFromHistory(final.remainingBalance, `finals ${v.voucher}: remainingBalance`, true);
    checkKeys(v, findings);
    checkOverReservation(v, terms, findings);
    checkSpuriousRefusals(v, terms, findings);
    const judged = ledger
      ? judgeLedger(v, ledger.get(v.voucher) ?? [], terms, finalRemaining, input.otpSource, findings)
      : undefined;
    checkBalanceReads(v, terms, finalRemaining, findings);
    if (!input.otpSource) continue;
    checkOtps(v, findings);
    checkConservation(v, terms, finalRemaining, judged?.redemptions, findings);
  }
  return {
    valid: findings.violations.length > 0 ? false : findings.undeterminedCount > 0 ? 'unknown' : true,
    vouchers: index.vouchers.size,
    ops: index.ops,
    violations: findings.violations,
    undetermined: findings.undetermined,
    counts: {
      ...index.counts,
      keys: index.keys,
      ledgerEntries: input.ledger?.length ?? 0,
      undetermined: findings.undeterminedCount,
    },
    faults: index.faults,
    ledger: input.ledger !== undefined,
    otpSource: input.otpSource,
  };
}
