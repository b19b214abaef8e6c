/**
 * Pre-signs a scenario's plan (load/corpus-plans.ts) into a request corpus (load/request-corpus.ts)
 * that k6 reads through SharedArray: signing inside k6 runs at ~90 signs/s per process against
 * ~2,400/s for the same lib/ code in Node (npm run bench), which caps a scenario's request rate.
 * Bodies are built and signed exactly as lib/ builds them for a live request (initiateClaimBody,
 * redeemGiftBody, signBody), so a corpus request is byte for byte what k6 would have sent. Claims
 * are always pre-signed; redemptions only when the OTP is one fixed code, because their body
 * carries the OTP and an outbox OTP exists only after the claim. Nothing secret is written.
 */
import { writeFile } from 'node:fs/promises';
import {
  cryptoRandom,
  HarnessError,
  initiateClaimBody,
  newIdempotencyKey,
  redeemGiftBody,
  signBody,
  type PrivateKey,
  type RandomSource,
} from '../lib';
import {
  CORPUS_FORMAT,
  corpusAmount,
  type CorpusEntry,
  type CorpusSlot,
  type RequestCorpus,
  type SignedBody,
} from '../load/request-corpus';

export interface CorpusInput {
  readonly scenario: string;
  readonly slots: readonly CorpusSlot[];
  readonly key: PrivateKey;
  /** The target's fixed OTP: redemptions are pre-signed too. */
  readonly fixedOtp?: string;
  /** Idempotency keys are random per run, as k6 makes them (a reused key with another body is refused with 422). */
  readonly random?: RandomSource;
}

function signed(key: PrivateKey, idempotencyKey: string, body: string): SignedBody {
  return { idempotencyKey, body, signature: signBody(key, body).signature };
}

export function buildRequestCorpus(input: CorpusInput): RequestCorpus {
  const { key, fixedOtp, random = cryptoRandom() } = input;
  const entries = input.slots.map((slot, position): CorpusEntry => {
    // k6 finds a slot's entry by index alone: a plan out of order would send other slots' requests.
    if (slot.index !== position)
      throw new HarnessError(
        'INTERNAL',
        `corpus plan of ${input.scenario}: slot ${slot.index} is at position ${position}; a plan lists its slots by index from 0`,
      );
    const claimKey = newIdempotencyKey(random, slot.claimKeyPrefix);
    const claim = signed(
      key,
      claimKey,
      initiateClaimBody({ voucherCode: slot.voucherCode, amount: slot.amount, idempotencyKey: claimKey }),
    );
    const base = { index: slot.index, voucherCode: slot.voucherCode, amount: corpusAmount(slot.amount), claim };
    if (fixedOtp === undefined || slot.redeemKeyPrefix === undefined) return base;
    const redeemKey = newIdempotencyKey(random, slot.redeemKeyPrefix);
    return {
      ...base,
      redeem: {
        ...signed(
          key,
          redeemKey,
          redeemGiftBody({ voucherCode: slot.voucherCode, verificationCode: fixedOtp, idempotencyKey: redeemKey }),
        ),
        otp: fixedOtp,
      },
    };
  });
  return { format: CORPUS_FORMAT, scenario: input.scenario, entries };
}

/** Writes the corpus to `path` and says how many requests it signed, and how long that took. */
export async function writeRequestCorpus(
  path: string,
  input: CorpusInput,
): Promise<{ signatures: number; ms: number }> {
  const start = performance.now();
  const corpus = buildRequestCorpus(input);
  const ms = performance.now() - start;
  await writeFile(path, JSON.stringify(corpus));
  return { signatures: corpus.entries.reduce((n, e) => n + (e.redeem === undefined ? 1 : 2), 0), ms };
}
