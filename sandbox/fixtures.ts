/**
 * The fixtures file: merchants, partner companies and vouchers the sandbox starts with (and
 * returns to on reset). Its merchants and partners carry the credentials their users already hold
 * (apiKey, publicKeyPem): a key the sandbox invented could not be told to anyone.
 */
import { describeValue, HarnessError, isHarnessError } from '../lib/errors';
import { readJsonFile } from '../lib/node/input-file';
import type { ActiveDefects } from './defects';
import { FieldReader, readArray } from './field-reader';
import { Refusal } from './refusal';
import type { RegisteredKey } from './public-keys';
import { OTP, readMerchantSpec, readPartnerSpec, readVoucherSpec } from './specs';
import type { MerchantSpec, PartnerSpec, SandboxState, VoucherSpec } from './state';

/** The file's JSON form. Amounts are JSON numbers or 6-place decimal strings. */
export interface SandboxFixtures {
  merchants?: {
    id?: string;
    name?: string;
    apiKey: string;
    publicKeyPem: string;
    allowedOrigins?: string[];
    serviceFee?: number | string;
  }[];
  partners?: {
    id?: string;
    name?: string;
    apiKey: string;
    publicKeyPem: string;
    allowedOrigins?: string[];
    reservedBalance?: number | string;
    enabled?: boolean;
    signingTemplate?: string;
  }[];
  vouchers?: {
    code?: string;
    amount: number | string;
    expirationDate?: string;
    ownerMsisdn?: string;
    restrictedMerchantId?: string;
    fixedOtp?: string;
    partnerId?: string;
  }[];
  /** A sandbox-wide fixed OTP (a voucher's own fixedOtp wins). */
  fixedOtp?: string;
  /** Where the sandbox clock starts, ISO 8601. */
  clock?: string;
}

export interface ParsedFixtures {
  readonly merchants: readonly MerchantSpec[];
  readonly partners: readonly PartnerSpec[];
  readonly vouchers: readonly VoucherSpec[];
  readonly fixedOtp: string | undefined;
  readonly clock: number | undefined;
}

export const NO_FIXTURES: ParsedFixtures = {
  merchants: [],
  partners: [],
  vouchers: [],
  fixedOtp: undefined,
  clock: undefined,
};

const CODE = 'SANDBOX_FIXTURES_INVALID';

function requireCredentials<T extends { readonly key: RegisteredKey | undefined; readonly apiKey?: string }>(
  spec: T,
  r: FieldReader,
  where: string,
  adminPath: string,
): T & { readonly key: RegisteredKey } {
  if (spec.key === undefined)
    throw r.error(
      `"${where}publicKeyPem" is required in a fixtures file: register the public key whose private key you hold (POST ${adminPath} can generate a pair instead)`,
    );
  if (spec.apiKey === undefined)
    throw r.error(
      `"${where}apiKey" is required in a fixtures file: the sandbox cannot tell you a key it invented (POST ${adminPath} can generate one instead)`,
    );
  return spec as T & { readonly key: RegisteredKey };
}

/** The checked fixtures, ready to apply; throws SANDBOX_FIXTURES_INVALID naming the field. */
export function fixtureSpecs(json: unknown): ParsedFixtures {
  const r = new FieldReader(json, '', CODE, ['merchants', 'partners', 'vouchers', 'fixedOtp', 'clock']);
  const merchants = readArray(r, 'merchants', (v, where) =>
    requireCredentials(readMerchantSpec(v, where, CODE), r, where, '/admin/merchants'),
  );
  const partners = readArray(r, 'partners', (v, where) =>
    requireCredentials(readPartnerSpec(v, where, CODE), r, where, '/admin/partners'),
  );
  const vouchers = readArray(r, 'vouchers', (v, where) => readVoucherSpec(v, where, CODE));
  const merchantIds = new Set(merchants.map((m) => m.id));
  const partnerIds = new Set(partners.map((p) => p.id));
  vouchers.forEach((v, i) => {
    if (v.restrictedMerchantId !== undefined && !merchantIds.has(v.restrictedMerchantId))
      throw r.error(
        `"vouchers[${i}].restrictedMerchantId" ${describeValue(v.restrictedMerchantId)} is not the id of a merchant in this file; give that merchant an "id"`,
      );
    if (v.partnerId !== undefined && !partnerIds.has(v.partnerId))
      throw r.error(
        `"vouchers[${i}].partnerId" ${describeValue(v.partnerId)} is not the id of a partner in this file; give that partner an "id"`,
      );
  });
  return { merchants, partners, vouchers, fixedOtp: r.string('fixedOtp', OTP), clock: r.instant('clock') };
}

/** Validates a fixtures file's JSON; throws SANDBOX_FIXTURES_INVALID naming the field and the fix. */
export function parseSandboxFixtures(json: unknown): SandboxFixtures {
  fixtureSpecs(json);
  return json as SandboxFixtures;
}

/** Reads and validates a fixtures file: FILE_UNREADABLE or INVALID_JSON before any field is looked at. */
export async function loadSandboxFixtures(file: string): Promise<SandboxFixtures> {
  return parseSandboxFixtures(await readJsonFile(file, '--fixtures'));
}

/** Creates the fixtures' entities; what the state refuses (a partner too poor for its vouchers) names the entry. */
export function applyFixtures(state: SandboxState, fixtures: ParsedFixtures, defects: ActiveDefects): void {
  state.fixedOtp = fixtures.fixedOtp;
  const steps: [string, () => void][] = [
    ...fixtures.merchants.map((m, i): [string, () => void] => [`merchants[${i}]`, () => state.addMerchant(m)]),
    ...fixtures.partners.map((p, i): [string, () => void] => [`partners[${i}]`, () => state.addPartner(p)]),
    ...fixtures.vouchers.map((v, i): [string, () => void] => [`vouchers[${i}]`, () => state.issueVoucher(v, defects)]),
  ];
  for (const [where, step] of steps) {
    try {
      step();
    } catch (err) {
      if (isHarnessError(err) || err instanceof Refusal)
        throw new HarnessError(CODE, `fixtures ${where}: ${err.message}`);
      throw err;
    }
  }
}
