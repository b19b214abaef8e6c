/**
 * Idempotency (merchant API v1.0 › 1. Initiate Claim and 3. Redeem Gift › Request Body:
 * idempotencyKey, "ensuring request idempotency and preventing duplicate processing"; docs/design.md ›
 * Behaviour where the API documents are silent › Idempotency): the same key and body get the first answer
 * again with one effect, another body is refused, keys belong to a merchant and an endpoint, a
 * request without one is refused; and concurrent claims never reserve more than the balance.
 * Effects are observed from outside: what a later claim can still reserve, the detail's balance,
 * and the SMS outbox where the target has one.
 */
import fc from 'fast-check';
import { endpointPath } from '../lib/endpoint-catalog';
import { isApiErrorCode } from '../lib/error-catalog';
import type { Micro } from '../lib/money';
import { formatMoney, moneyToJsonNumber } from '../lib/money';
import type { ApiResponse, MerchantClient } from '../lib/node/http-client';
import { initiateClaimBody } from '../lib/payloads';
import type { InitiateClaimInput } from '../lib/payloads';
import { defineCheck, fromProperty, pass } from './check';
import type { CheckDefinition } from './check';
import { notApplicable } from './context';
import type { CertifyContext } from './context';
import { refute } from './evidence';
import {
  balanceOf,
  claimRest,
  IDEMPOTENCY_ASSUMPTION,
  initiate,
  initiateBurst,
  keyFor,
  outcomeOf,
  share,
  smsSince,
  runsOnOwnVouchers,
  voucherToWorkOn,
} from './idempotency-helpers';
import { apiCodeOf, succeeded } from './api-answer';
import type { VoucherBalance } from './idempotency-helpers';

const API = 'omnivas-merchant-api-v1.0' as const;
const KEY_REQUIRED = {
  doc: API,
  section: 'Gift Voucher Redemption › 1. Initiate Claim and 3. Redeem Gift › Request Body (idempotencyKey: required)',
} as const;

/** Metadata as merchants send it: "{}", JSON text, any unicode; the answer echoes it. */
const metadataArb = fc.oneof(
  fc.constant('{}'),
  fc.json({ maxDepth: 2 }),
  fc.string({ unit: 'grapheme', maxLength: 24 }),
);
/** Voucher balances made to order on a sandbox (2 to 10 000 units); elsewhere the fixture's own. */
const balanceArb = fc.bigInt({ min: 2_000_000n, max: 10_000_000_000n });
const perMilleArb = fc.integer({ min: 1, max: 999 });

/** A voucher and its balance, as voucherToWorkOn reads it. */
type Voucher = { code: string } & VoucherBalance;

/** The amount a voucher can pay out after the merchant's fee, or a skip when it cannot cover the fee. */
function spendable(voucher: Voucher): Micro {
  const free = voucher.remaining - voucher.serviceFee;
  if (free <= 0n)
    throw notApplicable(
      `voucher ${voucher.code}'s balance ${formatMoney(voucher.remaining)} does not cover the service fee ${formatMoney(voucher.serviceFee)}`,
    );
  return free;
}

/** A claim the scenario stands on: its refusal is the target's failure. */
async function acceptedClaim(
  ctx: CertifyContext,
  client: MerchantClient,
  holding: Micro,
  input: InitiateClaimInput & { amount: Micro },
): Promise<ApiResponse> {
  const res = await initiate(ctx, client, input);
  if (!succeeded(res))
    refute(
      `a claim of ${formatMoney(input.amount)} on a voucher holding ${formatMoney(holding)} was refused: ${outcomeOf(res)}`,
      ['claim', res],
    );
  return res;
}

/** A claim of `amount` and the OTP it sent: what a redemption needs. */
async function claimWithOtp(
  ctx: CertifyContext,
  client: MerchantClient,
  voucher: Voucher,
  amount: Micro,
  idempotencyKey = keyFor(ctx, 'claim'),
): Promise<string> {
  const smsBefore = await ctx.smsCount(voucher.code);
  await acceptedClaim(ctx, client, voucher.remaining, {
    voucherCode: voucher.code,
    amount,
    idempotencyKey,
    metadata: '{}',
  });
  return ctx.otp(voucher.code, smsBefore);
}

