/**
 * The contract (issue 13): answers against the API description (openapi/merchant-api-v1.0.yaml),
 * field by field, with the echo rules the reference states ("the idempotency key from your request
 * (allows you to verify response matches your submission)", the same for metadata).
 *
 * Two kinds of checks. `contractChecks` are registered like every area's: each exercises an endpoint
 * and validates what came back. `endOfRunChecks(collector)` judge a whole run: the runner attaches
 * the collector to every context (CertifyContextOptions › onExchange), runs every area, then these.
 */
import { answerContract } from '../contract/answer-contract';
import type { AnswerCollector } from '../contract/answer-collector';
import { ENDPOINTS } from '../lib/endpoint-catalog';
import type { EndpointId } from '../lib/endpoint-catalog';
import { MICRO_PER_UNIT } from '../lib/money';
import type { MerchantClient } from '../lib/node/http-client';
import { initiateClaimBody, redeemGiftBody } from '../lib/payloads';
import type { LatencyBudget } from '../lib/target-config';
import { CheckFailure, defineCheck, fail, pass, settle, skip } from './check';
import type { CheckDefinition, CheckOutcome, CheckSource } from './check';
import type { CertifyContext } from './context';
import { contractVerdict, violationsOf } from './contract-verdict';
import { expectSuccess, freshKey, newFlow, sendDetail, sendPost } from './merchant-steps';
import type { Flow } from './merchant-steps';

const API = 'omnivas-merchant-api-v1.0' as const;
const section = (s: string): CheckSource => ({ doc: API, section: s });

/**
 * Metadata whose re-serialisation differs from what is sent (spaces, 12.50, a non-ASCII letter): a
 * server that parses it and writes it back, or hands back the parsed object, is caught.
 */
export const CONTRACT_METADATA = '{"merchant": "Café Ω", "product": "top-up", "price": 12.50, "items": [1, 2]}';

/** Every answer a client received, validated against the description with the target's amount format. */
function judgeClient(ctx: CertifyContext, client: MerchantClient): CheckOutcome {
  const exchanges = client.transcript().filter((x) => x.status !== undefined);
  const contract = answerContract({ amountFormat: ctx.expectations.amountFormat });
  return contractVerdict(violationsOf(contract.validate, exchanges), exchanges.length);
}

/**
 * Runs `steps` on a fresh client, then judges every answer it got: a step that failed (a refusal
 * of what should have succeeded) still has its answers judged, and a contract violation among
 * them is the failure reported.
 */
async function onFreshClient(ctx: CertifyContext, steps: (flow: Flow) => Promise<void>): Promise<CheckOutcome> {
  const flow = newFlow(ctx);
  const arranged = await settle(async () => {
    await steps(flow);
    return pass();
  });
  const judged = judgeClient(ctx, flow.client);
  return judged.status === 'fail' || arranged.status === 'pass' ? judged : arranged;
}

const claimBody = (voucherCode: string): string =>
  initiateClaimBody({
    voucherCode,
    amount: MICRO_PER_UNIT,
    idempotencyKey: freshKey(),
    metadata: CONTRACT_METADATA,
  });

const login = defineCheck<CertifyContext>({
  id: 'contract.login',
  title: 'The login answer is as documented: accessToken, success true, statusCode 200, message',
  area: 'contract',
  source: section('Authentication › Step 4: Obtain Access Token › Response'),
  basis: 'document',
  severity: 'high',
  run: (ctx) =>
    onFreshClient(ctx, async (flow) => {
      await flow.client.login();
    }),
});

const test = defineCheck<CertifyContext>({
  id: 'contract.test',
  title: 'POST /test answers {"test": "successful"}',
  area: 'contract',
  source: section('Authentication › Step 5: Verify Configuration › Expected Response'),
  basis: 'document',
  severity: 'medium',
  run: (ctx) =>
    onFreshClient(ctx, async (flow) => {
      await flow.client.send({ method: 'POST', path: ENDPOINTS.test.path });
    }),
});

