/**
 * The real side of the model-based run: one voucher on the target, the run's alone, and the requests
 * the commands make on it, each recorded (already redacted) so a failing run can show its exchanges.
 */
import { endpointPath } from '../../lib/endpoint-catalog';
import type { Micro } from '../../lib/money';
import type { ApiResponse, MerchantClient } from '../../lib/node/http-client';
import { initiateClaimBody, newIdempotencyKey, redeemGiftBody } from '../../lib/payloads';
import { cryptoRandom } from '../../lib/random';
import type { Evidence } from '../check';
import type { CertifyContext } from '../context';
import { evidenceOf } from '../evidence';

/** A POST as sent, so a repeat sends the very same bytes with the same idempotency key. */
interface SentPost {
  readonly path: string;
  readonly body: string;
  readonly first: ApiResponse;
}

export interface VoucherUnderTest {
  readonly code: string;
  /** The OTPs read are each claim's own (outbox, http, command); a fixed OTP is one code for every claim. */
  readonly otpPerClaim: boolean;
  /** Seconds this run moved the target's clock. */
  readonly advancedSeconds: number;
  initiate(label: string, amount: Micro | undefined): Promise<ApiResponse>;
  /** `verificationCode` undefined leaves the field out of the body. */
  redeem(label: string, verificationCode: string | undefined): Promise<ApiResponse>;
  detail(label: string): Promise<ApiResponse>;
  /** Sends POST number `index` of the run again, same body, same key: its first answer and this one. */
  repeat(label: string, index: number): Promise<{ first: ApiResponse; again: ApiResponse }>;
  advanceClock(seconds: number): Promise<void>;
  /** How many SMS the owner has had, to tell the next claim's OTP from older ones. */
  smsCount(): Promise<number>;
  otpSince(smsBefore: number): Promise<string>;
  /** Every exchange of the run, labelled with the step that made it. */
  evidence(): Evidence[];
}

/**
 * Idempotency keys come from the system CSPRNG, not the run's seed: a replayed seed against a
 * target that keeps keys 24 h (docs/design.md › Idempotency) must not collide with the first run's keys.
 */
const keys = cryptoRandom();

/** The requests a run makes on voucher `code`, which the run has to itself. */
export function openVoucherUnderTest(ctx: CertifyContext, code: string): VoucherUnderTest {
  // A fresh client logs in: after the clock moves, the old token may be past its 300 s.
  let client: MerchantClient = ctx.merchant.client();
  let advancedSeconds = 0;
  const steps: { label: string; response: ApiResponse }[] = [];
  const posts: SentPost[] = [];
  const initiatePath = endpointPath(ctx.target.config.initiatePath);
  const redeemPath = endpointPath('redeem-gift');

  const recorded = (label: string, response: ApiResponse): ApiResponse => {
    steps.push({ label, response });
    return response;
  };
  const post = async (label: string, path: string, body: string): Promise<ApiResponse> => {
    const response = recorded(label, await client.send({ method: 'POST', path, body }));
    posts.push({ path, body, first: response });
    return response;
  };
  const idempotencyKey = () => newIdempotencyKey(keys, 'sm');

  return {
    code,
    otpPerClaim: ctx.powers.has('otp-per-claim'),
    get advancedSeconds() {
      return advancedSeconds;
    },
    initiate: (label, amount) =>
      post(
        label,
        initiatePath,
        initiateClaimBody({ voucherCode: code, amount, idempotencyKey: idempotencyKey(), metadata: '{}' }),
      ),
    redeem: (label, verificationCode) => {
      const key = idempotencyKey();
      // 3. Redeem Gift lists verificationCode as required; leaving it out must give 4033.
      const body =
        verificationCode === undefined
          ? JSON.stringify({ voucherCode: code, idempotencyKey: key, metadata: '{}' })
          : redeemGiftBody({ voucherCode: code, verificationCode, idempotencyKey: key, metadata: '{}' });
      return post(label, redeemPath, body);
    },
    detail: async (label) =>
      recorded(
        label,
        await client.send({ method: 'GET', path: endpointPath('voucher-detail', { voucherCode: code }) }),
      ),
    async repeat(label, index) {
      const original = posts[index];
      if (original === undefined) throw new RangeError(`no POST number ${index} in this run (${posts.length} sent)`);
      const again = recorded(label, await client.send({ method: 'POST', path: original.path, body: original.body }));
      return { first: original.first, again };
    },
    async advanceClock(seconds) {
      await ctx.advanceClock(seconds);
      advancedSeconds += seconds;
      client = ctx.merchant.client();
    },
    smsCount: () => ctx.smsCount(code),
    otpSince: (smsBefore) => ctx.otp(code, smsBefore),
    evidence: () => steps.map((s, i) => evidenceOf(`step ${i + 1}: ${s.label}`, s.response)),
  };
}