/** The repeat got the first answer again, byte for byte (docs/design.md › Idempotency). */
function expectSameAnswer(first: ApiResponse, again: ApiResponse): void {
  if (again.status !== first.status || again.text !== first.text) {
    refute(
      `the repeat with the same key and body answered ${outcomeOf(again)} with other bytes than the first ${outcomeOf(first)}; docs/design.md: the first response again`,
      ['first', first],
      ['repeat', again],
    );
  }
}

/** One claim of `amount` took effect, no more: one OTP SMS where there is an outbox, and the rest of the balance still free. */
async function expectReservedOnce(
  ctx: CertifyContext,
  client: MerchantClient,
  voucher: Voucher,
  amount: Micro,
  smsBefore: number,
  answer: ApiResponse,
): Promise<void> {
  const sms = await smsSince(ctx, voucher.code, smsBefore);
  if (sms !== undefined && sms !== 1)
    refute(`one claim of ${formatMoney(amount)}, repeated with its key, sent ${sms} OTP SMS; one effect means one`, [
      'answer',
      answer,
    ]);
  const rest = voucher.remaining - amount;
  if (rest === 0n) return;
  const probe = await claimRest(ctx, client, voucher.code, rest);
  if (!succeeded(probe)) {
    refute(
      `after one claim of ${formatMoney(amount)} on ${formatMoney(voucher.remaining)}, repeated with its key, the rest (${formatMoney(rest)}) could not be claimed (${outcomeOf(probe)}): the repeat reserved again`,
      ['answer', answer],
      ['claim of the rest', probe],
    );
  }
}

/** The voucher paid out one redemption of `amount`: amount + fee, once. */
async function expectDebitedOnce(
  client: MerchantClient,
  voucher: Voucher,
  amount: Micro,
  answer: ApiResponse,
): Promise<void> {
  const after = await balanceOf(client, voucher.code);
  const expected = voucher.remaining - amount - voucher.serviceFee;
  if (after.remaining !== expected) {
    refute(
      `one redemption of ${formatMoney(amount)} + fee ${formatMoney(voucher.serviceFee)} took the balance from ${formatMoney(voucher.remaining)} to ${formatMoney(after.remaining)}, not ${formatMoney(expected)}`,
      ['redeem', answer],
      ['detail', after.res],
    );
  }
}

const sameKeySameBody = defineCheck<CertifyContext>({
  id: 'idem.same-key-same-body',
  title:
    'initiate-claim repeated with the same idempotencyKey and body answers the first response again, byte for byte, and reserves once',
  area: 'idempotency',
  source: IDEMPOTENCY_ASSUMPTION,
  basis: 'assumption',
  severity: 'critical',
  async run(ctx) {
    const client = ctx.merchant.client();
    const property = fc.asyncProperty(balanceArb, perMilleArb, metadataArb, async (balance, perMille, metadata) => {
      const voucher = await voucherToWorkOn(ctx, client, balance);
      const amount = share(voucher.remaining, perMille);
      const input = { voucherCode: voucher.code, amount, idempotencyKey: keyFor(ctx, 'same'), metadata };
      const smsBefore = await ctx.smsCount(voucher.code);
      const first = await acceptedClaim(ctx, client, voucher.remaining, input);
      const again = await initiate(ctx, client, input);
      expectSameAnswer(first, again);
      await expectReservedOnce(ctx, client, voucher, amount, smsBefore, again);
    });
    return fromProperty(await fc.check(property, { seed: ctx.seed, numRuns: runsOnOwnVouchers(ctx, 12) }));
  },
});

