/**
 * Where a scenario gets its signed merchant requests, in either signing mode (OMNIVAS_SIGNING),
 * so every scenario has one code path:
 *
 *   const SIGNER = openRequestSigner(settings);              // init context: reads the corpus, the key
 *   const slot = burstSlot(plan, round, exec.vu.idInTest);  // load/corpus-plans.ts
 *   const claim = SIGNER.claim(slot, token);                 // { request, idempotencyKey }
 *   const redeem = SIGNER.redeem(slot, otp, token);
 *
 * k6: signs now, with a fresh idempotency key: through the load command's signing helper when it
 * runs one, else in k6's VM (load/k6-signing.ts). presigned: takes the slot's entry from the corpus
 * (OMNIVAS_CORPUS_PATH, written by generators/request-corpus.ts, read once through SharedArray);
 * a redemption comes from the corpus when it holds one for this OTP (a fixed OTP), else it is
 * signed now. The access token is added here, at send time: the signature covers the body only.
 * The counters k6_signed_claims, k6_signed_redemptions and presigned_requests land in the k6
 * summary and show where each signature came from.
 */
import { SharedArray } from 'k6/data';
import { Counter } from 'k6/metrics';
import {
  cryptoRandom,
  HarnessError,
  initiateClaimBody,
  merchantRequest,
  newIdempotencyKey,
  redeemGiftBody,
  type EndpointId,
  type PreparedRequest,
} from '../../lib';
import { readPrivateKey, type MerchantSettings } from './k6-merchant';
import { helperAddress, signerInK6, signerViaHelper } from './k6-signing';
import { LOAD_ENV } from '../load-env';
import {
  corpusAmount,
  corpusEntries,
  signingModeOf,
  signingReport,
  signsInK6,
  type CorpusEntry,
  type CorpusSlot,
  type SignedBody,
  type SigningReport,
} from '../request-corpus';

export interface SignedRequest {
  readonly request: PreparedRequest;
  /** The key in the body: the history line records it. */
  readonly idempotencyKey: string;
}

export interface RequestSigner {
  /** Which mode runs, and where claims and redemptions are signed in it. */
  readonly signing: SigningReport;
  /** The slot's initiate-claim (or initiate-redeem, as the target's settings say). */
  claim(slot: CorpusSlot, accessToken: string): SignedRequest;
  /** The redemption of the slot's claim with `otp`; the slot must have a redeemKeyPrefix. */
  redeem(slot: CorpusSlot, otp: string, accessToken: string): SignedRequest;
}

const signedInK6 = { claim: new Counter('k6_signed_claims'), redeem: new Counter('k6_signed_redemptions') };
const presignedSent = new Counter('presigned_requests');

function openCorpus(): readonly CorpusEntry[] {
  const path = __ENV[LOAD_ENV.corpusPath];
  if (path === undefined || path === '')
    throw new HarnessError(
      'CONFIG_INVALID',
      `${LOAD_ENV.corpusPath} is not set: presigned mode reads its requests from a corpus; run through omnivas-harness load --signing presigned, which writes it`,
    );
  // One parsed copy shared by every VU, instead of one per VU.
  return new SharedArray('request-corpus', () => [...corpusEntries(open(path), path)]);
}

function entryFor(corpus: readonly CorpusEntry[], slot: CorpusSlot): CorpusEntry {
  const entry = corpus[slot.index];
  if (
    entry?.index !== slot.index ||
    entry.voucherCode !== slot.voucherCode ||
    entry.amount !== corpusAmount(slot.amount)
  ) {
    const found = entry === undefined ? 'no entry' : `voucher ${entry.voucherCode}, amount ${entry.amount}`;
    throw new HarnessError(
      'CONFIG_INVALID',
      `corpus slot ${slot.index} holds ${found}, but the scenario claims voucher ${slot.voucherCode}, amount ${corpusAmount(slot.amount)}: the corpus was made for another run; let omnivas-harness load write it for this one`,
    );
  }
  return entry;
}

/** A corpus request, with the access token added now (the signature covers the body only). */
function fromCorpus(endpoint: EndpointId, signed: SignedBody, accessToken: string): SignedRequest {
  presignedSent.add(1);
  return {
    request: merchantRequest(endpoint, { accessToken, signature: signed.signature, body: signed.body }),
    idempotencyKey: signed.idempotencyKey,
  };
}

/** Call once, in the init context (SharedArray and open() exist only there). */
export function openRequestSigner(settings: MerchantSettings): RequestSigner {
  const signing = signingReport(signingModeOf(__ENV[LOAD_ENV.signing], LOAD_ENV.signing), settings.otp);
  // Presigned runs that sign nothing at run time get no private key at all (the load command leaves
  // it out), nor do runs the load command's signing helper signs for.
  const helper = helperAddress();
  const sign = !signsInK6(signing) ? undefined : helper ? signerViaHelper(helper) : signerInK6(readPrivateKey());
  const corpus = signing.mode === 'presigned' ? openCorpus() : undefined;
  const random = cryptoRandom();
  const signNow = (
    endpoint: EndpointId,
    kind: keyof typeof signedInK6,
    keyPrefix: string,
    bodyFor: (idempotencyKey: string) => string,
    accessToken: string,
  ): SignedRequest => {
    if (sign === undefined)
      throw new HarnessError(
        'INTERNAL',
        `signing mode ${signing.mode} planned no ${kind} signing in k6, yet one needs it`,
      );
    const idempotencyKey = newIdempotencyKey(random, keyPrefix);
    const body = bodyFor(idempotencyKey);
    const request = merchantRequest(endpoint, { accessToken, signature: sign(body), body });
    signedInK6[kind].add(1);
    return { request, idempotencyKey };
  };

  return {
    signing,
    claim(slot, accessToken) {
      if (corpus !== undefined) return fromCorpus(settings.initiateEndpoint, entryFor(corpus, slot).claim, accessToken);
      return signNow(
        settings.initiateEndpoint,
        'claim',
        slot.claimKeyPrefix,
        (idempotencyKey) => initiateClaimBody({ voucherCode: slot.voucherCode, amount: slot.amount, idempotencyKey }),
        accessToken,
      );
    },
    redeem(slot, otp, accessToken) {
      const presigned = corpus === undefined ? undefined : entryFor(corpus, slot).redeem;
      if (presigned !== undefined && presigned.otp === otp) return fromCorpus('redeem-gift', presigned, accessToken);
      if (slot.redeemKeyPrefix === undefined)
        throw new HarnessError('INTERNAL', `slot ${slot.index} of the plan has no redemption (no redeemKeyPrefix)`);
      return signNow(
        'redeem-gift',
        'redeem',
        slot.redeemKeyPrefix,
        (idempotencyKey) => redeemGiftBody({ voucherCode: slot.voucherCode, verificationCode: otp, idempotencyKey }),
        accessToken,
      );
    },
  };
}
