/**
 * The sandbox's entities: merchants, partner companies, vouchers and their claims, with the
 * administrative changes to them. Synchronous throughout: nothing here awaits, so no request can
 * interleave with a change half made. Every change of money is written to the ledger as it happens.
 */
import { randomBytes } from 'node:crypto';
import { HarnessError } from '../lib/errors';
import { formatMoney, type Micro } from '../lib/money';
import { randomDigits, type RandomSource } from '../lib/random';
import type { SandboxClock } from './clock';
import type { ActiveDefects } from './defects';
import { EXTERNAL_ACCOUNT, type Ledger } from './ledger';
import type { RegisteredKey } from './public-keys';
import { refuse } from './refusal';

export interface Merchant {
  readonly id: string;
  readonly name: string;
  readonly apiKey: string;
  readonly key: RegisteredKey;
  /** IP addresses or FQDNs allowed to call (API reference › Step 2: IP whitelist). */
  readonly allowedOrigins: ReadonlySet<string>;
  readonly serviceFee: Micro;
  /** Funds received from redemptions. */
  received: Micro;
  /** Removed by an administrator: its tokens still verify, its redemptions give 4043. */
  removed: boolean;
}

export interface Partner {
  readonly id: string;
  readonly name: string;
  readonly apiKey: string;
  readonly key: RegisteredKey;
  readonly allowedOrigins: ReadonlySet<string>;
  readonly signingTemplate: string;
  reservedBalance: Micro;
  /** "API access status" (onboarding document); a disabled company's vouchers give 4045. */
  enabled: boolean;
}

export type ClaimStatus = 'pending' | 'redeemed' | 'released' | 'expired';

export interface Claim {
  readonly id: string;
  readonly voucherCode: string;
  readonly merchantId: string;
  readonly amount: Micro;
  readonly otp: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  status: ClaimStatus;
}

export interface Voucher {
  readonly id: number;
  readonly code: string;
  readonly serialNumber: string;
  readonly amount: Micro;
  remaining: Micro;
  /** Σ amounts of the pending claims, kept as they change so availability is O(1). */
  reserved: Micro;
  /** ms since the epoch. */
  readonly expiresAt: number;
  readonly ownerMsisdn: string;
  readonly restrictedMerchantId: string | undefined;
  /** A known OTP for scripts that hard-code one (the E2E example's VERIFICATION_CODE). */
  readonly fixedOtp: string | undefined;
  readonly partnerId: string | undefined;
  /** Pending claims in the order made (which, the clock only moving forward, is expiry order). */
  readonly claims: Map<string, Claim>;
  /** How many pending claims hold each OTP, so a fresh random OTP can avoid them in O(1). */
  readonly otpsInUse: Map<string, number>;
}

export interface MerchantSpec {
  readonly id?: string;
  readonly name?: string;
  readonly apiKey?: string;
  readonly key: RegisteredKey;
  readonly allowedOrigins: readonly string[];
  readonly serviceFee: Micro;
}

export interface PartnerSpec {
  readonly id?: string;
  readonly name?: string;
  readonly apiKey?: string;
  readonly key: RegisteredKey;
  readonly allowedOrigins: readonly string[];
  readonly signingTemplate: string;
  readonly reservedBalance: Micro;
  readonly enabled: boolean;
}

export interface VoucherSpec {
  readonly code?: string;
  readonly amount: Micro;
  /** ms since the epoch; default one year from now. */
  readonly expiresAt?: number;
  readonly ownerMsisdn?: string;
  readonly restrictedMerchantId?: string;
  readonly fixedOtp?: string;
  readonly partnerId?: string;
}

export const DEFAULT_ORIGINS: readonly string[] = ['127.0.0.1'];
export const DEFAULT_OWNER_MSISDN = '251900000000';
const YEAR_MS = 365 * 24 * 3600 * 1000;
/** Serial numbers look like the API reference's example ("1000000000046"). */
const SERIAL_BASE = 1_000_000_000_000;

export const voucherAccount = (code: string): string => `voucher:${code}`;
export const merchantAccount = (id: string): string => `merchant:${id}`;
export const partnerAccount = (id: string): string => `partner:${id}`;

/** API keys are secrets: from the system's CSPRNG, never from the seeded source. */
const newApiKey = (): string => randomBytes(24).toString('base64url');

function invalid(message: string): HarnessError {
  return new HarnessError('INVALID_ARGUMENT', message);
}

export class SandboxState {
  readonly merchants = new Map<string, Merchant>();
  readonly partners = new Map<string, Partner>();
  readonly vouchers = new Map<string, Voucher>();
  readonly #merchantsByKey = new Map<string, Merchant>();
  readonly #partnersByKey = new Map<string, Partner>();
  /** A sandbox-wide fixed OTP, overridden by a voucher's own. */
  fixedOtp: string | undefined;
  #nextVoucherId = 1;
  #nextClaimId = 1;

  constructor(
    readonly clock: SandboxClock,
    readonly ledger: Ledger,
    readonly random: RandomSource,
  ) {}

  merchantByApiKey(apiKey: string): Merchant | undefined {
    return this.#merchantsByKey.get(apiKey);
  }

  partnerByApiKey(apiKey: string): Partner | undefined {
    return this.#partnersByKey.get(apiKey);
  }

