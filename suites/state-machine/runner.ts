/**
 * Runs commands against a fresh voucher on the target and against the model, step by step, as a
 * fast-check property: a divergence fails the property, fast-check shrinks the command sequence,
 * and the check's result carries the seed, the shrunk sequence and that run's exchanges.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { isHarnessError } from '../../lib/errors';
import type { HarnessErrorCode } from '../../lib/errors';
import { formatMoney } from '../../lib/money';
import type { Micro } from '../../lib/money';
import { CheckFailure, fromProperty } from '../check';
import type { CheckOutcome, Evidence } from '../check';
import type { CertifyContext } from '../context';
import { watchClock } from './clock-witness';
import { checkEndState } from './end-of-run';
import { amountField, expectDetail } from './expected-response';
import type { RunModel, VoucherCommand } from './run-model';
import { NewVoucher } from './voucher-runs';
import { newVoucher } from './voucher-model';
import { openVoucherUnderTest } from './voucher-under-test';
import type { VoucherUnderTest } from './voucher-under-test';

/** Errors that say the harness or its access broke, not that the target diverged: the check reports them as they are. */
const NOT_A_DIVERGENCE: ReadonlySet<HarnessErrorCode> = new Set([
  'CHECK_NOT_APPLICABLE',
  'TARGET_UNREACHABLE',
  'LOGIN_FAILED',
  'INVALID_ARGUMENT',
  'INTERNAL',
]);

/** Caps shrinking, so a failing target still leaves the whole certify its 60 s. */
const TIME_LIMIT_MS = 10_000;

async function initialModel(ctx: CertifyContext, real: VoucherUnderTest, amount: NewVoucher): Promise<RunModel> {
  const label = 'detail() of the new voucher';
  const res = await real.detail(label);
  // The voucher's serviceFee comes from its detail (2. Get Voucher Detail Information › Response Body).
  const fee = (res.json as { data?: { serviceFee?: unknown } } | undefined)?.data?.serviceFee;
  const voucher = newVoucher({
    amount: amount.amount,
    serviceFee: amountField(label, fee, 'serviceFee'),
    otpLifetimeSeconds: ctx.expectations.otpLifetimeSeconds,
  });
  expectDetail(label, voucher, res);
  return { voucher, posts: [] };
}

/** The run's failure: what diverged, with the voucher and every exchange of the run as evidence. */
function runFailure(real: VoucherUnderTest, amount: NewVoucher, err: unknown): CheckFailure {
  const message = err instanceof Error ? err.message : String(err);
  const note = `voucher ${real.code} of ${formatMoney(amount.amount)}: ${message}`;
  const evidence: Evidence[] = [{ label: 'divergence', note }, ...real.evidence()];
  return new CheckFailure(message, evidence);
}

async function runOnVoucher(
  ctx: CertifyContext,
  amount: NewVoucher,
  commands: Iterable<VoucherCommand>,
): Promise<void> {
  const movedByOthers = await watchClock(ctx);
  const real = await openVoucherUnderTest(ctx, amount.amount);
  try {
    const model = await initialModel(ctx, real, amount);
    await fc.asyncModelRun(() => ({ model, real }), commands);
    await checkEndState(model, real);
  } catch (err) {
    if (isHarnessError(err) && NOT_A_DIVERGENCE.has(err.code)) throw err;
    // Someone else moved the target's clock mid-run: the run proves nothing, and is discarded, not failed.
    fc.pre(!(await movedByOthers(real.advancedSeconds)));
    throw runFailure(real, amount, err);
  }
}

/** Runs each generated (voucher, commands) pair against target and model; `numRuns` pairs when all hold. */
export async function checkVoucherRuns(
  ctx: CertifyContext,
  vouchers: Arbitrary<NewVoucher>,
  commands: Arbitrary<Iterable<VoucherCommand>>,
  numRuns: number,
): Promise<CheckOutcome> {
  // Shrinking reruns; the failure reported is the last failing run's, which is the shrunk counterexample.
  const property = fc.asyncProperty(vouchers, commands, (amount, cmds) => runOnVoucher(ctx, amount, cmds));
  const details = await fc.check(property, { seed: ctx.seed, numRuns, interruptAfterTimeLimit: TIME_LIMIT_MS });
  const cause = details.errorInstance;
  if (details.failed && isHarnessError(cause) && NOT_A_DIVERGENCE.has(cause.code)) throw cause;
  return fromProperty(details);
}

/** One fixed sequence on one fresh voucher, through the same model and runner. */
export function checkScenario(
  ctx: CertifyContext,
  scenario: { readonly voucher: Micro; readonly commands: readonly VoucherCommand[] },
): Promise<CheckOutcome> {
  return checkVoucherRuns(ctx, fc.constant(new NewVoucher(scenario.voucher)), fc.constant(scenario.commands), 1);
}
