import { describe, expect, it } from 'vitest';
import {
  API_ERRORS,
  apiError,
  canProvokeFromOutside,
  documentedPairs,
  envelopeProblem,
  errorEnvelope,
  httpStatusOf,
  isApiErrorCode,
  messageOf,
} from './error-catalog';

describe('error catalog', () => {
  it('holds the 22 distinct codes and 26 endpoint/code pairs of the API document', () => {
    expect(new Set(API_ERRORS.map((e) => e.code)).size).toBe(22);
    expect(API_ERRORS).toHaveLength(22);
    expect(documentedPairs()).toHaveLength(26);
    expect(
      documentedPairs()
        .filter((p) => p.endpoint === 'initiate-claim')
        .map((p) => p.code),
    ).toEqual([4041, 4042, 4091, 5001, 5002, 5004]);
  });

  it('marks exactly the codes docs/design.md lists as fault-only', () => {
    const faults = API_ERRORS.filter((e) => e.provocation === 'fault').map((e) => e.code);
    expect(faults).toEqual([4092, 4093, 4094, 4095, 5001, 5002, 5003, 5004, 5031]);
  });

  it('maps a four-digit code to its first three digits as the HTTP status', () => {
    expect(httpStatusOf(4041)).toBe(404);
    expect(httpStatusOf(4091)).toBe(409);
    expect(httpStatusOf(5031)).toBe(503);
    expect(httpStatusOf(401)).toBe(401);
  });

  it('keeps the documented messages', () => {
    expect(apiError(4035).message).toBe('The provided verification code is incorrect');
    expect(messageOf(5031, 'telebirr timeout')).toBe('Transfer failed: telebirr timeout');
  });

  it('tells a well-formed envelope from broken ones', () => {
    expect(envelopeProblem(errorEnvelope(4041, 'No voucher found with specified code'))).toBeUndefined();
    expect(envelopeProblem({ statusCode: 4041, success: true, message: 'x', data: null })).toMatch(/success/);
    expect(envelopeProblem({ statusCode: 4041, success: false, message: 'x', data: {} })).toMatch(/data/);
    expect(envelopeProblem({ statusCode: 4041, success: false, message: 'x' })).toMatch(/data/);
    expect(envelopeProblem({ statusCode: '4041', success: false, message: 'x', data: null })).toMatch(/statusCode/);
    expect(envelopeProblem({ statusCode: 4041, success: false, message: '', data: null })).toMatch(/message/);
    expect(envelopeProblem([])).toMatch(/object/);
  });
});

// Found weak by mutation testing (npm run mutants:lib): the guards below were only partly pinned.
describe('error catalog helpers, exactly', () => {
  it('knows a documented code only as a number', () => {
    expect(isApiErrorCode(4041)).toBe(true);
    expect(isApiErrorCode(4040)).toBe(false);
    expect(isApiErrorCode('4041')).toBe(false);
  });

  it('takes three-digit statuses as they are, from 1000 on the first three digits', () => {
    expect(httpStatusOf(999)).toBe(999);
    expect(httpStatusOf(1000)).toBe(100);
  });

  it('fills 5031 with a default provider message, and leaves other messages alone', () => {
    expect(messageOf(5031)).toBe('Transfer failed: provider unavailable');
    expect(messageOf(4041, 'ignored')).toBe('No voucher found with specified code');
  });

  it('can provoke from outside exactly the request-provoked codes', () => {
    expect(canProvokeFromOutside(4041)).toBe(true);
    expect(canProvokeFromOutside(4044)).toBe(false); // state
    expect(canProvokeFromOutside(5004)).toBe(false); // fault
  });

  it('builds the documented envelope', () => {
    expect(errorEnvelope(4041, 'm')).toEqual({ statusCode: 4041, success: false, message: 'm', data: null });
  });

  it('names each way an envelope can be broken', () => {
    const ok = errorEnvelope(4041, 'm');
    expect(envelopeProblem(null)).toBe('the body is not a JSON object');
    expect(envelopeProblem('{}')).toBe('the body is not a JSON object');
    expect(envelopeProblem({ ...ok, statusCode: 404.5 })).toBe('"statusCode" is not an integer');
    expect(envelopeProblem({ ...ok, success: 'false' })).toBe('"success" is not false');
    expect(envelopeProblem({ ...ok, message: 7 })).toBe('"message" is not a non-empty string');
    expect(envelopeProblem({ ...ok, message: '' })).toBe('"message" is not a non-empty string');
    expect(envelopeProblem({ ...ok, data: undefined })).toBe('"data" is not null');
    expect(envelopeProblem({ statusCode: 1, success: false, message: 'm' })).toBe('"data" is not null');
  });
});
