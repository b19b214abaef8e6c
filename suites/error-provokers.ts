/**
 * How each documented (endpoint, code) pair is provoked (lib/error-catalog.ts `documentedPairs`):
 * one provoker per pair, each arranging what its code needs and sending the one request that must
 * answer with it. Ordinary requests where the code is a client's doing; the sandbox admin API for
 * server state (4043, 4044, 4045); fault injection for failures inside the server. Arranging uses
 * only the context, so every provoker runs against any target that can give what it needs.
 */
import fc from 'fast-check';
import { apiError } from '../lib/error-catalog';
import type { ApiErrorCode, CodedEndpoint } from '../lib/error-catalog';
import { HarnessError } from '../lib/errors';
import type { Micro } from '../lib/money';
import { MICRO_PER_UNIT } from '../lib/money';
import type { ApiResponse } from '../lib/node/http-client';
import { randomDigits } from '../lib/random';
import { notApplicable } from './context';
import type { CertifyContext } from './context';
import { claim, claimAndRedeem, newFlow, sendInitiate, sendRedeem } from './merchant-steps';
import type { Flow } from './merchant-steps';
import { single, varied } from './pair-provoker';
import type { PairProvoker } from './pair-provoker';
import { detailStep, spendableToZero } from './voucher-detail';

const UNIT: Micro = MICRO_PER_UNIT;

// ---- arranging ------------------------------------------------------------------------------

/** A code no voucher has: 16 digits like the document's, starting with 0 (the sandbox never issues that). */
const unknownCode = (ctx: CertifyContext): string => `0${randomDigits(ctx.random, 15)}`;

interface ClaimedVoucher {
  readonly voucherCode: string;
  readonly otp: string;
}

/** A voucher with a pending claim of `amount` (default: the whole balance) and its OTP. */
async function claimedVoucher(flow: Flow, voucherCode: string, amount?: Micro): Promise<ClaimedVoucher> {
  const claimed = await claim(flow, voucherCode, amount);
  return { voucherCode, otp: await claimed.otp() };
}

/** What the fault and request provokers claim: small, so that a shared voucher serves many. */
const CLAIM: Micro = 10n * UNIT;

/**
 * A voucher spent to zero — claim remainingBalance − serviceFee and redeem it — with the OTP that
 * did it. On a target that lists an already redeemed voucher, that one (any six digits stand for
 * the OTP: a REDEEMED voucher is refused before the code is looked at).
 */
async function redeemedVoucher(flow: Flow): Promise<ClaimedVoucher> {
  const { ctx } = flow;
  if (!ctx.powers.has('admin') && ctx.target.config.fixtures.vouchers.some((v) => v.kind === 'redeemed'))
    return { voucherCode: await ctx.voucher({ kind: 'redeemed' }), otp: randomDigits(ctx.random, 6) };
  const voucherCode = await ctx.voucher({ own: true });
  const before = await detailStep(flow, voucherCode);
  const redeemed = await claimAndRedeem(flow, voucherCode, spendableToZero(before));
  return { voucherCode, otp: redeemed.otp };
}

const redeemWithOtp = (flow: Flow, state: ClaimedVoucher): Promise<ApiResponse> =>
  sendRedeem(flow, { voucherCode: state.voucherCode, verificationCode: state.otp });

