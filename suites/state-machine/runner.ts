/**
 * Runs commands against a voucher of the run's own on the target (issued to order on a sandbox,
 * drawn from the listed vouchers elsewhere) and against the model, step by step, as a fast-check
 * property: a divergence fails the property, fast-check shrinks the command sequence,
 * and the check's result carries the seed, the shrunk sequence and that run's exchanges.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { isHarnessError } from '../../lib/errors';
import type { HarnessErrorCode } from '../../lib/errors';
import { formatMoney } from '../../lib/money';
import type { Micro } from '../../lib/money';
import { CheckFailure, fromProperty, isCheckFailure, pass } from '../check';
import type { CheckOutcome, Evidence } from '../check';
import type { ApiResponse } from '../../lib/node/http-client';
import { notApplicable } from '../context';
import type { CertifyContext } from '../context';
import { watchClock } from './clock-witness';
import { checkEndState } from './end-of-run';
import { amountField, expectDetail } from './expected-response';
import { InitiateClaimCommand } from './initiate-claim.command';
import { RedeemCommand } from './redeem.command';
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

/**
 * Runs of the model-based check on a target without the admin API: each spends a listed voucher of
 * its own, so a few, and a failure is not shrunk (every shrink step would spend another).
 */
const RUNS_ON_LISTED_VOUCHERS = 3;

/** Where each run's voucher comes from, and how many runs there are vouchers for. */
interface VoucherSupply {
  readonly runs: number;
  /** Issued at `amount` (sandbox), or the next listed voucher, to be brought down to it. */
  next(amount: Micro): Promise<string>;
}

/**
 * A sandbox issues each run a voucher of its amount. Elsewhere the runs draw listed vouchers of
 * their own from the budget beforehand, each holding at least `largest` plus a fee for the
 * redemption that brings it down to the run's amount (suites/voucher-budget.ts): as many runs as
 * there are vouchers, up to `runs`, and a skip naming the fixture when there is none.
 */
async function voucherSupply(ctx: CertifyContext, runs: number, largest: Micro): Promise<VoucherSupply> {
  if (ctx.powers.has('admin')) return { runs, next: (amount) => ctx.voucher({ own: true, issue: { amount } }) };
  // Checked before drawing, so that a target that cannot redeem keeps its vouchers for other checks.
  if (ctx.target.config.otp.source === 'none')
    throw notApplicable(
      'the target file names no OTP source ("otp"), so a sequence of redemptions cannot be run: give a "fixed", "http" or "command" source',
    );
  const codes: string[] = [];
  while (codes.length < Math.min(runs, RUNS_ON_LISTED_VOUCHERS)) {
    try {
      codes.push(await ctx.voucher({ own: true, amount: largest, redemptions: 1 }));
    } catch (err) {
      // Fewer runs than wished is still a test; none is a skip with the budget's reason.
      if (codes.length > 0 && isHarnessError(err) && err.code === 'CHECK_NOT_APPLICABLE') break;
      throw err;
    }
  }
  return {
    runs: codes.length,
    async next() {
      const code = codes.shift();
      if (code === undefined) throw notApplicable('the runs drew every listed voucher set aside for them');
      return code;
    },
  };
}

const detailOf = (res: ApiResponse) =>
  (res.json as { data?: { serviceFee?: unknown; voucher?: { remainingBalance?: unknown; status?: unknown } } })?.data;

/**
 * The model at the start: the voucher as its detail reads (serviceFee from 2. Get Voucher Detail
 * Information › Response Body). One issued to order must read exactly as issued; a listed one is
 * taken as it reads, and must be ACTIVE: a claim left pending (an earlier run's) would hold an
 * unknown part of its balance.
 */
