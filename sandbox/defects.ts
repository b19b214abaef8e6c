/**
 * Seeded defects: realistic bugs the sandbox can be told to have, so the harness can prove it
 * catches them. Each is data here and one `defects.has('name')` switch at the one place it
 * applies; defects.test.ts shows, for each, a difference a client can observe.
 *
 * Severity as the checks use it (suites/check-result.ts): critical = money or security; high = contract violation;
 * medium = formats; low = hygiene.
 */
import { HarnessError } from '../lib/errors';

export type DefectArea =
  | 'auth'
  | 'signature'
  | 'canonical'
  | 'replay'
  | 'idempotency'
  | 'errors'
  | 'detail'
  | 'state-machine'
  | 'money'
  | 'concurrency';
export type DefectSeverity = 'critical' | 'high' | 'medium' | 'low';

export interface DefectInfo {
  readonly name: string;
  /** The rule the defect breaks. */
  readonly rule: string;
  /** Where the rule is written: a section of an API document or of docs/design.md. */
  readonly section: string;
  readonly area: DefectArea;
  readonly severity: DefectSeverity;
}

const API = 'omnivas-merchant-api-v1.0';
const ONBOARDING = 'partner-and-merchant-onboarding';
const SILENT = 'docs/design.md › Behaviour where the API documents are silent';

