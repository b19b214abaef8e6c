/**
 * What a conformance check gets to work with: clients for the target's credentials, vouchers and
 * OTPs, and — on a sandbox — the admin powers (second merchants, the clock, faults, the outbox).
 * A method a target cannot honour throws CHECK_NOT_APPLICABLE, which runCheck reports as a skip.
 */
import { HarnessError } from '../lib/errors';
import { exportPrivateKeyPem, exportPublicKeyPem, generatePrivateKey } from '../lib/keys';
import type { KeyType, PrivateKey } from '../lib/keys';
import type { Micro } from '../lib/money';
import { createMerchantClient, createPartnerClient } from '../lib/node/http-client';
import type { Exchange, MerchantClient, PartnerClient, TargetHealth } from '../lib/node/http-client';
import { otpFetcher } from '../lib/node/otp-source';
import { voucherBalanceOf } from '../lib/node/voucher-balance';
import { createSandboxAdminClient } from '../lib/node/sandbox-admin-client';
import type { SandboxAdminClient } from '../lib/node/sandbox-admin-client';
import type { ResolvedTarget } from '../lib/node/target-file';
import type { RandomSource } from '../lib/random';
import { seededRandom } from '../lib/random';
import type { Expectations, OtpSource } from '../lib/target-config';
import { DEFAULT_SIGNING_TEMPLATE } from '../lib/signing-template';
import type { ApiErrorCode, CodedEndpoint } from '../lib/error-catalog';
import { TEST_FAULT_HEADER, TEST_FAULT_MESSAGE_HEADER } from '../lib/test-hooks';
import type { Power } from './check';
import { issuePartnerVoucher } from './partner-endpoints';
import { createVoucherBudget } from './voucher-budget';
import type { BalanceReader, VoucherBudget, VoucherNeed } from './voucher-budget';

export type { VoucherNeed } from './voucher-budget';

export interface VoucherSpec {
  readonly amount?: Micro;
  /** ISO 8601; in the past for an expired voucher. */
  readonly expirationDate?: string;
  readonly restrictedMerchantId?: string;
  readonly fixedOtp?: string;
  readonly ownerMsisdn?: string;
}

export interface MerchantHandle {
  /** The sandbox's id for it (undefined on a real target). */
  readonly id: string | undefined;
  readonly key: PrivateKey;
  /** A fresh client: its own login and transcript. */
  client(): MerchantClient;
}

export interface PartnerHandle {
  readonly id: string | undefined;
  readonly key: PrivateKey;
  readonly signingTemplate: string;
  /** Partner clock in milliseconds; checks shift it to test the replay window. */
  client(clock?: () => number): PartnerClient;
}

export interface CertifyContext {
  readonly target: ResolvedTarget;
  readonly seed: number;
  /** Seeded: amounts, keys and codes replay from `seed`. */
  readonly random: RandomSource;
  readonly powers: ReadonlySet<Power>;
  readonly expectations: Expectations;
  /** The target's own merchant credentials. */
  readonly merchant: MerchantHandle;
  /** Sandbox admin API; throws CHECK_NOT_APPLICABLE on a target without it. */
  admin(): SandboxAdminClient;
  /** Another merchant with its own key and fee (sandbox only): per-merchant scoping, restricted vouchers. */
  otherMerchant(options?: { keyType?: KeyType; serviceFee?: Micro }): Promise<MerchantHandle>;
  /**
   * A voucher to work on, for what the check says it needs: on a sandbox issued to order (`issue`);
   * on another target drawn from the run's budget of fixture vouchers (suites/voucher-budget.ts),
   * or, made to order, issued by the partner of "fixtures.partner"; else a skip naming the fixture
   * that would give it. No need stated: a voucher of its own.
   */
  voucher(need?: VoucherRequest): Promise<string>;
  /** The OTP of the newest claim on the voucher, sent after `smsBefore` messages (see smsCount). */
  otp(voucherCode: string, smsBefore: number): Promise<string>;
  /** How many SMS the voucher's owner has had (0 when the target has no outbox). */
  smsCount(voucherCode: string): Promise<number>;
  /** The partner profile: a sandbox partner company, or the target's own partner credentials. */
  partner(options?: { reservedBalance?: Micro }): Promise<PartnerHandle>;
  /**
   * Makes the next request to `endpoint` fail with a documented `code`: a sandbox fault, or on a
   * target with "testHooks" the test-hook headers to send with it (docs/test-hooks.md); a skip
   * naming the hook otherwise.
   */
  fault(
    endpoint: CodedEndpoint,
    code: ApiErrorCode,
    providerMessage: string,
  ): Promise<Readonly<Record<string, string>>>;
  /** Sandbox clock: advance by seconds; with --slow on another target, wait them out (CHECK_NOT_APPLICABLE otherwise). */
  advanceClock(seconds: number): Promise<void>;
}

