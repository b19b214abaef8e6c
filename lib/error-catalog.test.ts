import { describe, expect, it } from 'vitest';
import { API_ERRORS, apiError, documentedPairs, envelopeProblem, errorEnvelope, httpStatusOf, messageOf } from './error-catalog';

describe('error catalog', () => {
  it('holds the 22 distinct codes and 26 endpoint/code pairs of the API document', () => {
    expect(new Set(API_ERRORS.map((e) => e.code)).size).toBe(22);
    expect(API_ERRORS).toHaveLength(22);
    expect(documentedPairs()).toHaveLength(26);
    expect(documentedPairs().filter((p) => p.endpoint === 'initiate-claim').map((p) => p.code)).toEqual([4041, 4042, 4091, 5001, 5002, 5004]);
  });

  it('marks exactly the codes DESIGN.md lists as fault-only', () => {
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