export const DEFECTS = [
  {
    name: 'signature-not-checked',
    area: 'signature',
    severity: 'critical',
    section: `${API} › Authentication › Step 3`,
    rule: 'Every POST under /topup-transactions carries a valid x-signature; a missing or wrong one is refused with HTTP 403.',
  },
  {
    name: 'signature-over-raw-body',
    area: 'canonical',
    severity: 'critical',
    section: `${API} › Authentication › Step 3 › IMPORTANT`,
    rule: "The signature is verified over JSON.stringify(request.body), the server's re-serialisation, not over the bytes as sent.",
  },
  {
    name: 'der-signature-accepted',
    area: 'signature',
    severity: 'high',
    section: `${API} › Authentication › Step 3 › IMPORTANT`,
    rule: 'Signature encoding is IEEE-P1363 (64-byte r||s); a DER-encoded signature is refused.',
  },
  {
    name: 'base64url-signature-accepted',
    area: 'signature',
    severity: 'medium',
    section: `${API} › Authentication › Step 3 › IMPORTANT`,
    rule: 'x-signature is standard base64 (+, / and = padding); base64url is refused.',
  },
  {
    name: 'token-never-expires',
    area: 'auth',
    severity: 'critical',
    section: `${API} › Authentication › Step 4 › NOTE`,
    rule: 'Access tokens are valid for 300 seconds; an older token is refused with HTTP 401.',
  },
  {
    name: 'token-lives-too-long',
    area: 'auth',
    severity: 'high',
    section: `${API} › Authentication › Step 4 › NOTE`,
    rule: 'Access tokens are valid for 300 seconds, not 360.',
  },
  {
    name: 'token-alg-none-accepted',
    area: 'auth',
    severity: 'critical',
    section: `${API} › Authentication › Step 4 (ES256 access token)`,
    rule: 'An access token must carry the server\'s ES256 signature; an unsigned (alg "none") token is refused.',
  },
  {
    name: 'origin-not-checked',
    area: 'auth',
    severity: 'critical',
    section: `${API} › Authentication › Step 2; ${ONBOARDING} › Allowed origin`,
    rule: 'Calls from outside the whitelisted addresses are refused with HTTP 403.',
  },
  {
    name: 'partner-replay-window-10-minutes',
    area: 'replay',
    severity: 'critical',
    section: `${ONBOARDING} › Request Authentication`,
    rule: "X-Timestamp is accepted only within 5 minutes of the server's clock, not 10.",
  },
  {
    name: 'partner-future-timestamps-unbounded',
    area: 'replay',
    severity: 'critical',
    section: `${ONBOARDING} › Request Authentication`,
    rule: 'The 5-minute window applies both ways: a timestamp far in the future is refused.',
  },
  {
    name: 'idempotency-ignored',
    area: 'idempotency',
    severity: 'critical',
    section: `${API} › 1. Initiate Claim › Request Body (idempotencyKey); ${SILENT} › Idempotency`,
    rule: 'The same key with the same body returns the first response and has no second effect.',
  },
  {
    name: 'idempotency-different-body-accepted',
    area: 'idempotency',
    severity: 'high',
    section: `${SILENT} › Idempotency`,
    rule: 'The same key with a different body is refused with HTTP 422.',
  },
  {
    name: 'idempotency-keys-global',
    area: 'idempotency',
    severity: 'high',
    section: `${SILENT} › Idempotency`,
    rule: 'Idempotency keys are scoped to the merchant (partner) that sent them and to the endpoint.',
  },
  {
    name: 'reservation-check-then-act',
    area: 'concurrency',
    severity: 'critical',
    section: 'docs/design.md › Invariants the load scenarios check (2: no over-reservation)',
    rule: "A claim's availability check and its reservation are one atomic step: concurrent claims never reserve more than the balance.",
  },
  {
    name: 'fee-not-deducted',
    area: 'money',
    severity: 'critical',
    section: `${API} › 2. Get Voucher Detail (serviceFee); ${SILENT} › Balance reservation`,
    rule: "A redemption consumes amount + the merchant's service fee from the remaining balance.",
  },
  {
    name: 'fee-deducted-twice',
    area: 'money',
    severity: 'critical',
    section: `${SILENT} › Balance reservation`,
    rule: 'A redemption consumes the service fee once.',
  },
  {
    name: 'money-in-floating-point',
    area: 'money',
    severity: 'critical',
    section: `${SILENT} › Money`,
    rule: 'Balances are computed exactly on integer micro-units, never on floating point.',
  },
  {
    name: 'otp-reusable',
    area: 'state-machine',
    severity: 'critical',
    section: `${SILENT} › Balance reservation (OTP single use)`,
    rule: 'An OTP redeems its claim once; a second redeem with it is refused.',
  },
  {
    name: 'otp-not-bound-to-claim',
    area: 'state-machine',
    severity: 'critical',
    section: `${SILENT} › Balance reservation (OTP bound to its claim)`,
    rule: 'An OTP redeems the claim it was sent for, not another pending claim.',
  },
  {
    name: 'otp-never-expires',
    area: 'state-machine',
    severity: 'high',
    section: `${SILENT} › Balance reservation (OTP valid 300 s)`,
    rule: 'A claim and its OTP expire 300 s after initiation: redeem then gives 4034 and the reservation is released.',
  },
  {
    name: 'expired-voucher-redeemable',
    area: 'state-machine',
    severity: 'critical',
    section: `${API} › 3. Redeem Gift › Error Codes (4036)`,
    rule: 'A voucher past its expiration date cannot be redeemed (4036).',
  },
  {
    name: 'restricted-voucher-any-merchant',
    area: 'state-machine',
    severity: 'critical',
    section: `${API} › 3. Redeem Gift › Error Codes (4031)`,
    rule: 'A voucher restricted to one merchant cannot be redeemed by another (4031).',
  },
  {
    name: 'claim-kept-after-4096',
    area: 'state-machine',
    severity: 'high',
    section: `${SILENT} › Balance reservation (4096 releases the claim)`,
    rule: "A redeem refused with 4096 releases its claim's reservation.",
  },
  {
    name: 'status-not-redeemed-at-zero',
    area: 'state-machine',
    severity: 'high',
    section: `${SILENT} › States; ${API} › 1. Initiate Claim › Error Codes (4042)`,
    rule: 'A voucher whose balance reaches zero is REDEEMED, and initiating on it gives 4042.',
  },
  {
    name: 'wrong-code-for-incorrect-otp',
    area: 'errors',
    severity: 'high',
    section: `${API} › 3. Redeem Gift › Error Codes (4035)`,
    rule: 'A wrong verification code gives 4035 "The provided verification code is incorrect".',
  },
  {
    name: 'error-success-true',
    area: 'errors',
    severity: 'high',
    section: `${API} › Error Response Format`,
    rule: 'Every error envelope has "success": false.',
  },
  {
    name: 'error-data-not-null',
    area: 'errors',
    severity: 'high',
    section: `${API} › Error Response Format`,
    rule: 'Every error envelope has "data": null.',
  },
  {
    name: 'error-http-status-200',
    area: 'errors',
    severity: 'high',
    section: `${SILENT} › Error envelope (HTTP status = first three digits)`,
    rule: 'An error travels with a 4xx/5xx HTTP status, not 200.',
  },
  {
    name: 'amount-over-balance-accepted',
    area: 'money',
    severity: 'critical',
    section: `${API} › 1. Initiate Claim › Error Codes (4091)`,
    rule: 'A claim for more than the available balance is refused with 4091.',
  },
  {
    name: 'negative-amount-accepted',
    area: 'money',
    severity: 'critical',
    section: `${SILENT} › Authentication failures (validation: negative amount → 400)`,
    rule: 'A negative amount is refused with HTTP 400.',
  },
  {
    name: 'get-demands-signature',
    area: 'signature',
    severity: 'high',
    section: `${API} › Authentication › Step 3 › NOTE`,
    rule: 'GET /topup-transactions/:voucherCode needs no x-signature.',
  },
  {
    name: 'detail-stale-balance',
    area: 'detail',
    severity: 'high',
    section: `${API} › 2. Get Voucher Detail Information`,
    rule: "The detail shows the voucher's current remaining balance.",
  },
  {
    name: 'detail-amounts-not-6-places',
    area: 'detail',
    severity: 'medium',
    section: `${API} › 2. Get Voucher Detail › Success Response; ${SILENT} › Money`,
    rule: 'Amounts in responses are decimal strings with 6 places ("50.000000").',
  },
  {
    name: 'detail-expiration-not-iso',
    area: 'detail',
    severity: 'medium',
    section: `${API} › 2. Get Voucher Detail › Response Body Explanations`,
    rule: 'expirationDate is ISO 8601 ("2025-12-21T22:10:17.000Z").',
  },
  {
    name: 'partner-overdraft',
    area: 'money',
    severity: 'critical',
    section: `${API} › 3. Redeem Gift › Error Codes (4093, 4095: reserved balance); sandbox partner API`,
    rule: 'A partner company cannot issue vouchers beyond its reserved balance.',
  },
] as const satisfies readonly DefectInfo[];