const initiate = defineCheck<CertifyContext>({
  id: 'contract.initiate-claim',
  title:
    "initiate-claim's success answer is as documented, and data.idempotencyKey and data.metadata are exactly the strings sent",
  area: 'contract',
  source: section('Gift Voucher Redemption › 1. Initiate Claim › Success Response; Response Body Explanations'),
  basis: 'document',
  severity: 'high',
  run: (ctx) =>
    onFreshClient(ctx, async (flow) => {
      // A claim left pending on a shared voucher: nothing here reads its balance.
      const voucherCode = await ctx.voucher({ amount: MICRO_PER_UNIT });
      const res = await sendPost(flow, 'initiate-claim', claimBody(voucherCode));
      expectSuccess(flow, 'initiate-claim', res);
    }),
});

const detail = defineCheck<CertifyContext>({
  id: 'contract.voucher-detail',
  title:
    'The voucher detail answer is as documented: data.voucher with its seven fields, amounts as 6-place decimal strings, an ISO 8601 expirationDate, data.serviceFee',
  area: 'contract',
  source: section('Gift Voucher Redemption › 2. Get Voucher Detail Information › Success Response'),
  basis: 'document',
  severity: 'high',
  run: (ctx) =>
    onFreshClient(ctx, async (flow) => {
      const res = await sendDetail(flow, await ctx.voucher({ amount: 0n }));
      expectSuccess(flow, 'voucher detail', res);
    }),
});

const redeem = defineCheck<CertifyContext>({
  id: 'contract.redeem-gift',
  title:
    "redeem-gift's success answer is as documented (response, referenceNumber, omnivasReferenceNumber), and data.idempotencyKey and data.metadata are exactly the strings sent",
  area: 'contract',
  source: section('Gift Voucher Redemption › 3. Redeem Gift › Success Response; Response Body Explanations'),
  basis: 'document',
  severity: 'high',
  run: (ctx) =>
    onFreshClient(ctx, async (flow) => {
      // One claim, redeemed: a shared voucher of the redeeming checks serves (suites/voucher-budget.ts).
      const voucherCode = await ctx.voucher({ amount: MICRO_PER_UNIT, redemptions: 1 });
      const smsBefore = await ctx.smsCount(voucherCode);
      expectSuccess(flow, 'initiate-claim', await sendPost(flow, 'initiate-claim', claimBody(voucherCode)));
      const verificationCode = await ctx.otp(voucherCode, smsBefore);
      const body = redeemGiftBody({
        voucherCode,
        verificationCode,
        idempotencyKey: freshKey(),
        metadata: CONTRACT_METADATA,
      });
      expectSuccess(flow, 'redeem-gift', await sendPost(flow, 'redeem-gift', body));
    }),
});

/** A voucher code no target has: 4041 wherever a voucher is looked up. */
const NO_SUCH_VOUCHER = '0000000000000000';

const errors = defineCheck<CertifyContext>({
  id: 'contract.error-answers',
  title:
    'Refusals (no token; a voucher that does not exist on initiate, detail and redeem) come in the error envelope: statusCode, success false, message, data null',
  area: 'contract',
  source: section('Gift Voucher Redemption › 1. Initiate Claim › Error Response Format'),
  basis: 'document',
  severity: 'high',
  run: (ctx) =>
    onFreshClient(ctx, async (flow) => {
      await flow.client.send({ method: 'POST', path: ENDPOINTS.test.path, headers: { 'x-api-token': null } });
      await sendPost(flow, 'initiate-claim', claimBody(NO_SUCH_VOUCHER));
      await sendDetail(flow, NO_SUCH_VOUCHER);
      const body = redeemGiftBody({
        voucherCode: NO_SUCH_VOUCHER,
        verificationCode: '000000',
        idempotencyKey: freshKey(),
      });
      await sendPost(flow, 'redeem-gift', body);
      const refusals = flow.client.transcript().filter((x) => (x.status ?? 0) >= 400).length;
      // Without refusals there was nothing to judge: a target that accepts these is wrong elsewhere too.
      if (refusals !== 4) throw new CheckFailure(`${4 - refusals} of the 4 requests that must be refused were not`);
    }),
});

