/**
 * Voucher detail (issue area 7; merchant API v1.0 › Gift Voucher Redemption › 2. Get Voucher
 * Detail Information): the response's shape and formats, and its consistency with what the suite
 * did to the voucher — issued, claimed, redeemed, spent to zero — in exact micro-units.
 */
import fc from 'fast-check';
import type { Micro } from '../lib/money';
import { formatMoney, MICRO_PER_UNIT } from '../lib/money';
import { CheckFailure, defineCheck, pass } from './check';
import type { CheckDefinition, CheckOutcome, CheckSource } from './check';
import type { CertifyContext, VoucherNeed } from './context';
import { httpProperty } from './http-property';
import { claim, claimAndRedeem, newFlow } from './merchant-steps';
import type { Flow } from './merchant-steps';
import { amountFormatProblems, detailStep, iso8601Problem, spendableToZero, VOUCHER_STATUSES } from './voucher-detail';
import type { VoucherDetail } from './voucher-detail';

const API = 'omnivas-merchant-api-v1.0' as const;
const RESPONSE: CheckSource = {
  doc: API,
  section: 'Gift Voucher Redemption › 2. Get Voucher Detail Information › Success Response; Response Body Explanations',
};
const STATES: CheckSource = {
  doc: 'docs/design.md',
  section: 'Behaviour where the API documents are silent › Balance reservation; States',
};

/** The detail of a voucher the check has just been given (a detail that cannot be read fails the check). */
async function freshDetail(
  ctx: CertifyContext,
  need: VoucherNeed,
): Promise<{ flow: Flow; voucherCode: string; detail: VoucherDetail }> {
  const flow = newFlow(ctx);
  const voucherCode = await ctx.voucher(need);
  return { flow, voucherCode, detail: await detailStep(flow, voucherCode) };
}

/** A check's run on the detail of a voucher just given: `problems` judges what it reads. */
const onFreshDetail =
  (problems: (detail: VoucherDetail, ctx: CertifyContext, voucherCode: string) => string[]) =>
  async (ctx: CertifyContext): Promise<CheckOutcome> => {
    // Reading only: any voucher of the run's budget will do.
    const read = await freshDetail(ctx, { amount: 0n });
    expectNoProblems(read.flow, problems(read.detail, ctx, read.voucherCode));
    return pass();
  };

/** The messages of the expectations that did not hold: each entry is `holds || message`. */
const problemsOf = (...entries: readonly (string | true)[]): string[] => entries.filter((e): e is string => e !== true);

/** A verdict over the detail read last: its problems fail the check (or the property's case) with the exchanges so far. */
function expectNoProblems(flow: Flow, problems: readonly string[]): void {
  if (problems.length > 0) throw new CheckFailure(problems.join('; '), flow.trail);
}

const shape = defineCheck<CertifyContext>({
  id: 'detail.shape',
  title:
    'The detail answers statusCode 200, success true, a message, and data.voucher with id (number), code, serialNumber, amount, remainingBalance, status (ACTIVE, REDEEM_INITIATED or REDEEMED), expirationDate, and data.serviceFee',
  area: 'detail',
  source: RESPONSE,
  basis: 'document',
  severity: 'high',
  // A body that cannot be read at all fails in freshDetail, naming every field that is missing or mistyped.
  run: onFreshDetail((detail, _ctx, voucherCode) =>
    problemsOf(
      detail.code === voucherCode ||
        `"data.voucher.code" is ${JSON.stringify(detail.code)}, the voucher asked for is ${voucherCode}`,
      VOUCHER_STATUSES.includes(detail.status) ||
        `"data.voucher.status" is ${JSON.stringify(detail.status)}, not one of ${VOUCHER_STATUSES.join(', ')}`,
    ),
  ),
});

const amountFormat = defineCheck<CertifyContext>({
  id: 'detail.amount-format',
  title:
    'amount, remainingBalance and serviceFee are decimal strings with 6 places ("50.000000"), or as the target file\'s amountFormat expectation says',
  area: 'detail',
  source: {
    doc: API,
    section: 'Gift Voucher Redemption › 2. Get Voucher Detail Information › Success Response ("amount": "50.000000")',
  },
  basis: 'document',
  severity: 'medium',
  run: onFreshDetail((detail, ctx) => amountFormatProblems(detail, ctx.expectations.amountFormat)),
});

