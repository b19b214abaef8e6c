/**
 * Area 8, the voucher state machine (docs/design.md › Behaviour where the API documents are silent): a
 * model-based check — random claims, redemptions, details, repeats and clock moves run against the
 * target and against suites/state-machine/voucher-model.ts — and fixed sequences for the
 * behaviours a random sequence reaches only now and then. They need the sandbox's powers: a voucher
 * of a chosen amount, the OTPs from its outbox and its clock.
 */
import { defineCheck } from './check';
import type { CheckDefinition, Power, Severity } from './check';
import type { CertifyContext } from './context';
import { checkScenario, checkVoucherRuns } from './state-machine/runner';
import type { Scenario } from './state-machine/scenarios';
import { SCENARIOS } from './state-machine/scenarios';
import { newVoucherArbitrary, voucherCommandsArbitrary } from './state-machine/voucher-runs';

const SILENT = 'Behaviour where the API documents are silent';
const NEEDS: readonly Power[] = ['admin', 'clock', 'outbox'];

/** Enough runs to meet most defects at random, few enough for certify's 60 s on two cores. */
const MODEL_RUNS = 30;

function scenarioCheck(
  id: string,
  title: string,
  section: string,
  severity: Severity,
  scenario: Scenario,
): CheckDefinition<CertifyContext> {
  return defineCheck<CertifyContext>({
    id,
    title,
    area: 'state-machine',
    source: { doc: 'docs/design.md', section: `${SILENT} › ${section}` },
    basis: 'assumption',
    severity,
    needs: NEEDS,
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
    needs: NEEDS,
    run: (ctx) => checkVoucherRuns(ctx, newVoucherArbitrary, voucherCommandsArbitrary, MODEL_RUNS),
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
  ),
  scenarioCheck(
    'state.otp-expires',
    'An OTP past its 300 s is refused (4034) and its reservation released',
    'Balance reservation (OTP valid 300 s)',
    'high',
    SCENARIOS.otpExpires,
  ),
  scenarioCheck(
    'state.claim-released-after-4096',
    'A redeem refused with 4096 releases its claim: the voucher is ACTIVE and its balance claimable again',
    'Balance reservation (4096 releases the claim)',
    'high',
    SCENARIOS.claimReleasedAfter4096,
  ),
];