/** What a check asks a voucher for: its need on any target, and on a sandbox how to issue it. */
export interface VoucherRequest extends VoucherNeed {
  /** Sandbox only: issue the voucher to this spec; another target cannot make one to order. */
  readonly issue?: VoucherSpec;
}

export const notApplicable = (reason: string): HarnessError => new HarnessError('CHECK_NOT_APPLICABLE', reason);

/** What an embedded or remote sandbox adds to a target: its admin API. */
export interface SandboxAccess {
  readonly adminUrl: string;
  readonly adminToken: string;
  readonly merchantId: string;
}

export const SANDBOX_POWERS: readonly Power[] = ['admin', 'clock', 'faults', 'outbox', 'otp-per-claim'];

/**
 * What a target can do: a sandbox everything; --slow gives another the clock the honest way (by
 * waiting); test hooks (docs/test-hooks.md) give it faults, one request at a time; an http or
 * command OTP source reads each claim's own code as the outbox does (a fixed one does not), though
 * it cannot count the SMS sent.
 */
export function powersOf(target: {
  sandbox: boolean;
  slow: boolean;
  testHooks: boolean;
  otp: OtpSource['source'];
}): Set<Power> {
  if (target.sandbox) return new Set(SANDBOX_POWERS);
  return new Set<Power>([
    ...(target.slow ? (['clock'] as const) : []),
    ...(target.testHooks ? (['faults'] as const) : []),
    ...(target.otp === 'http' || target.otp === 'command' ? (['otp-per-claim'] as const) : []),
  ]);
}