const redeemSameKeySameBody = defineCheck<CertifyContext>({
  id: 'idem.redeem-same-key-same-body',
  title:
    'redeem-gift repeated with the same idempotencyKey and body answers the first response again, byte for byte, and debits the voucher once',
  area: 'idempotency',
  source: IDEMPOTENCY_ASSUMPTION,
  basis: 'assumption',
  severity: 'critical',
  async run(ctx) {
    const client = ctx.merchant.client();
    const property = fc.asyncProperty(balanceArb, perMilleArb, metadataArb, async (balance, perMille, metadata) => {
      const voucher = await voucherToWorkOn(ctx, client, balance);
      const amount = share(spendable(voucher), perMille);
      const redeem = {
        voucherCode: voucher.code,
        verificationCode: await claimWithOtp(ctx, client, voucher, amount),
        idempotencyKey: keyFor(ctx, 'redeem'),
        metadata,
      };
      const first = await client.redeemGift(redeem);
      if (!succeeded(first))
        refute(`redeem-gift with the claim's OTP was refused: ${outcomeOf(first)}`, ['redeem', first]);
      const again = await client.redeemGift(redeem);
      expectSameAnswer(first, again);
      await expectDebitedOnce(client, voucher, amount, again);
    });
    return fromProperty(await fc.check(property, { seed: ctx.seed, numRuns: runsOnOwnVouchers(ctx, 8) }));
  },
});

const concurrentSameKey = defineCheck<CertifyContext>({
  id: 'idem.concurrent-same-key-one-effect',
  title:
    'The same initiate-claim sent concurrently with one idempotencyKey takes effect once; the others get the first answer or an in-flight refusal',
  area: 'idempotency',
  source: {
    doc: API,
    section:
      'Gift Voucher Redemption › 1. Initiate Claim › Request Body (idempotencyKey: "preventing duplicate processing")',
  },
  basis: 'document',
  severity: 'critical',
  async run(ctx) {
    const client = ctx.merchant.client();
    const inFlight = ctx.expectations.inFlightStatus;
    // An in-flight refusal (docs/design.md: HTTP 409, or the target waits) is not a documented code: a 4091 means the copy ran.
    const inFlightRefusal = (res: ApiResponse) =>
      typeof inFlight === 'number' && res.status === inFlight && !isApiErrorCode(apiCodeOf(res));
    const property = fc.asyncProperty(
      fc.integer({ min: 4, max: 12 }),
      fc.integer({ min: 1, max: 1000 }),
      async (copies, perMille) => {
        const voucher = await voucherToWorkOn(ctx, client);
        // Small enough that every copy would fit if each ran: a second run shows as a reservation, not a refusal.
        const amount = share(voucher.remaining / BigInt(copies + 1), perMille);
        const body = initiateClaimBody({
          voucherCode: voucher.code,
          amount,
          idempotencyKey: keyFor(ctx, 'burst'),
          metadata: '{}',
        });
        const smsBefore = await ctx.smsCount(voucher.code);
        const answers = await initiateBurst(
          ctx,
          client,
          ctx.merchant.key,
          voucher.code,
          Array.from({ length: copies }, () => body),
        );
        const first = answers.find(succeeded);
        if (first === undefined)
          refute(
            `none of ${copies} concurrent copies of one claim was accepted; the first answered ${outcomeOf(answers[0]!)}`,
            ['a copy', answers[0]!],
          );
        for (const answer of answers) if (!inFlightRefusal(answer)) expectSameAnswer(first, answer);
        await expectReservedOnce(ctx, client, voucher, amount, smsBefore, first);
      },
    );
    return fromProperty(await fc.check(property, { seed: ctx.seed, numRuns: runsOnOwnVouchers(ctx, 5) }));
  },
});

type ChangedField = 'amount' | 'metadata' | 'voucherCode';