const expirationIso = defineCheck<CertifyContext>({
  id: 'detail.expiration-iso',
  title: 'expirationDate is an ISO 8601 date-time ("2025-12-21T22:10:17.000Z")',
  area: 'detail',
  source: {
    doc: API,
    section:
      'Gift Voucher Redemption › 2. Get Voucher Detail Information › Response Body Explanations (expirationDate: ISO 8601 format)',
  },
  basis: 'document',
  severity: 'medium',
  run: onFreshDetail((detail) => problemsOf(iso8601Problem(detail.expirationDate) ?? true)),
});

/**
 * Voucher amounts from one micro-unit up to `largest`; expiry dates well after any sandbox clock.
 * A sandbox issues up to a million units; a partner on another target funds each voucher from its
 * reserved balance, so there the amounts stay within a unit.
 */
const issuedVoucher = (largest: Micro) =>
  fc.record({
    amount: fc.bigInt({ min: 1n, max: largest }),
    expiresAt: fc.integer({ min: Date.UTC(2040, 0, 1), max: Date.UTC(2099, 11, 31) }),
  });

const reflectsIssued = defineCheck<CertifyContext>({
  id: 'detail.reflects-issued-voucher',
  title:
    'A voucher issued with any amount and expiry reads back exactly: amount and remainingBalance equal to it, status ACTIVE, the same expiration instant, amounts and date spelled as documented',
  area: 'detail',
  source: RESPONSE,
  basis: 'document',
  severity: 'high',
  // Issued to order by the sandbox's admin API, or elsewhere by the partner of "fixtures.partner".
  async run(ctx) {
    const client = ctx.merchant.client();
    const sandbox = ctx.powers.has('admin');
    const [largest, example] = sandbox
      ? [1_000_000n * MICRO_PER_UNIT, 100n * MICRO_PER_UNIT]
      : [MICRO_PER_UNIT, 100_000n];
    return httpProperty(
      ctx,
      issuedVoucher(largest),
      { numRuns: sandbox ? 15 : 5, examples: [{ amount: example, expiresAt: Date.UTC(2040, 0, 1) }] },
      async ({ amount, expiresAt }) => {
        const flow = newFlow(ctx, client);
        const expirationDate = new Date(expiresAt).toISOString();
        const voucherCode = await ctx.voucher({ issue: { amount, expirationDate } });
        const detail = await detailStep(flow, voucherCode);
        expectNoProblems(flow, [
          ...problemsOf(
            detail.amount === amount || `"amount" reads ${formatMoney(detail.amount)}, issued ${formatMoney(amount)}`,
            detail.remainingBalance === amount ||
              `"remainingBalance" reads ${formatMoney(detail.remainingBalance)} on an unused voucher of ${formatMoney(amount)}`,
            detail.status === 'ACTIVE' ||
              `"status" is ${JSON.stringify(detail.status)} on an unused voucher, expected ACTIVE`,
            Date.parse(detail.expirationDate) === expiresAt ||
              `"expirationDate" is ${JSON.stringify(detail.expirationDate)}, issued ${expirationDate}`,
            iso8601Problem(detail.expirationDate) ?? true,
          ),
          ...amountFormatProblems(detail, ctx.expectations.amountFormat),
        ]);
      },
    );
  },
});

const afterClaim = defineCheck<CertifyContext>({
  id: 'detail.after-claim',
  title:
    'After a claim the detail shows REDEEM_INITIATED, with amount and remainingBalance unchanged (a claim reserves, it does not spend)',
  area: 'detail',
  source: STATES,
  basis: 'assumption',
  severity: 'high',
  async run(ctx) {
    // Its own: the check reads the balance and state it changed, exactly.
    const { flow, voucherCode, detail: before } = await freshDetail(ctx, { own: true });
    await claim(flow, voucherCode, share(before.remainingBalance, ctx));
    const after = await detailStep(flow, voucherCode, 'voucher detail after the claim');
    expectNoProblems(
      flow,
      problemsOf(
        after.status === 'REDEEM_INITIATED' ||
          `"status" is ${JSON.stringify(after.status)} with a claim pending, expected REDEEM_INITIATED`,
        after.remainingBalance === before.remainingBalance ||
          `"remainingBalance" went from ${formatMoney(before.remainingBalance)} to ${formatMoney(after.remainingBalance)} on a claim alone`,
        after.amount === before.amount ||
          `"amount" went from ${formatMoney(before.amount)} to ${formatMoney(after.amount)}`,
      ),
    );
    return pass();
  },
});

