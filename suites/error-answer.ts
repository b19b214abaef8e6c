/**
 * The one verifier of an error answer, for every documented code: the envelope of the Error
 * Response Format (`{statusCode, success: false, message, data: null}`), the code, and the
 * message of the endpoint's Error Codes table. The HTTP status is judged apart (httpStatusProblem),
 * because it is a docs/design.md assumption, not a document rule.
 */
import { apiError, envelopeProblem, httpStatusOf, isApiErrorCode } from '../lib/error-catalog';
import type { ApiErrorCode } from '../lib/error-catalog';
import { describeValue } from '../lib/errors';
import type { ApiResponse } from '../lib/node/http-client';
import { apiCodeOf } from './api-answer';
import { describeAnswer } from './merchant-steps';

/** The table's placeholder, e.g. 5031's "Transfer failed: [Provider error message]". */
const PLACEHOLDER = /\[[^\]]+\]/;

/** Whether `message` is the documented one; a placeholder stands for any non-empty text. */
export function documentedMessageMatches(code: ApiErrorCode, message: string): boolean {
  const documented = apiError(code).message;
  const placeholder = PLACEHOLDER.exec(documented);
  if (!placeholder) return message === documented;
  const before = documented.slice(0, placeholder.index);
  const after = documented.slice(placeholder.index + placeholder[0].length);
  return message.length > before.length + after.length && message.startsWith(before) && message.endsWith(after);
}

/** Why `res` is not the documented error `code`, or undefined when it is. */
export function documentedErrorProblem(res: ApiResponse, code: ApiErrorCode): string | undefined {
  const body = res.json as { statusCode?: unknown; message?: unknown } | undefined;
  if (apiCodeOf(res) !== code)
    return `expected statusCode ${code} ("${apiError(code).message}"), got ${describeAnswer(res)}${typeof body?.message === 'string' ? ` saying ${JSON.stringify(body.message.slice(0, 160))}` : ''}`;
  const envelope = envelopeProblem(body);
  if (envelope !== undefined) return `the ${code} answer is not the documented error envelope: ${envelope}`;
  const message = body!.message as string;
  if (!documentedMessageMatches(code, message))
    return `the ${code} message is ${JSON.stringify(message.slice(0, 160))}, the document says "${apiError(code).message}"`;
  return undefined;
}

/**
 * docs/design.md › Error envelope: a documented four-digit code travels with its first three digits
 * as HTTP status. Judged on the code the answer carries: an answer without a documented code (a
 * success where a refusal was due) is the pair check's failure, not a status mapping's.
 */
export function httpStatusProblem(res: ApiResponse): string | undefined {
  const code = apiCodeOf(res);
  if (!isApiErrorCode(code)) return undefined;
  const expected = httpStatusOf(code);
  return res.status === expected
    ? undefined
    : `statusCode ${code} came with HTTP ${res.status}, expected HTTP ${expected} (its first three digits)`;
}

/**
 * docs/design.md › validation errors and Error envelope: an undocumented error has the HTTP status
 * as its statusCode, in the same envelope.
 */
export function validationErrorProblem(res: ApiResponse, expectedStatus: number): string | undefined {
  if (res.status !== expectedStatus) return `answered ${describeAnswer(res)}, expected HTTP ${expectedStatus}`;
  const envelope = envelopeProblem(res.json);
  if (envelope !== undefined) return `the HTTP ${expectedStatus} answer is not the error envelope: ${envelope}`;
  const code = apiCodeOf(res);
  return code === expectedStatus
    ? undefined
    : `"statusCode" is ${describeValue(code)}, expected ${expectedStatus} (the HTTP status, for an undocumented error)`;
}