  addMerchant(spec: MerchantSpec): Merchant {
    const id = spec.id ?? `merchant-${this.merchants.size + 1}`;
    const apiKey = spec.apiKey ?? newApiKey();
    if (this.merchants.has(id))
      throw invalid(`"id" ${JSON.stringify(id)} is already a merchant; choose another id or leave it out`);
    if (this.#merchantsByKey.has(apiKey) || this.#partnersByKey.has(apiKey))
      throw invalid('"apiKey" is already in use; choose another or leave it out to have one generated');
    const merchant: Merchant = {
      id,
      name: spec.name ?? id,
      apiKey,
      key: spec.key,
      allowedOrigins: new Set(spec.allowedOrigins),
      serviceFee: spec.serviceFee,
      received: 0n,
      removed: false,
    };
    this.merchants.set(id, merchant);
    this.#merchantsByKey.set(apiKey, merchant);
    return merchant;
  }

  removeMerchant(id: string): Merchant {
    const merchant = this.merchants.get(id);
    if (!merchant) throw refuse(404, `No merchant "${id}"`);
    merchant.removed = true;
    return merchant;
  }

  addPartner(spec: PartnerSpec): Partner {
    const id = spec.id ?? `partner-${this.partners.size + 1}`;
    const apiKey = spec.apiKey ?? newApiKey();
    if (this.partners.has(id))
      throw invalid(`"id" ${JSON.stringify(id)} is already a partner company; choose another id or leave it out`);
    if (this.#partnersByKey.has(apiKey) || this.#merchantsByKey.has(apiKey))
      throw invalid('"apiKey" is already in use; choose another or leave it out to have one generated');
    const partner: Partner = {
      id,
      name: spec.name ?? id,
      apiKey,
      key: spec.key,
      allowedOrigins: new Set(spec.allowedOrigins),
      signingTemplate: spec.signingTemplate,
      reservedBalance: spec.reservedBalance,
      enabled: spec.enabled,
    };
    this.partners.set(id, partner);
    this.#partnersByKey.set(apiKey, partner);
    if (spec.reservedBalance > 0n)
      this.ledger.transfer('partner-funded', EXTERNAL_ACCOUNT, partnerAccount(id), spec.reservedBalance);
    return partner;
  }

  partner(id: string): Partner {
    const partner = this.partners.get(id);
    if (!partner) throw refuse(404, `No partner company "${id}"`);
    return partner;
  }

  /**
   * Issues a voucher, funded from its partner company's reserved balance when it has one (refused
   * when that is insufficient) or from outside the sandbox when it has none.
   */
  issueVoucher(spec: VoucherSpec, defects: ActiveDefects): Voucher {
    const now = this.clock.now();
    if (spec.amount <= 0n) throw invalid(`"amount" must be greater than zero, got ${formatMoney(spec.amount)}`);
    if (spec.code !== undefined && this.vouchers.has(spec.code))
      throw invalid(`"code" ${spec.code} is already a voucher; choose another or leave it out`);
    if (spec.restrictedMerchantId !== undefined && !this.merchants.has(spec.restrictedMerchantId))
      throw invalid(`"restrictedMerchantId" names no merchant: ${JSON.stringify(spec.restrictedMerchantId)}`);
    const partner = spec.partnerId === undefined ? undefined : this.partner(spec.partnerId);
    if (partner && spec.amount > partner.reservedBalance && !defects.has('partner-overdraft')) {
      throw refuse(
        409,
        `Partner company reserved balance ${formatMoney(partner.reservedBalance)} is insufficient for a voucher of ${formatMoney(spec.amount)}`,
      );
    }
    const id = this.#nextVoucherId++;
    const voucher: Voucher = {
      id,
      code: spec.code ?? this.#newVoucherCode(),
      serialNumber: String(SERIAL_BASE + id),
      amount: spec.amount,
      remaining: spec.amount,
      reserved: 0n,
      expiresAt: spec.expiresAt ?? now + YEAR_MS,
      ownerMsisdn: spec.ownerMsisdn ?? DEFAULT_OWNER_MSISDN,
      restrictedMerchantId: spec.restrictedMerchantId,
      fixedOtp: spec.fixedOtp,
      partnerId: spec.partnerId,
      claims: new Map(),
      otpsInUse: new Map(),
    };
    this.vouchers.set(voucher.code, voucher);
    if (partner) partner.reservedBalance -= spec.amount;
    this.ledger.transfer(
      'voucher-issued',
      partner ? partnerAccount(partner.id) : EXTERNAL_ACCOUNT,
      voucherAccount(voucher.code),
      spec.amount,
      { voucherCode: voucher.code },
    );
    return voucher;
  }

  /** Sets a voucher's remaining balance, as an operator correcting it would (provokes 4044). */
  adjustVoucherBalance(code: string, remaining: Micro): Voucher {
    const voucher = this.vouchers.get(code);
    if (!voucher) throw refuse(404, `No voucher "${code}"`);
    const delta = remaining - voucher.remaining;
    voucher.remaining = remaining;
    const account = voucherAccount(code);
    if (delta > 0n) this.ledger.transfer('balance-adjusted', EXTERNAL_ACCOUNT, account, delta, { voucherCode: code });
    if (delta < 0n) this.ledger.transfer('balance-adjusted', account, EXTERNAL_ACCOUNT, -delta, { voucherCode: code });
    return voucher;
  }

  newClaimId(): string {
    return `claim-${this.#nextClaimId++}`;
  }

  /** Sixteen digits like the API reference's codes ("3225118500682251"), from the seeded source. */
  #newVoucherCode(): string {
    for (;;) {
      const code = `${1 + (this.random.nextUint32() % 9)}${randomDigits(this.random, 15)}`;
      if (!this.vouchers.has(code)) return code;
    }
  }
}
