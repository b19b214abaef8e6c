/**
 * Reading GET /topup-transactions/:voucherCode (merchant API v1.0 › Gift Voucher Redemption ›
 * 2. Get Voucher Detail Information). Reading is lenient about the amounts' spelling, so that a
 * check on the balance fails for the balance and a check on the format for the format.
 */
import { describeValue, isHarnessError } from '../lib/errors';
import { formatMoney, moneyFromJson } from '../lib/money';
import type { Micro } from '../lib/money';
import type { ApiResponse } from '../lib/node/http-client';
import type { AmountFormat } from '../lib/target-config';
import { notApplicable } from './context';
import { evidenceOf } from './evidence';
import type { Flow } from './merchant-steps';
import { describeAnswer, refuseStep, sendDetail } from './merchant-steps';

/** The values the document's voucher table names ("e.g., ACTIVE, REDEEM_INITIATED, REDEEMED"). */
export const VOUCHER_STATUSES: readonly string[] = ['ACTIVE', 'REDEEM_INITIATED', 'REDEEMED'];

const MONEY_FIELDS = ['amount', 'remainingBalance', 'serviceFee'] as const;
export type MoneyField = (typeof MONEY_FIELDS)[number];

export interface VoucherDetail {
  readonly id: number;
  readonly code: string;
  readonly serialNumber: string;
  readonly amount: Micro;
  readonly remainingBalance: Micro;
  readonly serviceFee: Micro;
  readonly status: string;
  readonly expirationDate: string;
  /** The amounts as the target spelled them, for the format checks. */
  readonly wire: Readonly<Record<MoneyField, unknown>>;
}

type Json = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function money(value: unknown, field: string, problems: string[]): Micro {
  try {
    return moneyFromJson(value, field);
  } catch (err) {
    if (!isHarnessError(err)) throw err;
    problems.push(`"${field}" is ${describeValue(value)}, not an amount`);
    return 0n;
  }
}

function typed<T>(
  value: unknown,
  field: string,
  what: string,
  test: (v: unknown) => v is T,
  problems: string[],
): T | undefined {
  if (test(value)) return value;
  problems.push(`"${field}" expected ${what}, got ${describeValue(value)}`);
  return undefined;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isInteger = (v: unknown): v is number => Number.isInteger(v);

/** The success envelope and the fields of 2. Get Voucher Detail › Success Response, or what is wrong with them. */
export function readVoucherDetail(res: ApiResponse): { detail: VoucherDetail } | { problems: string[] } {
  const body = res.json;
  if (res.status !== 200) return { problems: [`answered ${describeAnswer(res)}, expected HTTP 200`] };
  if (!isObject(body)) return { problems: ['the body is not a JSON object'] };
  const problems: string[] = [];
  if (body.statusCode !== 200) problems.push(`"statusCode" expected 200, got ${describeValue(body.statusCode)}`);
  if (body.success !== true) problems.push(`"success" expected true, got ${describeValue(body.success)}`);
  if (typeof body.message !== 'string' || body.message === '')
    problems.push(`"message" expected a non-empty string, got ${describeValue(body.message)}`);
  const data = body.data;
  const voucher = isObject(data) ? data.voucher : undefined;
  if (!isObject(data) || !isObject(voucher)) return { problems: [...problems, '"data.voucher" is not an object'] };
  const id = typed(voucher.id, 'data.voucher.id', 'a number', isInteger, problems);
  const code = typed(voucher.code, 'data.voucher.code', 'a string', isString, problems);
  const serialNumber = typed(voucher.serialNumber, 'data.voucher.serialNumber', 'a string', isString, problems);
  const status = typed(voucher.status, 'data.voucher.status', 'a string', isString, problems);
  const expirationDate = typed(voucher.expirationDate, 'data.voucher.expirationDate', 'a string', isString, problems);
  const wire = { amount: voucher.amount, remainingBalance: voucher.remainingBalance, serviceFee: data.serviceFee };
  const amount = money(wire.amount, 'data.voucher.amount', problems);
  const remainingBalance = money(wire.remainingBalance, 'data.voucher.remainingBalance', problems);
  const serviceFee = money(wire.serviceFee, 'data.serviceFee', problems);
  if (
    problems.length > 0 ||
    id === undefined ||
    code === undefined ||
    serialNumber === undefined ||
    status === undefined ||
    expirationDate === undefined
  )
    return { problems };
  return { detail: { id, code, serialNumber, amount, remainingBalance, serviceFee, status, expirationDate, wire } };
}

const FORMATS: Readonly<Record<AmountFormat, { test: (v: unknown) => boolean; what: string }>> = {
  // docs/design.md › Money: "amounts in responses are decimal strings with 6 places ("50.000000")".
  'decimal-6': {
    test: (v) => typeof v === 'string' && /^\d+\.\d{6}$/.test(v),
    what: 'a decimal string with exactly 6 places, such as "50.000000"',
  },
  decimal: {
    test: (v) => typeof v === 'string' && /^\d+(?:\.\d+)?$/.test(v),
    what: 'a decimal string, such as "50.5"',
  },
  number: { test: (v) => typeof v === 'number' && Number.isFinite(v), what: 'a JSON number' },
};

/** Each amount not spelled as the target's `amountFormat` expectation says. */
export function amountFormatProblems(detail: VoucherDetail, format: AmountFormat): string[] {
  const { test, what } = FORMATS[format];
  return MONEY_FIELDS.filter((field) => !test(detail.wire[field])).map(
    (field) => `"${field}" is ${describeValue(detail.wire[field])}, expected ${what}`,
  );
}

/** ISO 8601 date and time with a zone, as the document's example "2025-12-21T22:10:17.000Z". */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

export function iso8601Problem(value: string): string | undefined {
  if (ISO_8601.test(value) && !Number.isNaN(Date.parse(value))) return undefined;
  return `"expirationDate" is ${describeValue(value)}, not an ISO 8601 date-time such as "2025-12-21T22:10:17.000Z"`;
}

/** The detail as a step: recorded, and a check's failure when it cannot be read. */
export async function detailStep(flow: Flow, voucherCode: string, label = 'voucher detail'): Promise<VoucherDetail> {
  const res = await sendDetail(flow, voucherCode);
  flow.trail.push(evidenceOf(label, res));
  const read = readVoucherDetail(res);
  if ('detail' in read) return read.detail;
  return refuseStep(flow, `${label}: ${read.problems.join('; ')}`);
}

/** What can be redeemed so that nothing is left: the balance less the fee (CHECK_NOT_APPLICABLE when that is nothing). */
export function spendableToZero(detail: VoucherDetail): Micro {
  const amount = detail.remainingBalance - detail.serviceFee;
  if (amount <= 0n) {
    throw notApplicable(
      `voucher ${detail.code} holds ${formatMoney(detail.remainingBalance)}, no more than the service fee ${formatMoney(detail.serviceFee)}, so it cannot be spent to zero; list a fresh test voucher in the target file`,
    );
  }
  return amount;
}
