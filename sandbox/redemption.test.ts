import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../lib/random';
import { SandboxClock } from './clock';
import { ActiveDefects } from './defects';
import { balancesFromLedger, Ledger } from './ledger';
import { SmsOutbox } from './outbox';
import { generateKeyPair } from './public-keys';
import { initiateClaim, redeemClaim, type RedemptionContext } from './redemption';
import { Refusal } from './refusal';
import { merchantAccount, SandboxState, voucherAccount } from './state';

const UNIT = 1_000_000n;
const key = generateKeyPair('secp256k1').key;

type Op =
  | { kind: 'initiate'; merchant: number; voucher: number; amount: bigint | undefined }
  | { kind: 'redeem'; merchant: number; voucher: number; claim: number }
  | { kind: 'wrong-otp'; merchant: number; voucher: number }
  | { kind: 'adjust'; voucher: number; remaining: bigint }
  | { kind: 'advance'; seconds: number };

const micro = (maxUnits: number) => fc.bigInt({ min: 1n, max: BigInt(maxUnits) * UNIT });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('initiate' as const),
      merchant: fc.nat(1),
      voucher: fc.nat(1),
      amount: fc.option(micro(60), { nil: undefined }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('redeem' as const),
      merchant: fc.nat(1),
      voucher: fc.nat(1),
      claim: fc.nat(3),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('wrong-otp' as const), merchant: fc.nat(1), voucher: fc.nat(1) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('adjust' as const),
      voucher: fc.nat(1),
      remaining: fc.bigInt({ min: 0n, max: 100n * UNIT }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 0, max: 400 }) }),
  },
);

function setup(fees: readonly bigint[], amounts: readonly bigint[]) {
  const clock = new SandboxClock();
  const ledger = new Ledger(clock);
  const random = seededRandom(1);
  const state = new SandboxState(clock, ledger, random);
  const defects = new ActiveDefects();
  const ctx: RedemptionContext = { state, ledger, clock, random, defects, outbox: new SmsOutbox(clock) };
  const merchants = fees.map((serviceFee) => state.addMerchant({ key, allowedOrigins: [], serviceFee }));
  const vouchers = amounts.map((amount) => state.issueVoucher({ amount }, defects));
  return { ctx, merchants, vouchers };
}

async function apply(env: ReturnType<typeof setup>, op: Op): Promise<void> {
  const { ctx, merchants, vouchers } = env;
  switch (op.kind) {
    case 'initiate':
      await initiateClaim(ctx, merchants[op.merchant]!, vouchers[op.voucher]!.code, op.amount);
      return;
    case 'redeem': {
      const mine = [...vouchers[op.voucher]!.claims.values()].filter(
        (c) => c.merchantId === merchants[op.merchant]!.id,
      );
      const claim = mine[op.claim % Math.max(1, mine.length)];
      redeemClaim(ctx, merchants[op.merchant]!, {
        voucherCode: vouchers[op.voucher]!.code,
        verificationCode: claim?.otp ?? '000000',
        msisdn: undefined,
      });
      return;
    }
    case 'wrong-otp':
      redeemClaim(ctx, merchants[op.merchant]!, {
        voucherCode: vouchers[op.voucher]!.code,
        verificationCode: 'nope',
        msisdn: undefined,
      });
      return;
    case 'adjust':
      ctx.state.adjustVoucherBalance(vouchers[op.voucher]!.code, op.remaining);
      return;
    case 'advance':
      ctx.clock.advance(op.seconds);
  }
}

