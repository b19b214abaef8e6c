/**
 * Every error code in the two error tables of the OmniVAS merchant API v1.0 (Gift Voucher
 * Redemption › 1. Initiate Claim › Error Codes, and › 3. Redeem Gift › Error Codes):
 * 22 distinct codes, 26 endpoint/code pairs.
 */

export type ApiErrorCode =
  | 4031
  | 4032
  | 4033
  | 4034
  | 4035
  | 4036
  | 4041
  | 4042
  | 4043
  | 4044
  | 4045
  | 4091
  | 4092
  | 4093
  | 4094
  | 4095
  | 4096
  | 5001
  | 5002
  | 5003
  | 5004
  | 5031;

/** The endpoints whose tables list codes; initiate-claim's table also covers the initiate-redeem alias. */
export type CodedEndpoint = 'initiate-claim' | 'redeem-gift';

/**
 * How a code can be provoked:
 * - `request`: by a sequence of ordinary API calls against a voucher the tester holds;
 * - `state`: needs server state only an administrator can arrange (a deleted merchant, a
 *   disabled partner company, a balance changed under a pending claim): the sandbox's admin API can;
 * - `fault`: an internal failure no outside request can cause: the sandbox injects it.
 */
export type Provocation = 'request' | 'state' | 'fault';

export interface ApiErrorEntry {
  readonly code: ApiErrorCode;
  readonly message: string;
  readonly endpoints: readonly CodedEndpoint[];
  readonly provocation: Provocation;
  /** What makes the sandbox (and a faithful server) answer with it. */
  readonly cause: string;
}

const I: CodedEndpoint = 'initiate-claim';
const R: CodedEndpoint = 'redeem-gift';

export const API_ERRORS: readonly ApiErrorEntry[] = [
  {
    code: 4031,
    message: 'The given voucher is restricted. Merchant cannot be changed for this voucher',
    endpoints: [R],
    provocation: 'request',
    cause: 'the voucher is restricted to another merchant',
  },
  {
    code: 4032,
    message: 'Voucher is already redeemed',
    endpoints: [R],
    provocation: 'request',
    cause: 'redeem on a voucher whose status is REDEEMED',
  },
  {
    code: 4033,
    message: 'Verification code is missing',
    endpoints: [R],
    provocation: 'request',
    cause: 'redeem without verificationCode (or an empty one)',
  },
  {
    code: 4034,
    message: 'No voucher redemption process initiated',
    endpoints: [R],
    provocation: 'request',
    cause: 'redeem with no pending claim on the voucher, or only expired ones',
  },
  {
    code: 4035,
    message: 'The provided verification code is incorrect',
    endpoints: [R],
    provocation: 'request',
    cause: 'redeem with an OTP that matches no pending claim',
  },
  {
    code: 4036,
    message: 'Voucher expiration date has passed',
    endpoints: [R],
    provocation: 'request',
    cause: 'redeem on a voucher past its expirationDate',
  },
  {
    code: 4041,
    message: 'No voucher found with specified code',
    endpoints: [I, R],
    provocation: 'request',
    cause: 'a voucher code that does not exist',
  },
  {
    code: 4042,
    message: 'Voucher is already redeemed',
    endpoints: [I],
    provocation: 'request',
    cause: 'initiate on a voucher whose status is REDEEMED',
  },
  {
    code: 4043,
    message: 'No merchant found with the given ID',
    endpoints: [R],
    provocation: 'state',
    cause: 'the merchant behind a still-valid token was removed',
  },
  {
    code: 4044,
    message: 'Voucher balance is insufficient for transaction',
    endpoints: [R],
    provocation: 'state',
    cause: "the claim's amount exceeds the remaining balance at redemption (the balance changed under a pending claim)",
  },
  {
    code: 4045,
    message: 'Specified partner company is not available',
    endpoints: [R],
    provocation: 'state',
    cause: "the voucher's issuing partner company is disabled",
  },
  {
    code: 4091,
    message: 'Amount exceeds voucher balance',
    endpoints: [I, R],
    provocation: 'request',
    cause: 'initiate asks for more than the available (unreserved) balance; on redeem, an injected fault',
  },
  {
    code: 4092,
    message: 'Transaction mismatch error. Please retry',
    endpoints: [R],
    provocation: 'fault',
    cause: 'an internal transaction mismatch',
  },
  {
    code: 4093,
    message: 'Reserved balance update failed. Please contact support',
    endpoints: [R],
    provocation: 'fault',
    cause: 'an internal reserved-balance update failure',
  },
  {
    code: 4094,
    message: 'Redemption record creation failed',
    endpoints: [R],
    provocation: 'fault',
    cause: 'an internal redemption-record failure',
  },
  {
    code: 4095,
    message: 'Reserved balance debit from company failed',
    endpoints: [R],
    provocation: 'fault',
    cause: "an internal failure debiting the partner company's reserved balance",
  },
  {
    code: 4096,
    message: 'Remaining balance cannot be negative after service fee deduction',
    endpoints: [R],
    provocation: 'request',
    cause: 'amount + service fee exceeds the remaining balance at redemption',
  },
  {
    code: 5001,
    message: 'Error fetching merchant service fee',
    endpoints: [I],
    provocation: 'fault',
    cause: 'an internal failure reading the service fee',
  },
  {
    code: 5002,
    message: 'Failed to update voucher status',
    endpoints: [I, R],
    provocation: 'fault',
    cause: 'an internal failure writing the voucher status',
  },
  {
    code: 5003,
    message: 'Failed to queue SMS notification',
    endpoints: [R],
    provocation: 'fault',
    cause: 'an internal SMS queue failure',
  },
  {
    code: 5004,
    message: 'Database transaction failed',
    endpoints: [I, R],
    provocation: 'fault',
    cause: 'an internal database failure',
  },
  {
    code: 5031,
    message: 'Transfer failed: [Provider error message]',
    endpoints: [R],
    provocation: 'fault',
    cause: 'the payment provider refused the transfer',
  },
];