/** A stream of the run's seed per area, so two areas never draw the same idempotency keys or amounts. */
function streamSeed(seed: number, stream: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export interface CertifyContextOptions {
  readonly target: ResolvedTarget;
  readonly seed: number;
  readonly sandbox?: SandboxAccess;
  /** Names this suite file's stream of the seed (its area). */
  readonly stream?: string;
  /** The run's fixture vouchers, shared by every area's context (default: a budget of this context's own). */
  readonly vouchers?: VoucherBudget;
  /** certify --slow: on a target without the sandbox clock, wait real time instead (token expiry takes 5 minutes). */
  readonly slow?: boolean;
  /** Sees every exchange of every client the context makes (merchant, other merchants, partner): contract/answer-collector.ts. */
  readonly onExchange?: (exchange: Exchange) => void;
  /** The run's record of the target's answers, shared by every client so a silent target ends the run early. */
  readonly health?: TargetHealth;
}

export function createCertifyContext(options: CertifyContextOptions): CertifyContext {
  const { target, seed } = options;
  const { config } = target;
  const observe = {
    ...(options.onExchange === undefined ? {} : { onExchange: options.onExchange }),
    ...(options.health === undefined ? {} : { health: options.health }),
  };
  const admin =
    options.sandbox === undefined
      ? undefined
      : createSandboxAdminClient({ adminUrl: options.sandbox.adminUrl, adminToken: options.sandbox.adminToken });
  const powers = powersOf({
    sandbox: admin !== undefined,
    slow: options.slow === true,
    testHooks: config.testHooks,
    otp: config.otp.source,
  });
  const requireAdmin = (what: string): SandboxAdminClient => {
    if (admin === undefined)
      throw notApplicable(
        `${what} needs the sandbox's admin API; this target has none (not provokable from outside on this target)`,
      );
    return admin;
  };
  const merchantHandle = (id: string | undefined, key: PrivateKey, apiKey: string): MerchantHandle => {
    target.redactor.add(apiKey, 'api-key');
    return {
      id,
      key,
      client: () =>
        createMerchantClient({
          baseUrl: config.baseUrl,
          apiKey,
          privateKey: key,
          redactor: target.redactor,
          ...observe,
        }),
    };
  };
  const fetchOtp = otpFetcher(config.otp, admin, { allowCommand: target.otpCommandAllowed });
  const budget = options.vouchers ?? createVoucherBudget(config.fixtures.vouchers);
  const ownMerchant = merchantHandle(options.sandbox?.merchantId, target.privateKey, target.apiKey);
  const readBalance: BalanceReader = async (code) =>
    voucherBalanceOf(await ownMerchant.client().voucherDetail(code), code);

  /** fixtures.secondMerchant, or a skip naming it. */
  const secondMerchantFixture = (keyType: KeyType | undefined): MerchantHandle => {
    const second = target.secondMerchant;
    const wanted = keyType === undefined ? '' : ` with a ${keyType} key`;
    if (second === undefined)
      throw notApplicable(
        `needs a second merchant${wanted}: name its credentials in the target file's "fixtures.secondMerchant" (or run against a sandbox)`,
      );
    if (keyType !== undefined && second.privateKey.type !== keyType)
      throw notApplicable(
        `needs a second merchant with a ${keyType} key; "fixtures.secondMerchant" has a ${second.privateKey.type} key`,
      );
    return merchantHandle(undefined, second.privateKey, second.apiKey);
  };

  /** fixtures.partner on a merchant target, or a skip naming it. */
  const partnerFixture = (): PartnerHandle => {
    const partner = target.partner;
    const fixture = config.fixtures.partner;
    if (partner === undefined || fixture === undefined)
      throw notApplicable(
        'the partner profile on a merchant target needs partner credentials: name them in the target file\'s "fixtures.partner" (or run against a sandbox)',
      );
    return {
      id: undefined,
      key: partner.privateKey,
      signingTemplate: fixture.signingTemplate,
      client: (clock) =>
        createPartnerClient({
          baseUrl: fixture.baseUrl,
          apiKey: partner.apiKey,
          privateKey: partner.privateKey,
          signingTemplate: fixture.signingTemplate,
          redactor: target.redactor,
          ...(options.health === undefined ? {} : { health: options.health }),
          ...(clock ? { clock } : {}),
        }),
    };
  };

  /** A sandbox voucher for the request: the kinds a fixture stands for are made with the admin API. */
  const issueToOrder = async (sandbox: SandboxAdminClient, request: VoucherRequest): Promise<string> => {
    const issue = (spec: VoucherSpec & { partnerId?: string }) =>
      sandbox.createVoucher({ amount: 100_000_000n, ownerMsisdn: '251911000000', ...spec }).then((v) => v.code);
    switch (request.kind) {
      case 'expired':
        return issue({ expirationDate: '2020-01-01T00:00:00.000Z' });
      case 'restricted':
        return issue({ restrictedMerchantId: (await context.otherMerchant()).id! });
      case 'redeemed': {
        const code = await issue({});
        await sandbox.setVoucherBalance(code, 0n);
        return code;
      }
      case 'disabled-partner': {
        // Disabled before any claim: initiate does not look at the funding company, redeem-gift does (4045).
        const partnerId = (await context.partner()).id!;
        const code = await issue({ amount: 100_000_000n, partnerId });
        await sandbox.disablePartner(partnerId);
        return code;
      }
      case undefined:
        return issue(request.issue ?? {});
    }
  };

  /** Without the admin API, a voucher made to order is a partner's to issue (suites/partner-endpoints.ts). */
  const issueThroughPartner = async (spec: VoucherSpec): Promise<string> => {
    const unlock = 'or a partner whose credentials the target file names in "fixtures.partner"';
    if (config.profile !== 'partner' && config.fixtures.partner === undefined)
      throw notApplicable(
        `the check needs a voucher made to order (amount, expiry): only the sandbox issues one, ${unlock}`,
      );
    if (spec.fixedOtp !== undefined || spec.restrictedMerchantId !== undefined)
      throw notApplicable(
        'the check needs a voucher with a fixed OTP or restricted to a merchant made to order: only the sandbox issues one',
      );
    const partner = await context.partner();
    return issuePartnerVoucher(partner.client(), {
      amount: spec.amount ?? 100_000_000n,
      ownerMsisdn: spec.ownerMsisdn ?? '251911000000',
      ...(spec.expirationDate === undefined ? {} : { expirationDate: spec.expirationDate }),
    });
  };

  const context: CertifyContext = {
    target,
    seed,
    random: seededRandom(streamSeed(seed, options.stream ?? '')),
    powers,
    expectations: config.expectations,
    merchant: ownMerchant,
    admin: () => requireAdmin('this check'),
    async otherMerchant(opts = {}) {
      if (admin === undefined) return secondMerchantFixture(opts.keyType);
      const sandbox = admin;
      const key = generatePrivateKey(opts.keyType ?? 'secp256k1');
      const created = await sandbox.createMerchant({
        publicKeyPem: exportPublicKeyPem(key),
        keyType: key.type,
        serviceFee: opts.serviceFee,
      });
      return merchantHandle(created.id, key, created.apiKey);
    },
    async voucher(need = { own: true }) {
      if (admin) return issueToOrder(admin, need);
      if (need.issue !== undefined) return issueThroughPartner(need.issue);
      return budget.draw(need, options.stream ?? '', readBalance);
    },
    async otp(voucherCode, smsBefore) {
      if (fetchOtp === undefined)
        throw notApplicable('the target file names no OTP source ("otp"), so redemption cannot be exercised');
      return fetchOtp({ voucherCode, seenBefore: smsBefore });
    },
    smsCount: async (voucherCode) => (admin ? (await admin.sms({ voucherCode })).length : 0),
    async partner(opts = {}) {
      if (config.profile === 'partner') {
        return {
          id: undefined,
          key: target.privateKey,
          signingTemplate: config.signingTemplate,
          client: (clock) =>
            createPartnerClient({
              baseUrl: config.baseUrl,
              apiKey: target.apiKey,
              privateKey: target.privateKey,
              signingTemplate: config.signingTemplate,
              redactor: target.redactor,
              ...observe,
              ...(clock ? { clock } : {}),
            }),
        };
      }
      if (admin === undefined) return partnerFixture();
      const sandbox = admin;
      const key = generatePrivateKey('ed25519');
      const created = await sandbox.createPartner({
        publicKeyPem: exportPublicKeyPem(key),
        reservedBalance: opts.reservedBalance ?? 1_000_000_000n,
      });
      target.redactor.add(created.apiKey, 'partner-api-key');
      const partnerUrl = config.baseUrl.replace(/\/api\/v1\/merchant\/client\/?$/, '/api/v1/partner');
      return {
        id: created.id,
        key,
        signingTemplate: DEFAULT_SIGNING_TEMPLATE,
        client: (clock) =>
          createPartnerClient({
            baseUrl: partnerUrl,
            apiKey: created.apiKey,
            privateKey: key,
            signingTemplate: DEFAULT_SIGNING_TEMPLATE,
            redactor: target.redactor,
            ...observe,
            ...(clock ? { clock } : {}),
          }),
      };
    },
    async fault(endpoint, code, providerMessage): Promise<Readonly<Record<string, string>>> {
      // A test hook rides on its own request; the admin queue is shared by every request, so it is
      // the fallback (and a check using it runs alone: suites/runner.ts sharedFaults).
      if (config.testHooks) return { [TEST_FAULT_HEADER]: String(code), [TEST_FAULT_MESSAGE_HEADER]: providerMessage };
      if (admin) {
        await admin.addFault({ endpoint, kind: 'error', code, count: 1, providerMessage });
        return {};
      }
      throw notApplicable(
        `needs a test hook to provoke ${code} on ${endpoint} (no outside request can): if this test environment honours the "${TEST_FAULT_HEADER}" header (docs/test-hooks.md), set "testHooks": true in the target file`,
      );
    },
    async advanceClock(seconds) {
      if (admin) await admin.advanceClock(seconds);
      else if (options.slow) await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      else
        throw notApplicable('moving the clock needs the sandbox; on another target run certify --slow to wait it out');
    },
  };
  return context;
}

/** The private key PEM of a handle, for checks that sign with another tool (Node crypto, openssl). */
export const privateKeyPemOf = (handle: { key: PrivateKey }): string => exportPrivateKeyPem(handle.key, 'pkcs8');
