/**
 * Area 8, the voucher state machine (docs/design.md › Behaviour where the API documents are silent): a
 * model-based check — random claims, redemptions, details, repeats and clock moves run against the
 * target and against suites/state-machine/voucher-model.ts — and fixed sequences for the
 * behaviours a random sequence reaches only now and then.
 *
 * Each run has a voucher to itself: on a sandbox issued at the run's amount, elsewhere a listed
 * voucher brought down to it (suites/state-machine/runner.ts), so they need an OTP source but no
 * sandbox power, except where the behaviour itself does: an OTP bound to its claim shows only with
 * each claim's own OTP, an OTP's expiry only with the clock (or --slow's real wait).
 */
import { defineCheck } from './check';
import type { CheckDefinition, Power, Severity } from './check';
import type { CertifyContext } from './context';
import { checkScenario, checkVoucherRuns } from './state-machine/runner';
import type { Scenario } from './state-machine/scenarios';
import { SCENARIOS } from './state-machine/scenarios';
import { LARGEST_NEW_VOUCHER, newVoucherArbitrary, voucherCommandsArbitrary } from './state-machine/voucher-runs';

const SILENT = 'Behaviour where the API documents are silent';

/** Enough runs to meet most defects at random, few enough for certify's 60 s on two cores. */
const MODEL_RUNS = 30;

/** A fixed sequence (state-machine/scenarios.ts) declared as a check, run once on a fresh voucher. */
export function scenarioCheck(
  id: string,
  title: string,
  section: string,
  severity: Severity,
  scenario: Scenario,
  needs: readonly Power[] = [],
): CheckDefinition<CertifyContext> {
  return defineCheck<CertifyContext>({
    id,
    title,
    area: 'state-machine',
    source: { doc: 'docs/design.md', section: `${SILENT} › ${section}` },
    basis: 'assumption',
    severity,
    needs,
    run: (ctx) => checkScenario(ctx, scenario),
  });
}

export const stateMachineChecks: readonly CheckDefinition<CertifyContext>[] = [
  defineCheck<CertifyContext>({
    id: 'state.model',
    title:
      'Random sequences of initiate, redeem (right, spent, wrong or no OTP), detail, same-key repeats and clock moves agree with the voucher model',
    area: 'state-machine',
    source: { doc: 'docs/design.md', section: `${SILENT} › Money; Balance reservation; States; Idempotency` },
    basis: 'assumption',
    severity: 'critical',
    // Moves the clock where it moves at once, a sandbox's shared one: the check then runs alone.
    uses: ['clock'],
    run: (ctx) =>
      checkVoucherRuns(
        ctx,
        newVoucherArbitrary,
        LARGEST_NEW_VOUCHER,
        voucherCommandsArbitrary({ clockMoves: ctx.powers.has('admin') }),
        MODEL_RUNS,
      ),
  }),
  scenarioCheck(
    'state.fee-consumed-once',
    'A redemption consumes its amount plus the service fee from the detail, once',
    'Balance reservation (amount + serviceFee)',
    'critical',
    SCENARIOS.feeConsumedOnce,
  ),
  scenarioCheck(
    'state.exact-micro-arithmetic',
    'Claims of 0.1 and 0.2 leave a balance exact to the micro-unit',
    'Money',
    'critical',
    SCENARIOS.exactMicroArithmetic,
  ),
  scenarioCheck(
    'state.redeemed-at-zero',
    'A balance brought to exactly zero makes the voucher REDEEMED: initiate gives 4042, redeem 4032',
    'States',
    'high',
    SCENARIOS.redeemedAtZero,
  ),
  scenarioCheck(
    'state.otp-single-use',
    'An OTP whose claim was redeemed is refused when sent again with a new idempotency key (4034)',
    'Balance reservation (OTP single use)',
    'critical',
    SCENARIOS.otpSingleUse,
  ),
  scenarioCheck(
    'state.otp-bound-to-claim',
    "A claim's OTP redeems that claim, not an older pending one",
    'Balance reservation (OTP bound to its claim)',
    'critical',
    SCENARIOS.otpBoundToClaim,
    // With one fixed code for both claims, which claim a redeem names cannot be told.
    ['otp-per-claim'],
  ),
  scenarioCheck(
    'state.otp-expires',
    'An OTP past its 300 s is refused (4034) and its reservation released',
    'Balance reservation (OTP valid 300 s)',
    'high',
    SCENARIOS.otpExpires,
    ['clock'],
  ),
  scenarioCheck(
    'state.claim-released-after-4096',
    'A redeem refused with 4096 releases its claim: the voucher is ACTIVE and its balance claimable again',
    'Balance reservation (4096 releases the claim)',
    'high',
    SCENARIOS.claimReleasedAfter4096,
  ),
];