function checkInvariants({ ctx, merchants, vouchers }: ReturnType<typeof setup>): void {
  const entries = ctx.ledger.entries();
  const balances = balancesFromLedger(entries);
  expect([...balances.values()].reduce((a, b) => a + b, 0n)).toBe(0n);
  for (const v of vouchers) {
    const mine = entries.filter((e) => e.voucherCode === v.code);
    const sum = (kind: string, pick: (e: (typeof mine)[number]) => boolean = () => true) =>
      mine.filter((e) => e.kind === kind && pick(e)).reduce((s, e) => s + e.amount, 0n);
    const adjusted =
      sum('balance-adjusted', (e) => e.to === voucherAccount(v.code)) -
      sum('balance-adjusted', (e) => e.from === voucherAccount(v.code));
    // conservation: amount (+ adjustments) = remainingBalance + Σ(redeemed amounts + their fees)
    expect(v.amount + adjusted).toBe(v.remaining + sum('redemption') + sum('service-fee'));
    expect(balances.get(voucherAccount(v.code))).toBe(v.remaining);
    expect(v.remaining >= 0n).toBe(true);
    const pending = [...v.claims.values()];
    expect(pending.every((c) => c.status === 'pending')).toBe(true);
    expect(v.reserved).toBe(pending.reduce((s, c) => s + c.amount, 0n));
    expect(v.reserved).toBe(sum('claim-reserved') - sum('claim-released'));
  }
  for (const m of merchants) expect(balances.get(merchantAccount(m.id)) ?? 0n).toBe(m.received);
  // every claim is released at most once, and only after it was reserved
  const reserved = new Set(entries.filter((e) => e.kind === 'claim-reserved').map((e) => e.claimId));
  const released = entries.filter((e) => e.kind === 'claim-released').map((e) => e.claimId);
  expect(new Set(released).size).toBe(released.length);
  expect(released.every((id) => reserved.has(id))).toBe(true);
}

describe('reservations and redemptions keep the books', () => {
  it('conserve money and reservations after any sequence of operations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: 0n, max: 3n * UNIT }), { minLength: 2, maxLength: 2 }),
        fc.array(micro(100), { minLength: 2, maxLength: 2 }),
        fc.array(opArb, { maxLength: 40 }),
        async (fees, amounts, ops) => {
          const env = setup(fees, amounts);
          for (const op of ops) {
            try {
              await apply(env, op);
            } catch (err) {
              if (!(err instanceof Refusal)) throw err;
            }
            checkInvariants(env);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('4044 and 4096 release the claim they refuse', async () => {
    const env = setup([5n * UNIT], [100n * UNIT]);
    const [merchant] = env.merchants;
    const [voucher] = env.vouchers;
    const claim = await initiateClaim(env.ctx, merchant!, voucher!.code, 98n * UNIT);
    expect(() =>
      redeemClaim(env.ctx, merchant!, { voucherCode: voucher!.code, verificationCode: claim.otp, msisdn: undefined }),
    ).toThrow(expect.objectContaining({ statusCode: 4096 }));
    expect(voucher!.reserved).toBe(0n);
    const second = await initiateClaim(env.ctx, merchant!, voucher!.code, 60n * UNIT);
    env.ctx.state.adjustVoucherBalance(voucher!.code, 50n * UNIT);
    expect(() =>
      redeemClaim(env.ctx, merchant!, { voucherCode: voucher!.code, verificationCode: second.otp, msisdn: undefined }),
    ).toThrow(expect.objectContaining({ statusCode: 4044 }));
    expect(voucher!.claims.size).toBe(0);
  });

  it('a claim expires after 300 s: its reservation returns and its OTP gives 4034', async () => {
    const env = setup([0n], [100n * UNIT]);
    const [merchant] = env.merchants;
    const [voucher] = env.vouchers;
    const claim = await initiateClaim(env.ctx, merchant!, voucher!.code, 100n * UNIT);
    env.ctx.clock.advance(299);
    await expect(initiateClaim(env.ctx, merchant!, voucher!.code, 1n)).rejects.toMatchObject({ statusCode: 4091 });
    env.ctx.clock.advance(1);
    expect(() =>
      redeemClaim(env.ctx, merchant!, { voucherCode: voucher!.code, verificationCode: claim.otp, msisdn: undefined }),
    ).toThrow(expect.objectContaining({ statusCode: 4034 }));
    expect(voucher!.reserved).toBe(0n);
    await initiateClaim(env.ctx, merchant!, voucher!.code, 100n * UNIT);
  });
});