const sameKeyDifferentBody = defineCheck<CertifyContext>({
  id: 'idem.same-key-different-body',
  title:
    'initiate-claim with an idempotencyKey already used for another body is refused (expectations.idempotencyConflictStatus) and has no effect',
  area: 'idempotency',
  source: IDEMPOTENCY_ASSUMPTION,
  basis: 'assumption',
  severity: 'high',
  async run(ctx) {
    const client = ctx.merchant.client();
    const conflict = ctx.expectations.idempotencyConflictStatus;
    const changed = async (
      input: InitiateClaimInput & { amount: Micro },
      field: ChangedField,
    ): Promise<InitiateClaimInput> => {
      if (field === 'voucherCode') return { ...input, voucherCode: (await voucherToWorkOn(ctx, client)).code };
      if (field === 'amount') return { ...input, amount: input.amount === 1n ? 2n : input.amount - 1n };
      return { ...input, metadata: '{"changed":true}' };
    };
    const property = fc.asyncProperty(
      fc.constantFrom<ChangedField>('amount', 'metadata', 'voucherCode'),
      perMilleArb,
      async (field, perMille) => {
        const voucher = await voucherToWorkOn(ctx, client);
        const input = {
          voucherCode: voucher.code,
          amount: share(voucher.remaining, perMille),
          idempotencyKey: keyFor(ctx, 'reused'),
          metadata: '{}',
        };
        const first = await acceptedClaim(ctx, client, voucher.remaining, input);
        const other = await changed(input, field);
        const smsBefore = await ctx.smsCount(other.voucherCode);
        const reused = await initiate(ctx, client, other);
        if (reused.status !== conflict)
          refute(
            `the key of a claim, sent again with another ${field}, was answered ${outcomeOf(reused)}, not HTTP ${conflict}`,
            ['first', first],
            ['other body', reused],
          );
        const sms = await smsSince(ctx, other.voucherCode, smsBefore);
        if (sms !== undefined && sms !== 0) refute(`the refused request sent ${sms} OTP SMS`, ['other body', reused]);
        const rest = voucher.remaining - input.amount;
        const probe = rest === 0n ? undefined : await claimRest(ctx, client, voucher.code, rest);
        if (probe !== undefined && !succeeded(probe))
          refute(
            `after the refused request the rest of the balance (${formatMoney(rest)}) could not be claimed (${outcomeOf(probe)}): it reserved something`,
            ['other body', reused],
            ['claim of the rest', probe],
          );
      },
    );
    return fromProperty(await fc.check(property, { seed: ctx.seed, numRuns: runsOnOwnVouchers(ctx, 9) }));
  },
});

const keysPerMerchant = defineCheck<CertifyContext>({
  id: 'idem.keys-scoped-per-merchant',
  title:
    'Two merchants using the same idempotencyKey each get their own claim, for different vouchers and for the very same body',
  area: 'idempotency',
  source: IDEMPOTENCY_ASSUMPTION,
  basis: 'assumption',
  severity: 'high',
  async run(ctx) {
    const mine = ctx.merchant.client();
    const theirs = (await ctx.otherMerchant()).client();
    const both = async (first: InitiateClaimInput, second: InitiateClaimInput): Promise<void> => {
      const a = await initiate(ctx, mine, first);
      const b = await initiate(ctx, theirs, second);
      if (!succeeded(a) || !succeeded(b))
        refute(
          `two merchants claimed with the same idempotencyKey: the first was answered ${outcomeOf(a)}, the second ${outcomeOf(b)}; keys belong to the merchant that sent them`,
          ['this merchant', a],
          ['other merchant', b],
        );
    };
    // Different vouchers, one key: a global key store refuses the second as "another body".
    const key = keyFor(ctx, 'shared');
    const [v1, v2] = [await voucherToWorkOn(ctx, mine), await voucherToWorkOn(ctx, mine)];
    await both(
      { voucherCode: v1.code, amount: share(v1.remaining, 500), idempotencyKey: key },
      { voucherCode: v2.code, amount: share(v2.remaining, 500), idempotencyKey: key },
    );
    // The very same body from both, each for half the balance: a global store replays the first answer to the second merchant and reserves nothing.
    const v3 = await voucherToWorkOn(ctx, mine);
    const half = v3.remaining / 2n;
    if (half === 0n)
      throw notApplicable(
        `voucher ${v3.code}'s balance ${formatMoney(v3.remaining)} cannot be split between two claims`,
      );
    const same: InitiateClaimInput = {
      voucherCode: v3.code,
      amount: half,
      idempotencyKey: keyFor(ctx, 'shared'),
      metadata: '{}',
    };
    await both(same, same);
    const over = v3.remaining - 2n * half + 1n;
    const probe = await initiate(ctx, mine, {
      voucherCode: v3.code,
      amount: over,
      idempotencyKey: keyFor(ctx, 'over'),
    });
    if (apiCodeOf(probe) !== 4091) {
      refute(
        `two merchants each claimed ${formatMoney(half)} of ${formatMoney(v3.remaining)} with the same key and body, yet a further claim of ${formatMoney(over)} was answered ${outcomeOf(probe)}, not 4091: the second merchant's claim reserved nothing`,
        ['further claim', probe],
      );
    }
    return pass();
  },
});

