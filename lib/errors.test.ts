import { describe, expect, it } from 'vitest';
import { HARNESS_ERROR_CODES, HarnessError, describeValue, isHarnessError } from './errors';

describe('HarnessError', () => {
  it('carries its code, message, name and cause', () => {
    const cause = new Error('root');
    const err = new HarnessError('INVALID_JSON', 'bad body', { cause });
    expect([err.name, err.code, err.message, err.cause]).toEqual(['HarnessError', 'INVALID_JSON', 'bad body', cause]);
    expect(err).toBeInstanceOf(Error);
  });
});

// Matched by shape because lib/ is loaded more than once (Node and the k6 bundles): each condition
// of the shape must hold on its own, so each is tested alone.
describe('isHarnessError', () => {
  it('accepts a HarnessError, and a plain object of the same shape from another copy of lib/', () => {
    expect(isHarnessError(new HarnessError('INTERNAL', 'x'))).toBe(true);
    expect(isHarnessError({ name: 'HarnessError', code: 'KEY_GARBAGE', message: 'x' })).toBe(true);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'HarnessError'],
    ['a plain Error', new Error('x')],
    ['another name', { name: 'TypeError', code: 'INTERNAL' }],
    ['no code', { name: 'HarnessError' }],
    ['a code that is not a string', { name: 'HarnessError', code: 1 }],
    ['a code in an array (it would pass as a property name)', { name: 'HarnessError', code: ['INTERNAL'] }],
    ['a code not in the table', { name: 'HarnessError', code: 'NOPE' }],
    ['a code inherited from Object.prototype', { name: 'HarnessError', code: 'toString' }],
  ])('refuses %s', (_, value) => {
    expect(isHarnessError(value)).toBe(false);
  });

  it('knows every code in the table', () => {
    for (const code of Object.keys(HARNESS_ERROR_CODES))
      expect(isHarnessError({ name: 'HarnessError', code })).toBe(true);
  });
});

describe('describeValue', () => {
  it.each([
    ['a short string, quoted', 'abc', '"abc"'],
    ['a 40-character string, in full', 'k'.repeat(40), `"${'k'.repeat(40)}"`],
    ['a longer string, by length only (it may be a secret)', 's'.repeat(41), 'a string of 41 characters'],
    ['null', null, 'null'],
    ['an array', [1, 2], 'an array'],
    ['a bigint', 12n, '12n'],
    ['a number', -1.5, '-1.5'],
    ['NaN', Number.NaN, 'NaN'],
    ['a boolean', true, 'type=boolean'],
    ['an object', { secret: 'x' }, 'type=object'],
    ['undefined', undefined, 'type=undefined'],
  ])('describes %s', (_, value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});