/** A pending claim to redeem, by whom, and the test-hook headers to send (none on a sandbox). */
interface HookedClaim {
  readonly own: Flow;
  readonly claimed: ClaimedVoucher;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * For the codes only an administrator can arrange (a merchant removed under a live token, a
 * balance lowered under a claim): on a target without the admin API, a test hook stands in
 * (docs/test-hooks.md), so the code's status and envelope are still verified.
 */
async function hooked(flow: Flow, code: ApiErrorCode): Promise<HookedClaim> {
  const claimed = await claimedVoucher(flow, await flow.ctx.voucher({ amount: CLAIM }), CLAIM);
  return { own: flow, claimed, headers: await flow.ctx.fault(R, code, PROVIDER_MESSAGE) };
}

const redeemHooked = (_flow: Flow, { own, claimed, headers }: HookedClaim): Promise<ApiResponse> =>
  sendRedeem(own, { voucherCode: claimed.voucherCode, verificationCode: claimed.otp }, headers);

/** The sandbox id of a handle, which only a sandbox has. */
function sandboxId(id: string | undefined, what: string): string {
  if (id === undefined)
    throw notApplicable(`${what} needs the sandbox's admin API (not provokable from outside on this target)`);
  return id;
}

// ---- the table ------------------------------------------------------------------------------

const R: CodedEndpoint = 'redeem-gift';

/** A message no provider would send, so the check sees the text came through (5031). */
const PROVIDER_MESSAGE = 'harness injected provider failure';

/**
 * An internal failure, injected on a request that would otherwise succeed (a fresh voucher; for
 * redeem-gift a pending claim and its OTP), so the code can only come from the fault.
 */
function faultProvoker(endpoint: CodedEndpoint, code: ApiErrorCode): PairProvoker {
  return single<ClaimedVoucher>({
    // Runs alone on a sandbox, whose fault queue every request shares; a test hook rides on its own request.
    needs: ['faults'],
    severity: 'high',
    when: `a fault (the sandbox's, or a test hook) makes ${code} (${apiError(code).cause}) of a request that would otherwise succeed`,
    arrange: async (flow) => {
      // The faulted call has no effect, so a redeem-gift claim stays pending: the claims lane.
      const voucherCode = await flow.ctx.voucher({ amount: CLAIM });
      return endpoint === R ? claimedVoucher(flow, voucherCode, CLAIM) : { voucherCode, otp: '' };
    },
    provoke: async (flow, state) => {
      // Any code's fault may carry a provider message; only 5031's documented message shows it.
      const headers = await flow.ctx.fault(endpoint, code, PROVIDER_MESSAGE);
      return endpoint === R
        ? sendRedeem(flow, { voucherCode: state.voucherCode, verificationCode: state.otp }, headers)
        : sendInitiate(flow, { voucherCode: state.voucherCode, amount: CLAIM }, headers);
    },
  });
}

type ProvokerTable = Readonly<Record<CodedEndpoint, Partial<Record<ApiErrorCode, PairProvoker>>>>;

const REQUEST_AND_STATE: ProvokerTable = {
  'initiate-claim': {
    4041: single({
      severity: 'high',
      when: 'the voucher code does not exist',
      arrange: async (flow) => unknownCode(flow.ctx),
      provoke: (flow, voucherCode) => sendInitiate(flow, { voucherCode, amount: UNIT }),
    }),
    4042: single({
      severity: 'critical',
      when: 'the voucher was spent to zero (REDEEMED)',
      arrange: redeemedVoucher,
      provoke: (flow, state) => sendInitiate(flow, { voucherCode: state.voucherCode }),
    }),
    // docs/design.md › Balance reservation: available = remainingBalance − Σ pending claims. Half the
    // balance is reserved first, so a target that forgets reservations fails too.
    4091: varied({
      severity: 'critical',
      when: 'the amount exceeds the available balance (the remaining balance less a pending claim)',
      arrange: async (flow) => {
        // Its own: "available" must be exactly the balance less this check's claim.
        const voucherCode = await flow.ctx.voucher({ own: true });
        const detail = await detailStep(flow, voucherCode);
        const reserved = detail.remainingBalance / 2n;
        if (reserved > 0n) await claim(flow, voucherCode, reserved);
        return { voucherCode, available: detail.remainingBalance - reserved };
      },
      inputs: fc.bigInt({ min: 1n, max: 1_000n * UNIT }),
      numRuns: 10,
      provoke: (flow, state, excess) =>
        sendInitiate(flow, { voucherCode: state.voucherCode, amount: state.available + excess }),
    }),
  },
  'redeem-gift': {
    4031: single({
      severity: 'critical',
      when: 'the voucher is restricted to another merchant',
      arrange: async (flow) => claimedVoucher(flow, await flow.ctx.voucher({ kind: 'restricted' }), CLAIM),
      provoke: redeemWithOtp,
    }),
    4032: single({
      severity: 'critical',
      when: 'the voucher was spent to zero (REDEEMED)',
      arrange: redeemedVoucher,
      provoke: redeemWithOtp,
    }),
    4033: single({
      severity: 'critical',
      when: 'the body has no verificationCode',
      arrange: async (flow) => {
        const voucherCode = await flow.ctx.voucher({ amount: CLAIM });
        await claim(flow, voucherCode, CLAIM);
        return voucherCode;
      },
      provoke: (flow, voucherCode) => sendRedeem(flow, { voucherCode }),
    }),
    4034: single({
      severity: 'critical',
      when: 'no claim is pending on the voucher',
      // The redemptions lane: vouchers on which no claim is left pending (redemptions: 1 for the attempt's fee).
      arrange: (flow) => flow.ctx.voucher({ amount: 0n, redemptions: 1 }),
      provoke: (flow, voucherCode) =>
        sendRedeem(flow, { voucherCode, verificationCode: randomDigits(flow.ctx.random, 6) }),
    }),
    // Any other six digits than the claim's OTP; few runs, since a real target may lock a claim after some wrong tries.
    4035: varied({
      severity: 'critical',
      when: 'the verification code is not the OTP of the pending claim',
      arrange: async (flow) => claimedVoucher(flow, await flow.ctx.voucher({ amount: CLAIM }), CLAIM),
      inputs: fc.integer({ min: 1, max: 999_999 }),
      numRuns: 5,
      provoke: (flow, state, offset) =>
        sendRedeem(flow, {
          voucherCode: state.voucherCode,
          verificationCode: String((Number(state.otp) + offset) % 1_000_000).padStart(6, '0'),
        }),
    }),
    4036: single({
      severity: 'critical',
      when: 'the voucher is past its expiration date',
      arrange: async (flow) => claimedVoucher(flow, await flow.ctx.voucher({ kind: 'expired' }), CLAIM),
      provoke: redeemWithOtp,
    }),
    4041: single({
      severity: 'high',
      when: 'the voucher code does not exist',
      arrange: async (flow) => unknownCode(flow.ctx),
      provoke: (flow, voucherCode) =>
        sendRedeem(flow, { voucherCode, verificationCode: randomDigits(flow.ctx.random, 6) }),
    }),
    // A removed merchant's token still verifies (sandbox/README.md), so its redemption reaches 4043.
    4043: single({
      severity: 'critical',
      when: 'the merchant behind a still-valid token has been removed',
      arrange: async (flow) => {
        if (!flow.ctx.powers.has('admin')) return hooked(flow, 4043);
        const merchant = await flow.ctx.otherMerchant();
        const own: Flow = { ...newFlow(flow.ctx, merchant.client()), trail: flow.trail };
        const claimed = await claimedVoucher(own, await flow.ctx.voucher({ amount: CLAIM }), CLAIM);
        await flow.ctx.admin().removeMerchant(sandboxId(merchant.id, 'a removed merchant'));
        return { own, claimed, headers: {} };
      },
      provoke: redeemHooked,
    }),
    // The balance lowered under a pending claim, below the claim's amount.
    4044: single({
      severity: 'critical',
      when: "the remaining balance fell below the pending claim's amount",
      arrange: async (flow) => {
        if (!flow.ctx.powers.has('admin')) return hooked(flow, 4044);
        const claimed = await claimedVoucher(flow, await flow.ctx.voucher({ own: true }), 50n * UNIT);
        await flow.ctx.admin().setVoucherBalance(claimed.voucherCode, 10n * UNIT);
        return { own: flow, claimed, headers: {} };
      },
      provoke: redeemHooked,
    }),
    4045: single({
      severity: 'critical',
      when: "the voucher's issuing partner company is disabled",
      arrange: async (flow) => claimedVoucher(flow, await flow.ctx.voucher({ kind: 'disabled-partner' }), CLAIM),
      provoke: redeemWithOtp,
    }),
    // 4091 on redeem-gift is an internal failure: the claim already holds its amount.
    4091: faultProvoker(R, 4091),
    // docs/design.md › Balance reservation: a whole-balance claim leaves nothing for the fee, so its redemption gives 4096.
    4096: single({
      severity: 'critical',
      when: 'the claim took the whole balance, leaving nothing for the service fee',
      arrange: async (flow) => {
        // Its own: the claim takes the whole balance (the 4096 releases it).
        const voucherCode = await flow.ctx.voucher({ own: true });
        const detail = await detailStep(flow, voucherCode);
        if (detail.serviceFee === 0n)
          throw notApplicable(
            "the merchant's service fee is 0, so amount + fee never exceeds the balance a claim can reserve: 4096 is not provokable from outside on this target",
          );
        return claimedVoucher(flow, voucherCode);
      },
      provoke: redeemWithOtp,
    }),
  },
};

/** The provoker of every documented pair: the table above, and fault injection for the codes only a fault can cause. */
export function pairProvoker(endpoint: CodedEndpoint, code: ApiErrorCode): PairProvoker {
  const provoker =
    REQUEST_AND_STATE[endpoint][code] ??
    (apiError(code).provocation === 'fault' ? faultProvoker(endpoint, code) : undefined);
  if (provoker === undefined)
    throw new HarnessError('INTERNAL', `no provoker for ${endpoint} ${code}: add one to suites/error-provokers.ts`);
  return provoker;
}

/** For the test that every table entry is a documented pair. */
export const tabledPairs = (): { endpoint: CodedEndpoint; code: ApiErrorCode }[] =>
  (Object.entries(REQUEST_AND_STATE) as [CodedEndpoint, Partial<Record<ApiErrorCode, PairProvoker>>][]).flatMap(
    ([endpoint, codes]) => Object.keys(codes).map((code) => ({ endpoint, code: Number(code) as ApiErrorCode })),
  );