/** A seeded share of `balance`, between one micro-unit and half of it. */
function share(balance: Micro, ctx: CertifyContext): Micro {
  const part = (balance * BigInt(1 + (ctx.random.nextUint32() % 500))) / 1000n;
  return part > 0n ? part : 1n;
}

const afterRedeem = defineCheck<CertifyContext>({
  id: 'detail.after-redeem',
  title:
    'After each redemption remainingBalance is exactly the balance before less the amount and the service fee, and the status is back to ACTIVE',
  area: 'detail',
  source: STATES,
  basis: 'assumption',
  severity: 'critical',
  async run(ctx) {
    // Its own: successive redemptions read back exact balances.
    const voucherCode = await ctx.voucher({ own: true });
    const client = ctx.merchant.client();
    // Successive redemptions on one voucher, each taking a share (per mille) of what is left after the fee.
    return httpProperty(ctx, fc.integer({ min: 1, max: 500 }), { numRuns: 6 }, async (perMille) => {
      const flow = newFlow(ctx, client);
      const before = await detailStep(flow, voucherCode, 'voucher detail before');
      const spendable = before.remainingBalance - before.serviceFee;
      // Nothing left to redeem (shrinking spends the voucher too): the case says nothing.
      if (spendable <= 0n) return;
      const amount = (spendable * BigInt(perMille)) / 1000n || 1n;
      await claimAndRedeem(flow, voucherCode, amount);
      const after = await detailStep(flow, voucherCode, 'voucher detail after');
      const expected = before.remainingBalance - amount - before.serviceFee;
      const status = expected === 0n ? 'REDEEMED' : 'ACTIVE';
      expectNoProblems(
        flow,
        problemsOf(
          after.remainingBalance === expected ||
            `redeemed ${formatMoney(amount)} + fee ${formatMoney(before.serviceFee)} from ${formatMoney(before.remainingBalance)}: "remainingBalance" reads ${formatMoney(after.remainingBalance)}, expected ${formatMoney(expected)}`,
          after.status === status ||
            `"status" is ${JSON.stringify(after.status)} after the redemption, expected ${status}`,
        ),
      );
    });
  },
});

const redeemedAtZero = defineCheck<CertifyContext>({
  id: 'detail.redeemed-at-zero',
  title: 'Redeeming all of the balance but the fee leaves remainingBalance 0 and the status REDEEMED',
  area: 'detail',
  source: STATES,
  basis: 'assumption',
  severity: 'high',
  async run(ctx) {
    // Its own: the check reads the balance and state it changed, exactly.
    const { flow, voucherCode, detail: before } = await freshDetail(ctx, { own: true });
    const amount = spendableToZero(before);
    await claimAndRedeem(flow, voucherCode, amount);
    const after = await detailStep(flow, voucherCode, 'voucher detail after spending it to zero');
    expectNoProblems(
      flow,
      problemsOf(
        after.remainingBalance === 0n ||
          `"remainingBalance" reads ${formatMoney(after.remainingBalance)} after redeeming ${formatMoney(amount)} + fee ${formatMoney(before.serviceFee)} of ${formatMoney(before.remainingBalance)}, expected 0`,
        after.status === 'REDEEMED' || `"status" is ${JSON.stringify(after.status)} at zero balance, expected REDEEMED`,
      ),
    );
    return pass();
  },
});

export const detailChecks: readonly CheckDefinition<CertifyContext>[] = [
  shape,
  amountFormat,
  expirationIso,
  reflectsIssued,
  afterClaim,
  afterRedeem,
  redeemedAtZero,
];