const keysPerEndpoint = defineCheck<CertifyContext>({
  id: 'idem.keys-scoped-per-endpoint',
  title:
    "One idempotencyKey sent to initiate and then to redeem-gift, as the document's end-to-end example does, redeems",
  area: 'idempotency',
  source: { doc: API, section: 'End-to-End Example (Single Snippet)' },
  basis: 'document',
  severity: 'high',
  async run(ctx) {
    const client = ctx.merchant.client();
    const voucher = await voucherToWorkOn(ctx, client);
    const amount = share(spendable(voucher), 500);
    const key = keyFor(ctx, 'e2e');
    const redeem = await client.redeemGift({
      voucherCode: voucher.code,
      verificationCode: await claimWithOtp(ctx, client, voucher, amount, key),
      idempotencyKey: key,
      metadata: '{}',
    });
    if (!succeeded(redeem))
      refute(
        `redeem-gift with the key initiate had just used was answered ${outcomeOf(redeem)}; the end-to-end example sends one IDEMPOTENCY_KEY to both, so keys must be scoped per endpoint`,
        ['redeem', redeem],
      );
    await expectDebitedOnce(client, voucher, amount, redeem);
    return pass();
  },
});

/** A signed POST with every field but idempotencyKey, which must be refused (docs/design.md: HTTP 400). */
async function sendWithoutKey(
  ctx: CertifyContext,
  client: MerchantClient,
  endpoint: 'initiate-claim' | 'redeem-gift',
  fields: Record<string, unknown>,
): Promise<ApiResponse> {
  const expected = ctx.expectations.missingIdempotencyKeyStatus;
  const path = endpointPath(endpoint === 'redeem-gift' ? endpoint : ctx.target.config.initiatePath);
  const res = await client.send({ method: 'POST', path, body: JSON.stringify(fields) });
  if (res.status !== expected)
    refute(
      `${endpoint} without idempotencyKey was answered ${outcomeOf(res)}, not HTTP ${expected}; the document marks the field required`,
      [`${endpoint} without a key`, res],
    );
  return res;
}

const initiateWithoutKey = defineCheck<CertifyContext>({
  id: 'idem.initiate-without-key-refused',
  title:
    'initiate-claim without an idempotencyKey is refused (expectations.missingIdempotencyKeyStatus) and reserves nothing',
  area: 'idempotency',
  source: KEY_REQUIRED,
  basis: 'document',
  severity: 'high',
  async run(ctx) {
    const client = ctx.merchant.client();
    const voucher = await voucherToWorkOn(ctx, client);
    const smsBefore = await ctx.smsCount(voucher.code);
    const res = await sendWithoutKey(ctx, client, 'initiate-claim', {
      voucherCode: voucher.code,
      amount: moneyToJsonNumber(voucher.remaining),
      metadata: '{}',
    });
    const sms = await smsSince(ctx, voucher.code, smsBefore);
    if (sms !== undefined && sms !== 0) refute(`the refused claim sent ${sms} OTP SMS`, ['claim without a key', res]);
    // It asked for the whole balance: had it reserved anything, the same claim with a key would now be refused.
    const probe = await claimRest(ctx, client, voucher.code, voucher.remaining);
    if (!succeeded(probe))
      refute(
        `after the refused claim the whole balance could not be claimed (${outcomeOf(probe)}): it reserved something`,
        ['claim without a key', res],
        ['claim of the balance', probe],
      );
    return pass();
  },
});

