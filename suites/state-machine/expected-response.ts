/**
 * How the target's answer is held against the model: the HTTP status, `statusCode` and `success`
 * of every answer (a documented code travels with its first three digits as HTTP status, docs/design.md ›
 * Error envelope), and for a detail the remaining balance (exactly, in micro-units) and status.
 * A difference is thrown as a divergence (a CheckFailure): that is how a fast-check command fails.
 */
import { httpStatusOf } from '../../lib/error-catalog';
import { isHarnessError } from '../../lib/errors';
import { formatMoney, moneyFromJson } from '../../lib/money';
import type { Micro } from '../../lib/money';
import type { ApiResponse } from '../../lib/node/http-client';
import { CheckFailure } from '../check';
import type { Outcome, VoucherState } from './voucher-model';
import { voucherStatus } from './voucher-model';

/** A step's answer differs from the model's: the run fails; the runner adds the run's exchanges as evidence. */
export const divergence = (label: string, message: string): CheckFailure => new CheckFailure(`${label}: ${message}`);

const envelope = (res: ApiResponse) => (res.json ?? {}) as { statusCode?: unknown; success?: unknown; data?: unknown };

function answered(res: ApiResponse): string {
  const { statusCode, success } = envelope(res);
  return `HTTP ${res.status}, statusCode ${JSON.stringify(statusCode)}, success ${JSON.stringify(success)}`;
}

export function describeOutcome(outcome: Outcome): string {
  if (outcome.kind === 'ok') return 'HTTP 200, statusCode 200, success true';
  return outcome.codes.map((code) => `HTTP ${httpStatusOf(code)}, statusCode ${code}, success false`).join(' or ');
}

function matches(outcome: Outcome, res: ApiResponse): boolean {
  const { statusCode, success } = envelope(res);
  if (outcome.kind === 'ok') return res.status === 200 && statusCode === 200 && success === true;
  return outcome.codes.some((code) => res.status === httpStatusOf(code) && statusCode === code && success === false);
}

export function expectOutcome(label: string, outcome: Outcome, res: ApiResponse): void {
  if (!matches(outcome, res)) throw divergence(label, `expected ${describeOutcome(outcome)}; got ${answered(res)}`);
}

/** An amount field of an answer in micro-units; one that is not an amount is a divergence. */
export function amountField(label: string, value: unknown, field: string): Micro {
  try {
    return moneyFromJson(value, field);
  } catch (err) {
    if (isHarnessError(err)) throw divergence(label, `${field} is not an amount: ${err.message}`);
    throw err;
  }
}

/** A voucher detail against the model: remainingBalance and status (2. Get Voucher Detail Information). */
export function expectDetail(label: string, model: VoucherState, res: ApiResponse): void {
  expectOutcome(label, { kind: 'ok' }, res);
  const voucher =
    (envelope(res).data as { voucher?: { remainingBalance?: unknown; status?: unknown } } | undefined)?.voucher ?? {};
  const remaining = amountField(label, voucher.remainingBalance, 'remainingBalance');
  const expected = { remaining: model.remaining, status: voucherStatus(model) };
  if (remaining !== expected.remaining || voucher.status !== expected.status) {
    throw divergence(
      label,
      `expected remainingBalance ${formatMoney(expected.remaining)} and status ${expected.status}; got ${JSON.stringify(voucher.remainingBalance)} and ${JSON.stringify(voucher.status)}`,
    );
  }
}
