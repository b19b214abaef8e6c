/**
 * The sandbox's own partner endpoints (sandbox/README.md › The partner API): the onboarding document
 * says how partner requests are authenticated but names no endpoint, so a test environment that
 * wants the partner checks run serves these. Issuing a voucher through them is how a target without
 * the admin API makes one to order (amount, expiry), funded from the partner's reserved balance.
 */
import { HarnessError } from '../lib/errors';
import { moneyToJsonNumber } from '../lib/money';
import type { Micro } from '../lib/money';
import type { PartnerClient } from '../lib/node/http-client';

/** The authenticated read (GET) and write (POST) the partner checks use. */
export const PARTNER_ACCOUNT_PATH = '/account';
export const PARTNER_VOUCHERS_PATH = '/vouchers';

export interface PartnerVoucherSpec {
  readonly amount: Micro;
  readonly ownerMsisdn: string;
  /** ISO 8601. */
  readonly expirationDate?: string;
}

/** The body of POST /vouchers. */
export const partnerVoucherBody = (spec: PartnerVoucherSpec): string =>
  JSON.stringify({
    amount: moneyToJsonNumber(spec.amount),
    ownerMsisdn: spec.ownerMsisdn,
    ...(spec.expirationDate === undefined ? {} : { expirationDate: spec.expirationDate }),
  });

/**
 * Issues a voucher and returns its code. A refusal (the account's reserved balance too low, the
 * endpoint not served) means the target cannot make the voucher a check asked for: CHECK_NOT_APPLICABLE
 * with the answer, not a failure of the merchant API under test.
 */
export async function issuePartnerVoucher(client: PartnerClient, spec: PartnerVoucherSpec): Promise<string> {
  const res = await client.send({ method: 'POST', path: PARTNER_VOUCHERS_PATH, body: partnerVoucherBody(spec) });
  const code = (res.json as { data?: { voucher?: { code?: unknown } } } | undefined)?.data?.voucher?.code;
  if (res.status >= 200 && res.status < 300 && typeof code === 'string') return code;
  throw new HarnessError(
    'CHECK_NOT_APPLICABLE',
    `a voucher made to order is issued through the partner's POST ${PARTNER_VOUCHERS_PATH} (the sandbox's own endpoint, "fixtures.partner"), which answered HTTP ${res.status}${typeof code === 'string' ? '' : ' without data.voucher.code'}: ${res.text.slice(0, 200)}`,
  );
}
