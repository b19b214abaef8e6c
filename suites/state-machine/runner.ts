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
import { fromProperty } from '../check';
import type { CheckOutcome, Evidence } from '../check';
import type { CertifyContext } from '../context';
import { DetailCommand } from './detail.command';
import { amountField, expectDetail, isDivergence } from './expected-response';
import { InitiateClaimCommand } from './initiate-claim.command';
import type { RunModel, VoucherCommand } from './run-model';
import { NewVoucher } from './voucher-runs';
import { newVoucher } from './voucher-model';
import { openVoucherUnderTest } from './voucher-under-test';
import type { VoucherUnderTest } from './voucher-under-test';

/** Errors that say the harness or its access broke, not that the target diverged: the check reports them as they are. */
const NOT_A_DIVERGENCE: ReadonlySet<HarnessErrorCode> = new Set(['CHECK_NOT_APPLICABLE', 'TARGET_UNREACHABLE', 'LOGIN_FAILED', 'INVALID_ARGUMENT', 'INTERNAL']);

/** How far the target's clock may drift from ours in one run (request latency), in ms. */
const CLOCK_SLACK_MS = 2_000;

/** Caps shrinking, so a failing target still leaves the whole certify its 60 s. */
const TIME_LIMIT_MS = 10_000;

/**
 * Under certify every area shares one target, and some move its clock: a move of theirs mid-run
 * expires our claims and tokens. Comparing the target's clock with ours before and after tells a
 * run disturbed that way, which then proves nothing and is discarded (fc.pre), never failed.
 */
async function clockWitness(ctx: CertifyContext): Promise<(ourSeconds: number) => Promise<boolean>> {
  // An advance of 0 s answers the clock's reading without moving it (sandbox/README.md › The clock).
  const read = async () => Number((await ctx.admin().advanceClock(0)).epochMs);
  const [target, local] = [await read(), Date.now()];
  return async (ourSeconds) => Math.abs((await read()) - target - (Date.now() - local) - ourSeconds * 1000) > CLOCK_SLACK_MS;
}

async function initialModel(ctx: CertifyContext, real: VoucherUnderTest, amount: NewVoucher): Promise<RunModel> {
  const label = 'detail() of the new voucher';
  const res = await real.detail(label);
  // The voucher's serviceFee comes from its detail (2. Get Voucher Detail Information › Response Body).
  const fee = (res.json as { data?: { serviceFee?: unknown } } | undefined)?.data?.serviceFee;
  const voucher = newVoucher({ amount: amount.amount, serviceFee: amountField(label, fee, 'serviceFee'), otpLifetimeSeconds: ctx.expectations.otpLifetimeSeconds });
  expectDetail(label, voucher, res);
  return { voucher, posts: [] };
}

function runEvidence(real: VoucherUnderTest, model: RunModel | undefined, amount: NewVoucher, err: unknown): Evidence[] {
  const fee = model === undefined ? 'unknown' : formatMoney(model.voucher.serviceFee);
  const note = `voucher ${real.code} of ${formatMoney(amount.amount)}, serviceFee ${fee}: ${err instanceof Error ? err.message : String(err)}`;
  return [{ label: 'divergence', note }, ...real.evidence()];
}

/**
 * After the sequence, the end state: the balance and status, then the available balance from both
 * sides (one micro-unit over it must be 4091, all of it must be accepted), so a reservation kept or
 * lost shows even when no later command happened to touch it.
 */
const END_OF_RUN: readonly VoucherCommand[] = [new DetailCommand(), new InitiateClaimCommand({ kind: 'over' }), new InitiateClaimCommand({ kind: 'share', percent: 100 })];

async function checkEndState(model: RunModel, real: VoucherUnderTest): Promise<void> {
  for (const command of END_OF_RUN) {
    try {
      await command.run(model, real);
    } catch (err) {
      if (isDivergence(err)) err.message = `at the end of the run, ${err.message}`;
      throw err;
    }
  }
}

async function runOnVoucher(ctx: CertifyContext, amount: NewVoucher, commands: Iterable<VoucherCommand>, failure: { evidence: Evidence[] }): Promise<void> {
  const movedByOthers = await clockWitness(ctx);
  const real = await openVoucherUnderTest(ctx, amount.amount);
  let model: RunModel | undefined;
  try {
    const start = await initialModel(ctx, real, amount);
    model = start;
    await fc.asyncModelRun(() => ({ model: start, real }), commands);
    await checkEndState(start, real);
  } catch (err) {
    if (isHarnessError(err) && NOT_A_DIVERGENCE.has(err.code)) throw err;
    fc.pre(!(await movedByOthers(real.advancedSeconds)));
    failure.evidence = runEvidence(real, model, amount, err);
    throw err;
  }
}

/** Runs each generated (voucher, commands) pair against target and model; `numRuns` pairs when all hold. */
export async function checkVoucherRuns(ctx: CertifyContext, vouchers: Arbitrary<NewVoucher>, commands: Arbitrary<Iterable<VoucherCommand>>, numRuns: number): Promise<CheckOutcome> {
  // Shrinking reruns; the evidence kept is the last failing run's, which is the shrunk counterexample.
  const failure = { evidence: [] as Evidence[] };
  const property = fc.asyncProperty(vouchers, commands, (amount, cmds) => runOnVoucher(ctx, amount, cmds, failure));
  const details = await fc.check(property, { seed: ctx.seed, numRuns, interruptAfterTimeLimit: TIME_LIMIT_MS });
  const cause = details.errorInstance;
  if (details.failed && isHarnessError(cause) && NOT_A_DIVERGENCE.has(cause.code)) throw cause;
  return fromProperty(details, failure.evidence);
}

/** One fixed sequence on one fresh voucher, through the same model and runner. */
export function checkScenario(ctx: CertifyContext, scenario: { readonly voucher: Micro; readonly commands: readonly VoucherCommand[] }): Promise<CheckOutcome> {
  return checkVoucherRuns(ctx, fc.constant(new NewVoucher(scenario.voucher)), fc.constant(scenario.commands), 1);
}