const BY_CODE = new Map<number, ApiErrorEntry>(API_ERRORS.map((e) => [e.code, e]));

export function apiError(code: ApiErrorCode): ApiErrorEntry {
  return BY_CODE.get(code)!;
}

export function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'number' && BY_CODE.has(code);
}

/** A documented four-digit code travels with its first three digits as the HTTP status (docs/design.md). */
export function httpStatusOf(code: number): number {
  return code >= 1000 ? Math.floor(code / 10) : code;
}

/** 5031's documented message carries the provider's text in place of the placeholder. */
export function messageOf(code: ApiErrorCode, providerMessage = 'provider unavailable'): string {
  return apiError(code).message.replace('[Provider error message]', providerMessage);
}

/** Every documented (endpoint, code) pair: the unit of error-code coverage. */
export function documentedPairs(): { endpoint: CodedEndpoint; code: ApiErrorCode }[] {
  return API_ERRORS.flatMap((e) => e.endpoints.map((endpoint) => ({ endpoint, code: e.code })));
}

export function canProvokeFromOutside(code: ApiErrorCode): boolean {
  return apiError(code).provocation === 'request';
}

/** The documented error envelope: `{statusCode, success: false, message, data: null}`. */
export interface ErrorEnvelope {
  readonly statusCode: number;
  readonly success: false;
  readonly message: string;
  readonly data: null;
}

export function errorEnvelope(statusCode: number, message: string): ErrorEnvelope {
  return { statusCode, success: false, message, data: null };
}

/** Why a parsed response body is not a well-formed error envelope, or undefined when it is. */
export function envelopeProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body is not a JSON object';
  const b = body as Record<string, unknown>;
  if (!Number.isInteger(b.statusCode)) return '"statusCode" is not an integer';
  if (b.success !== false) return '"success" is not false';
  if (typeof b.message !== 'string' || b.message === '') return '"message" is not a non-empty string';
  if (!('data' in b) || b.data !== null) return '"data" is not null';
  return undefined;
}
