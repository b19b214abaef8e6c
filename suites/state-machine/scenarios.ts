/**
 * Fixed command sequences for what the random generator reaches only now and then: each is run
 * through the same model and runner as the model-based check, once, on a fresh voucher. Amounts
 * assume nothing about the service fee except where a step says so ("available - serviceFee").
 */
import type { Micro } from '../../lib/money';
import { AdvanceClockCommand } from './advance-clock.command';
import type { ClaimAmount } from './claim-amount';
import { DetailCommand } from './detail.command';
import { InitiateClaimCommand } from './initiate-claim.command';
import { NeedsServiceFeeCommand } from './needs-service-fee.command';
import type { OtpChoice } from './otp-choice';
import { RedeemCommand } from './redeem.command';
import type { VoucherCommand } from './run-model';

export interface Scenario {
  readonly voucher: Micro;
  readonly commands: readonly VoucherCommand[];
}

const initiate = (amount: ClaimAmount | Micro) =>
  new InitiateClaimCommand(typeof amount === 'bigint' ? { kind: 'fixed', amount } : amount);
const redeem = (otp: OtpChoice) => new RedeemCommand(otp);
const detail = new DetailCommand();
const pending = (ref: number): OtpChoice => ({ kind: 'pending', ref });
const spent = (ref: number): OtpChoice => ({ kind: 'spent', ref });

const UNITS = 1_000_000n;

export const SCENARIOS = {
  /** Redeeming 2.5 of 10 leaves 10 - 2.5 - serviceFee: the fee taken once, not forgotten, not twice. */
  feeConsumedOnce: { voucher: 10n * UNITS, commands: [initiate(2_500_000n), redeem(pending(0)), detail] },
  /** 0.1 then 0.2 off 2.3 (with a fee of 1, exactly zero): the balance is exact to the micro-unit, as no float is. */
  exactMicroArithmetic: {
    voucher: 2_300_000n,
    commands: [initiate(100_000n), redeem(pending(0)), detail, initiate(200_000n), redeem(pending(0)), detail],
  },
  /** A redemption that leaves exactly zero: REDEEMED, then initiate gives 4042 and redeem 4032. */
  redeemedAtZero: {
    voucher: 10n * UNITS,
    commands: [
      initiate({ kind: 'to-zero' }),
      redeem(pending(0)),
      detail,
      initiate(UNITS),
      redeem({ kind: 'wrong', code: 0 }),
    ],
  },
  /** The OTP of a redeemed claim, sent again under a new idempotency key: 4034, nothing consumed. */
  otpSingleUse: {
    voucher: 10n * UNITS,
    commands: [initiate(2n * UNITS), redeem(pending(0)), redeem(spent(0)), detail],
  },
  /** Two pending claims of 1 and 3; the newer one's OTP redeems 3, not the older claim's 1. */
  otpBoundToClaim: {
    voucher: 10n * UNITS,
    commands: [initiate(UNITS), initiate(3n * UNITS), redeem(pending(0)), detail],
  },
  /** Past the OTP's life (301 s): 4034, the reservation released, the whole balance claimable again. */
  otpExpires: {
    voucher: 10n * UNITS,
    commands: [
      initiate(2n * UNITS),
      new AdvanceClockCommand('past-otp-life'),
      redeem(spent(0)),
      detail,
      initiate({ kind: 'whole' }),
    ],
  },
  /** A claim of the whole balance cannot pay its fee: 4096 releases it, and the balance is claimable again. */
  claimReleasedAfter4096: {
    voucher: 10n * UNITS,
    commands: [
      new NeedsServiceFeeCommand(),
      initiate({ kind: 'whole' }),
      redeem(pending(0)),
      detail,
      initiate({ kind: 'whole' }),
      detail,
    ],
  },
} as const satisfies Record<string, Scenario>;