export const contractChecks: readonly CheckDefinition<CertifyContext>[] = [
  login,
  test,
  initiate,
  detail,
  redeem,
  errors,
];

// ---- judged at the end of a run, from what the collector saw --------------------------------

/** The run's latency budget for an endpoint of the merchant API, if the target file sets one. */
export function budgetFor(budget: LatencyBudget | undefined, endpoint: string): number | undefined {
  if (budget === undefined || !(endpoint in ENDPOINTS)) return undefined;
  return typeof budget === 'number' ? budget : budget[endpoint as EndpointId];
}

/** Above this p95 a target without a budget gets a finding. */
export const DEFAULT_P95_FINDING_MS = 1000;

const LATENCY: CheckSource = {
  doc: 'docs/design.md',
  section: 'Behaviour where the API documents are silent › Latency',
};

const latencyLine = (l: { endpoint: string; p95Ms: number; count: number; maxMs: number }, limit: number) =>
  `${l.endpoint}: p95 ${l.p95Ms} ms over ${limit} ms (${l.count} answer${l.count === 1 ? '' : 's'}, max ${l.maxMs} ms)`;

export function endOfRunChecks(collector: AnswerCollector): readonly CheckDefinition<CertifyContext>[] {
  const everyAnswer = defineCheck<CertifyContext>({
    id: 'contract.every-answer-valid',
    title:
      'Every answer of the run, in every area, is as the API description says, and echoes the idempotencyKey and metadata it was sent',
    area: 'contract',
    source: section('Gift Voucher Redemption › Response Body Explanations; Error Response Format'),
    basis: 'document',
    severity: 'high',
    run: async () => {
      const answers = collector.validated();
      if (answers === 0) return skip('no answers were collected: the collector was not attached to the run');
      return contractVerdict(collector.violations(), answers, collector.violationCount());
    },
  });
  const budget = defineCheck<CertifyContext>({
    id: 'contract.latency-budget',
    title: "Every endpoint's p95 answer time is within the target file's budget (expectations.latencyP95Ms)",
    area: 'contract',
    source: LATENCY,
    basis: 'assumption',
    severity: 'low',
    run: async (ctx) => {
      const { latencyP95Ms } = ctx.expectations;
      // No budget is no missing coverage: the finding contract.latency-over-1s then names slow endpoints.
      if (latencyP95Ms === undefined)
        return pass(
          'no budget: the target file sets no expectations.latencyP95Ms; contract.latency-over-1s reports slow endpoints',
        );
      const table = collector.latency();
      const over = table.flatMap((l) => {
        const limit = budgetFor(latencyP95Ms, l.endpoint);
        return limit !== undefined && l.p95Ms > limit ? [latencyLine(l, limit)] : [];
      });
      return over.length === 0 ? pass(`${table.length} endpoints within budget`) : fail(over.join('; '));
    },
  });
  const finding = defineCheck<CertifyContext>({
    id: 'contract.latency-over-1s',
    title: `Without a budget, no endpoint's p95 answer time is above ${DEFAULT_P95_FINDING_MS} ms`,
    area: 'contract',
    source: LATENCY,
    basis: 'assumption',
    severity: 'low',
    kind: 'finding',
    run: async (ctx) => {
      if (ctx.expectations.latencyP95Ms !== undefined)
        return pass('the target file sets a budget: contract.latency-budget judges it');
      const over = collector
        .latency()
        .filter((l) => l.endpoint in ENDPOINTS && l.p95Ms > DEFAULT_P95_FINDING_MS)
        .map((l) => latencyLine(l, DEFAULT_P95_FINDING_MS));
      return over.length === 0 ? pass() : fail(over.join('; '));
    },
  });
  return [everyAnswer, budget, finding];
}
