/**
 * The pre-signed request corpus: what the generator (generators/request-corpus.ts, Node) writes and
 * the scenarios (load/k6/signed-requests.ts, k6) read, and where each kind of request is signed in
 * each signing mode. Pure, so both sides import it. The corpus holds bodies and their x-signature
 * values only: no API key, no private key, no access token (the token is a header the signature
 * does not cover, added at send time; Authentication › Step 3 signs the body alone).
 */
import { HarnessError, type Micro } from '../lib';
import type { OtpMode } from './load-env';

export const SIGNING_MODES = ['k6', 'presigned'] as const;
export type SigningMode = (typeof SIGNING_MODES)[number];

export function signingModeOf(text: string | undefined, field = '--signing'): SigningMode {
  if (text === undefined || text === '') return 'k6';
  if ((SIGNING_MODES as readonly string[]).includes(text)) return text as SigningMode;
  throw new HarnessError(
    'INVALID_ARGUMENT',
    `${field} expected ${SIGNING_MODES.join(' or ')}, got ${JSON.stringify(text)}`,
  );
}

/**
 * Where a run's requests are signed: the report says it. Claims are always in the corpus in
 * presigned mode; a redemption body carries the OTP, so it can be signed beforehand only when the
 * OTP is one fixed code; an OTP read from the sandbox outbox after the claim is signed in k6.
 */
export interface SigningReport {
  readonly mode: SigningMode;
  readonly claims: 'k6' | 'corpus';
  readonly redemptions: 'k6' | 'corpus' | 'none';
}

export function signingReport(mode: SigningMode, otp: OtpMode): SigningReport {
  if (mode === 'k6') return { mode, claims: 'k6', redemptions: otp === 'none' ? 'none' : 'k6' };
  return { mode, claims: 'corpus', redemptions: otp === 'none' ? 'none' : otp === 'fixed' ? 'corpus' : 'k6' };
}

/** True when some request of the run is signed inside k6, so k6 needs the private key. */
export function signsInK6(report: SigningReport): boolean {
  return report.claims === 'k6' || report.redemptions === 'k6';
}

/**
 * One slot of a scenario's plan: one claim (and its redemption) one VU makes. Scenarios compute
 * their slots with a pure function (load/corpus-plans.ts) that the generator maps over the whole
 * plan, so both sides agree on every slot by construction.
 */
export interface CorpusSlot {
  /** Position in the corpus. */
  readonly index: number;
  readonly voucherCode: string;
  /** Undefined: claim the whole available balance. */
  readonly amount: Micro | undefined;
  readonly claimKeyPrefix: string;
  /** Set when the scenario redeems this slot's claim. */
  readonly redeemKeyPrefix?: string;
}

/** A body exactly as sent, and its x-signature. */
export interface SignedBody {
  readonly idempotencyKey: string;
  readonly body: string;
  readonly signature: string;
}

export interface CorpusEntry {
  readonly index: number;
  readonly voucherCode: string;
  /** Micro-units as a base-10 string (JSON has no bigint); null for a whole-balance claim. */
  readonly amount: string | null;
  readonly claim: SignedBody;
  /** Only with a fixed OTP: the redemption, signed beforehand too. */
  readonly redeem?: SignedBody & { readonly otp: string };
}

export const CORPUS_FORMAT = 'omnivas-request-corpus/1';

export interface RequestCorpus {
  readonly format: typeof CORPUS_FORMAT;
  readonly scenario: string;
  readonly entries: readonly CorpusEntry[];
}

/** The JSON form of a slot's amount, as entries hold it. */
export function corpusAmount(amount: Micro | undefined): string | null {
  return amount === undefined ? null : amount.toString();
}

/** The entries of a corpus file's text, after checking it is one; `path` names the file in errors. */
export function corpusEntries(text: string, path: string): readonly CorpusEntry[] {
  let json: Partial<RequestCorpus>;
  try {
    json = JSON.parse(text) as Partial<RequestCorpus>;
  } catch {
    throw new HarnessError(
      'INVALID_JSON',
      `${path} is not JSON; let omnivas-harness load --signing presigned write the corpus`,
    );
  }
  if (json.format !== CORPUS_FORMAT || !Array.isArray(json.entries))
    throw new HarnessError(
      'CONFIG_INVALID',
      `${path} is not a ${CORPUS_FORMAT} corpus; let omnivas-harness load --signing presigned write it`,
    );
  return json.entries;
}