const redeemWithoutKey = defineCheck<CertifyContext>({
  id: 'idem.redeem-without-key-refused',
  title:
    'redeem-gift without an idempotencyKey is refused (expectations.missingIdempotencyKeyStatus) and debits nothing',
  area: 'idempotency',
  source: KEY_REQUIRED,
  basis: 'document',
  severity: 'high',
  async run(ctx) {
    const client = ctx.merchant.client();
    const voucher = await voucherToWorkOn(ctx, client);
    const otp = await claimWithOtp(ctx, client, voucher, share(spendable(voucher), 500));
    const res = await sendWithoutKey(ctx, client, 'redeem-gift', {
      voucherCode: voucher.code,
      verificationCode: otp,
      metadata: '{}',
    });
    const after = await balanceOf(client, voucher.code);
    if (after.remaining !== voucher.remaining)
      refute(
        `the refused redemption changed the balance from ${formatMoney(voucher.remaining)} to ${formatMoney(after.remaining)}`,
        ['redeem without a key', res],
        ['detail', after.res],
      );
    return pass();
  },
});

const concurrentClaims = defineCheck<CertifyContext>({
  id: 'idem.concurrent-claims-never-over-reserve',
  title:
    '30 to 50 concurrent claims with distinct keys on one voucher never reserve more than its balance, and none is refused while it still fits',
  area: 'idempotency',
  source: {
    doc: 'docs/design.md',
    section: 'Invariants the load scenarios check (2. no over-reservation; 3. no spurious refusal)',
  },
  basis: 'assumption',
  severity: 'critical',
  async run(ctx) {
    const client = ctx.merchant.client();
    const weightsArb = fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 30, maxLength: 50 });
    // Below 1000 the claims ask for more than the balance (1000/cover times it), where a race shows; from 1000 on they all fit.
    const coverArb = fc.oneof(
      { arbitrary: fc.integer({ min: 250, max: 950 }), weight: 4 },
      { arbitrary: fc.integer({ min: 1000, max: 1250 }), weight: 1 },
    );
    const property = fc.asyncProperty(weightsArb, coverArb, async (weights, cover) => {
      const voucher = await voucherToWorkOn(ctx, client);
      const total = BigInt(weights.reduce((a, b) => a + b, 0) * cover);
      // share(x, 1000) is x itself, but never below one micro-unit.
      const amounts = weights.map((w) => share((voucher.remaining * BigInt(w) * 1000n) / total, 1000));
      const bodies = amounts.map((amount) =>
        initiateClaimBody({ voucherCode: voucher.code, amount, idempotencyKey: keyFor(ctx, 'race'), metadata: '{}' }),
      );
      const answers = await initiateBurst(ctx, client, ctx.merchant.key, voucher.code, bodies);
      const odd = answers.find((a) => !succeeded(a) && apiCodeOf(a) !== 4091);
      if (odd !== undefined)
        refute(`a concurrent claim was answered ${outcomeOf(odd)}: each is either accepted or refused with 4091`, [
          'odd claim',
          odd,
        ]);
      const accepted = amounts.reduce((sum, amount, i) => (succeeded(answers[i]!) ? sum + amount : sum), 0n);
      const count = answers.filter(succeeded).length;
      const last = [...answers].reverse().find(succeeded);
      if (accepted > voucher.remaining) {
        refute(
          `${answers.length} concurrent claims on a voucher holding ${formatMoney(voucher.remaining)}: ${count} were accepted, reserving ${formatMoney(accepted)}, more than the balance`,
          ...(last ? [['an accepted claim', last] as const] : []),
        );
      }
      const free = voucher.remaining - accepted;
      const spurious = answers.findIndex((a, i) => apiCodeOf(a) === 4091 && amounts[i]! <= free);
      if (spurious >= 0) {
        refute(
          `a claim of ${formatMoney(amounts[spurious]!)} was refused with 4091 though ${formatMoney(free)} was still free after all ${count} accepted claims`,
          ['refused claim', answers[spurious]!],
        );
      }
    });
    // A race does not shrink: stop at the first burst that breaks an invariant.
    return fromProperty(
      await fc.check(property, { seed: ctx.seed, numRuns: runsOnOwnVouchers(ctx, 8), endOnFailure: true }),
    );
  },
});

export const idempotencyChecks: readonly CheckDefinition<CertifyContext>[] = [
  sameKeySameBody,
  redeemSameKeySameBody,
  concurrentSameKey,
  sameKeyDifferentBody,
  keysPerMerchant,
  keysPerEndpoint,
  initiateWithoutKey,
  redeemWithoutKey,
  concurrentClaims,
];
