/**
 * A client for the sandbox's admin API (sandbox/README.md): the powers a real target does not
 * offer — arranging merchants and vouchers, reading the SMS outbox, moving the clock, injecting
 * faults and switching seeded defects. Node-only; the admin token never appears in its errors.
 */
import { HarnessError } from '../errors';
import type { Micro } from '../money';
import { formatMoney } from '../money';
import { parseJsonBody } from './http-client';

export interface SandboxAdminOptions {
  readonly adminUrl: string;
  readonly adminToken: string;
}

export interface MerchantInput {
  readonly publicKeyPem: string;
  readonly keyType?: 'secp256k1' | 'ed25519';
  readonly name?: string;
  readonly serviceFee?: Micro;
  readonly allowedOrigins?: readonly string[];
}

export interface VoucherInput {
  readonly amount: Micro;
  readonly code?: string;
  readonly expirationDate?: string;
  readonly ownerMsisdn?: string;
  readonly restrictedMerchantId?: string;
  readonly fixedOtp?: string;
  readonly partnerId?: string;
}

export interface SmsMessage {
  readonly to: string;
  readonly voucherCode: string;
  readonly claimId: string;
  readonly otp?: string;
  readonly text: string;
  readonly at: string;
}

export interface PartnerInput {
  readonly publicKeyPem: string;
  readonly name?: string;
  readonly reservedBalance?: Micro;
  readonly allowedOrigins?: readonly string[];
  readonly signingTemplate?: string;
}

export type FaultInput =
  | {
      readonly endpoint: string;
      readonly kind: 'error';
      readonly code: number;
      readonly count?: number;
      readonly providerMessage?: string;
    }
  | { readonly endpoint: string; readonly kind: 'delay'; readonly delayMs: number; readonly count?: number }
  | { readonly endpoint: string; readonly kind: 'reset'; readonly count?: number };

/** Admin answers are read field by field by the caller. */
export type AdminAnswer = Record<string, unknown>;

export interface SandboxAdminClient {
  createMerchant(input: MerchantInput): Promise<{ id: string; apiKey: string }>;
  createPartner(input: PartnerInput): Promise<{ id: string; apiKey: string }>;
  createVoucher(input: VoucherInput): Promise<AdminAnswer & { code: string }>;
  voucher(code: string): Promise<AdminAnswer>;
  /** Sets a voucher's remainingBalance as an operator would (under a pending claim: provokes 4044). */
  setVoucherBalance(code: string, remainingBalance: Micro): Promise<AdminAnswer>;
  /** Removes a merchant; a token it already holds still verifies, so its redemptions give 4043. */
  removeMerchant(id: string): Promise<AdminAnswer>;
  /** Disables a partner company; redeeming the vouchers it issued gives 4045. */
  disablePartner(id: string): Promise<AdminAnswer>;
  sms(filter?: { voucherCode?: string; to?: string }): Promise<SmsMessage[]>;
  advanceClock(seconds: number): Promise<AdminAnswer>;
  addFault(fault: FaultInput): Promise<AdminAnswer>;
  /** Drops every fault not yet used up. */
  clearFaults(): Promise<AdminAnswer>;
  setDefects(names: readonly string[]): Promise<AdminAnswer>;
  state(): Promise<AdminAnswer>;
  ledger(): Promise<{ entries: AdminAnswer[] }>;
  reset(): Promise<AdminAnswer>;
}

const ADMIN_TIMEOUT_MS = 30_000;

export function createSandboxAdminClient(options: SandboxAdminOptions): SandboxAdminClient {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${options.adminUrl}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${options.adminToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        // An admin call is quick on a live sandbox; a hung one must not hold the run forever.
        signal: AbortSignal.timeout(ADMIN_TIMEOUT_MS),
      });
    } catch (err) {
      throw new HarnessError(
        'TARGET_UNREACHABLE',
        `cannot reach the sandbox admin API at ${url}: ${(err as Error).message}; is the sandbox running?`,
        { cause: err },
      );
    }
    const text = await res.text();
    const json = parseJsonBody(text);
    if (!res.ok || typeof json !== 'object' || json === null) {
      const message = (json as { message?: unknown } | undefined)?.message;
      throw new HarnessError(
        'TARGET_MALFORMED_RESPONSE',
        `sandbox admin ${method} ${path} answered ${res.status}: ${typeof message === 'string' ? message : text.slice(0, 120)}`,
      );
    }
    return json as T;
  }
  const money = (micro: Micro | undefined) => (micro === undefined ? undefined : formatMoney(micro));
  return {
    createMerchant: (input) => call('POST', '/merchants', { ...input, serviceFee: money(input.serviceFee) }),
    createPartner: (input) => call('POST', '/partners', { ...input, reservedBalance: money(input.reservedBalance) }),
    createVoucher: (input) => call('POST', '/vouchers', { ...input, amount: money(input.amount) }),
    voucher: (code) => call('GET', `/vouchers/${encodeURIComponent(code)}`),
    setVoucherBalance: (code, remainingBalance) =>
      call('POST', `/vouchers/${encodeURIComponent(code)}/balance`, {
        remainingBalance: formatMoney(remainingBalance),
      }),
    removeMerchant: (id) => call('DELETE', `/merchants/${encodeURIComponent(id)}`),
    disablePartner: (id) => call('POST', `/partners/${encodeURIComponent(id)}/disable`),
    sms: async (filter = {}) => {
      const query = new URLSearchParams(
        Object.entries(filter).filter((e): e is [string, string] => e[1] !== undefined),
      );
      return (await call<{ messages: SmsMessage[] }>('GET', `/sms${query.size > 0 ? `?${query}` : ''}`)).messages;
    },
    advanceClock: (seconds) => call('POST', '/clock', { advanceSeconds: seconds }),
    addFault: (fault) => call('POST', '/faults', fault),
    clearFaults: () => call('DELETE', '/faults'),
    setDefects: (names) => call('PUT', '/defects', { active: names }),
    state: () => call('GET', '/state'),
    ledger: () => call('GET', '/ledger'),
    reset: () => call('POST', '/reset'),
  };
}
