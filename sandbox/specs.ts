/**
 * What a merchant, partner company or voucher is made from, read from a fixtures file or an admin
 * request by the same code, so both refuse the same mistakes with the same messages.
 */
import type { HarnessErrorCode } from '../lib/errors';
import { DEFAULT_SIGNING_TEMPLATE, validateSigningTemplate } from '../lib/signing-template';
import { FieldReader } from './field-reader';
import { KEY_TYPES, readPublicKey, type KeyType, type RegisteredKey } from './public-keys';
import { DEFAULT_ORIGINS, type MerchantSpec, type PartnerSpec, type VoucherSpec } from './state';

const ID = { test: /^[A-Za-z0-9._-]{1,64}$/, form: 'letters, digits, ".", "_" or "-" (at most 64)' };
const VOUCHER_CODE = {
  test: /^[A-Za-z0-9-]{1,64}$/,
  form: 'letters, digits or "-" (at most 64), such as "3225118500682251"',
};
export const OTP = { test: /^\d{6}$/, form: 'six digits, such as "735191"' };
const MSISDN = { test: /^\+?\d{6,15}$/, form: 'a phone number of 6 to 15 digits, such as "251911234567"' };
const KEY_TYPE = { test: /^(?:secp256k1|ed25519)$/, form: KEY_TYPES.map((t) => `"${t}"`).join(' or ') };

/** A spec whose key may still have to be generated (admin API) or must be given (fixtures file). */
export type WithOptionalKey<S> = Omit<S, 'key'> & {
  readonly key: RegisteredKey | undefined;
  readonly keyType: KeyType;
};

export const MERCHANT_FIELDS = [
  'id',
  'name',
  'apiKey',
  'publicKeyPem',
  'keyType',
  'allowedOrigins',
  'serviceFee',
] as const;
export const PARTNER_FIELDS = [
  'id',
  'name',
  'apiKey',
  'publicKeyPem',
  'allowedOrigins',
  'reservedBalance',
  'enabled',
  'signingTemplate',
] as const;
export const VOUCHER_FIELDS = [
  'code',
  'amount',
  'expirationDate',
  'ownerMsisdn',
  'restrictedMerchantId',
  'fixedOtp',
  'partnerId',
] as const;

export function readMerchantSpec(value: unknown, where: string, code: HarnessErrorCode): WithOptionalKey<MerchantSpec> {
  const r = new FieldReader(value, where, code, MERCHANT_FIELDS);
  return {
    id: r.string('id', ID),
    name: r.string('name'),
    apiKey: r.string('apiKey'),
    key: r.has('publicKeyPem')
      ? readPublicKey(r.raw('publicKeyPem'), r.name('publicKeyPem'), KEY_TYPES, code)
      : undefined,
    keyType: (r.string('keyType', KEY_TYPE) as KeyType | undefined) ?? 'secp256k1',
    allowedOrigins: r.stringArray('allowedOrigins') ?? DEFAULT_ORIGINS,
    serviceFee: r.money('serviceFee') ?? 0n,
  };
}

export function readPartnerSpec(value: unknown, where: string, code: HarnessErrorCode): WithOptionalKey<PartnerSpec> {
  const r = new FieldReader(value, where, code, PARTNER_FIELDS);
  const template = r.string('signingTemplate');
  return {
    id: r.string('id', ID),
    name: r.string('name'),
    apiKey: r.string('apiKey'),
    key: r.has('publicKeyPem')
      ? readPublicKey(r.raw('publicKeyPem'), r.name('publicKeyPem'), ['ed25519'], code)
      : undefined,
    keyType: 'ed25519',
    allowedOrigins: r.stringArray('allowedOrigins') ?? DEFAULT_ORIGINS,
    signingTemplate:
      template === undefined
        ? DEFAULT_SIGNING_TEMPLATE
        : r.rethrown(() => validateSigningTemplate(template, r.name('signingTemplate'))),
    reservedBalance: r.money('reservedBalance') ?? 0n,
    enabled: r.boolean('enabled') ?? true,
  };
}

export function readVoucherSpec(value: unknown, where: string, code: HarnessErrorCode): VoucherSpec {
  const r = new FieldReader(value, where, code, VOUCHER_FIELDS);
  return {
    code: r.string('code', VOUCHER_CODE),
    amount: r.requiredMoney('amount'),
    expiresAt: r.instant('expirationDate'),
    ownerMsisdn: r.string('ownerMsisdn', MSISDN),
    restrictedMerchantId: r.string('restrictedMerchantId', ID),
    fixedOtp: r.string('fixedOtp', OTP),
    partnerId: r.string('partnerId', ID),
  };
}