export type DefectName = (typeof DEFECTS)[number]['name'];

const NAMES: ReadonlySet<string> = new Set(DEFECTS.map((d) => d.name));

export function listDefects(): readonly DefectInfo[] {
  return DEFECTS;
}

function isDefectName(name: string): name is DefectName {
  return NAMES.has(name);
}

/** Checks names from a command line, a start option or the admin API. */
export function parseDefectNames(names: readonly unknown[]): DefectName[] {
  return names.map((name) => {
    if (typeof name === 'string' && isDefectName(name)) return name;
    throw new HarnessError(
      'SANDBOX_UNKNOWN_DEFECT',
      `unknown defect ${JSON.stringify(name)}; valid names: ${DEFECTS.map((d) => d.name).join(', ')}`,
    );
  });
}

/** The defects switched on now; read at the one place each applies. */
export class ActiveDefects {
  readonly #on = new Set<DefectName>();

  constructor(names: readonly DefectName[] = []) {
    this.replace(names);
  }

  has(name: DefectName): boolean {
    return this.#on.has(name);
  }

  enable(name: DefectName): void {
    this.#on.add(name);
  }

  disable(name: DefectName): void {
    this.#on.delete(name);
  }

  replace(names: readonly DefectName[]): void {
    this.#on.clear();
    for (const name of names) this.#on.add(name);
  }

  list(): DefectName[] {
    return [...this.#on];
  }
}