async function initialModel(ctx: CertifyContext, real: VoucherUnderTest, issued: Micro | undefined): Promise<RunModel> {
  const label = 'detail() of the new voucher';
  const res = await real.detail(label);
  const data = detailOf(res);
  const status = data?.voucher?.status;
  if (issued === undefined && res.status === 200 && status !== 'ACTIVE')
    throw notApplicable(
      `listed voucher ${real.code} reads ${JSON.stringify(status)}, not ACTIVE: a claim of an earlier run may still be pending (it lapses with its OTP, after ${ctx.expectations.otpLifetimeSeconds} s)`,
    );
  const voucher = newVoucher({
    amount: issued ?? amountField(label, data?.voucher?.remainingBalance, 'remainingBalance'),
    serviceFee: amountField(label, data?.serviceFee, 'serviceFee'),
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

/**
 * Brings a listed voucher down to the run's amount with one claim and its redemption, held to the
 * model like any other step, so a run starts where it would on a sandbox voucher issued at it (the
 * amounts near the fee and the claim sizes are what reach the boundaries).
 */
async function bringDownTo(model: RunModel, real: VoucherUnderTest, amount: Micro): Promise<void> {
  if (model.voucher.remaining <= amount) return;
  const steps = [new InitiateClaimCommand({ kind: 'leave', amount }), new RedeemCommand({ kind: 'pending', ref: 0 })];
  for (const step of steps) {
    try {
      await step.run(model, real);
    } catch (err) {
      if (isCheckFailure(err))
        throw new CheckFailure(
          `bringing the listed voucher down to ${formatMoney(amount)}, ${err.message}`,
          err.evidence,
        );
      throw err;
    }
  }
}

async function runOnVoucher(
  ctx: CertifyContext,
  supply: VoucherSupply,
  amount: NewVoucher,
  commands: Iterable<VoucherCommand>,
): Promise<void> {
  // Only a sandbox's clock is moved by other checks; --slow waits real time, which moves no clock.
  const movedByOthers = ctx.powers.has('admin') ? await watchClock(ctx) : async () => false;
  const real = openVoucherUnderTest(ctx, await supply.next(amount.amount));
  try {
    const model = await initialModel(ctx, real, ctx.powers.has('admin') ? amount.amount : undefined);
    await bringDownTo(model, real, amount.amount);
    await fc.asyncModelRun(() => ({ model, real }), commands);
    await checkEndState(model, real);
  } catch (err) {
    if (isHarnessError(err) && NOT_A_DIVERGENCE.has(err.code)) throw err;
    // Someone else moved the target's clock mid-run: the run proves nothing, and is discarded, not failed.
    fc.pre(!(await movedByOthers(real.advancedSeconds)));
    throw runFailure(real, amount, err);
  }
}

/**
 * Runs each generated (voucher, commands) pair against target and model; `numRuns` pairs when all
 * hold (on a target without the admin API, as many as its listed vouchers allow, up to three).
 * `largest` is the largest voucher `vouchers` makes.
 */
export async function checkVoucherRuns(
  ctx: CertifyContext,
  vouchers: Arbitrary<NewVoucher>,
  largest: Micro,
  commands: Arbitrary<Iterable<VoucherCommand>>,
  numRuns: number,
  fixed = false,
): Promise<CheckOutcome> {
  const supply = await voucherSupply(ctx, numRuns, largest);
  // Shrinking reruns; the failure reported is the last failing run's, which is the shrunk counterexample.
  const property = fc.asyncProperty(vouchers, commands, (amount, cmds) => runOnVoucher(ctx, supply, amount, cmds));
  const details = await fc.check(property, {
    seed: ctx.seed,
    numRuns: supply.runs,
    // The limit caps shrinking; a fixed sequence does not shrink, so on a slow target it runs to its end.
    ...(fixed ? {} : { interruptAfterTimeLimit: TIME_LIMIT_MS }),
    endOnFailure: !ctx.powers.has('admin'),
  });
  const cause = details.errorInstance;
  if (details.failed && isHarnessError(cause) && NOT_A_DIVERGENCE.has(cause.code)) throw cause;
  const outcome = fromProperty(details);
  // A pass on listed vouchers says how much of the sandbox's run it was.
  if (outcome.status !== 'pass' || ctx.powers.has('admin')) return outcome;
  return pass(`${outcome.note} on listed vouchers of their own (${supply.runs} of ${numRuns} runs)`);
}

/** One fixed sequence on one fresh voucher, through the same model and runner. */
export function checkScenario(
  ctx: CertifyContext,
  scenario: { readonly voucher: Micro; readonly commands: readonly VoucherCommand[] },
): Promise<CheckOutcome> {
  const voucher = fc.constant(new NewVoucher(scenario.voucher));
  return checkVoucherRuns(ctx, voucher, scenario.voucher, fc.constant(scenario.commands), 1, true);
}
