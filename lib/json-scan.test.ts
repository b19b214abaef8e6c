import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHarnessError } from './errors';
import { childPath, scanJson, stringUnits, type JsonNode } from './json-scan';

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** True when scanJson accepts; a refusal must be a HarnessError INVALID_JSON, nothing else. */
const scans = (text: string): boolean => {
  try {
    scanJson(text);
    return true;
  } catch (err) {
    if (!isHarnessError(err) || err.code !== 'INVALID_JSON') throw err;
    return false;
  }
};

// Characters that matter to a JSON parser, plus look-alikes JSON.parse refuses (NBSP, BOM, U+2028 outside strings).
const jsonChar = fc.constantFrom(
  ...'{}[],:"\\/ \t\n\r-+.0123456789eEtrufalsnbx'.split(''),
  '\u00a0',
  '\ufeff',
  '\u2028',
  '\ud800',
  '\u0000',
  '\u001f',
  '\u00e9',
);
// Any UTF-16 code point, lone surrogates included (fast-check's 'binary' unit leaves those out).
const anyChar = fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp));
const mutation = fc.record({
  at: fc.nat(),
  drop: fc.nat({ max: 2 }),
  insert: fc.string({ unit: fc.oneof(jsonChar, anyChar), maxLength: 3 }),
});
const mutate = (text: string, m: { at: number; drop: number; insert: string }): string => {
  const at = m.at % (text.length + 1);
  return text.slice(0, at) + m.insert + text.slice(at + m.drop);
};

describe('scanJson accepts exactly what JSON.parse accepts', () => {
  it('over random strings of JSON-significant and arbitrary characters', () => {
    const unit = fc.oneof({ arbitrary: jsonChar, weight: 9 }, { arbitrary: anyChar, weight: 1 });
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 30 }), (text) => scans(text) === parses(text)),
      { numRuns: 3000 },
    );
  });

  it('over mutated valid JSON', () => {
    const text = fc.oneof(
      fc.json(),
      fc.jsonValue({ stringUnit: 'binary' }).map((v) => JSON.stringify(v, null, 1)),
    );
    fc.assert(
      fc.property(text, fc.array(mutation, { minLength: 1, maxLength: 3 }), (valid, ms) => {
        const mutated = ms.reduce(mutate, valid);
        return scans(mutated) === parses(mutated);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['', false],
    [' ', false],
    ['01', false],
    ['-', false],
    ['1.', false],
    ['.5', false],
    ['1e', false],
    ['+1', false],
    ['"\\x"', false],
    ['"\t"', false],
    ['"\\u12"', false],
    ['"\\u12G4"', false],
    ['\ufeff{}', false],
    ['[1,]', false],
    ['{"a":1,}', false],
    ['{,}', false],
    ['nul', false],
    ['true false', false],
    ['\u00a0 1', false],
    ['{"a" 1}', false],
    ['{1:2}', false],
    ['[1 2]', false],
    ['"abc', false],
    ['{"a":1]', false],
    ['[}', false],
    ['"\\U0041"', false],
    ['"\u2028"', true],
    ['"\ud800"', true],
    ['"\\ud800"', true],
    [' 1\n', true],
    ['-0', true],
    ['1E+2', true],
    ['-0.0e-0', true],
    ['{}', true],
    ['[]', true],
    ['{ }', true],
    ['[ ]', true],
    ['"\\/\\b\\f\\n\\r\\t\\"\\\\"', true],
    ['{"a":[{"b":null}]}', true],
  ])('%j → %s', (text, valid) => {
    expect(parses(text)).toBe(valid); // the table itself is checked against the engine
    expect(scans(text)).toBe(valid);
  });

  it('takes nesting as deep as JSON.parse does, without recursion', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(parses(deep)).toBe(true);
    expect(scans(deep)).toBe(true);
    expect(scans(deep.slice(1))).toBe(false);
  });
});

describe('scanJson errors', () => {
  const message = (text: string): string => {
    try {
      scanJson(text, 'payload');
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('expected a failure');
  };

  it('names the field, line, column and offset', () => {
    expect(message('{"a" 1}')).toBe(
      `"payload" is not valid JSON: expected ':' after the key at line 1 column 6 (offset 5), near "1}"`,
    );
    expect(message('{"a":\n  1\n  "b":2}')).toMatch(
      /^"payload" is not valid JSON: expected ',' or '}' at line 3 column 3 \(offset 12\)/,
    );
    expect(message('[1,')).toBe(
      '"payload" is not valid JSON: expected a value, but the input ends at line 1 column 4 (offset 3)',
    );
    expect(message('"a\u0001"')).toMatch(/control character \(U\+0001\)/);
  });

  it('echoes at most 40 characters of the body', () => {
    const secret = 's'.repeat(200);
    expect(message(`{"apiKey":"${secret}"x}`)).not.toContain('s'.repeat(41));
    expect(message(`{"apiKey":"${secret}`)).not.toContain('s'.repeat(41));
  });
});

describe('scanJson nodes', () => {
  it('records paths, spans and duplicate members', () => {
    const text = '{"items":[1,{"name":"x"}],"a b":true,"items":null}';
    const { root, whitespaceAt } = scanJson(text);
    expect(whitespaceAt).toBeUndefined();
    if (root.type !== 'object') throw new Error('expected an object');
    expect(root.members.map((m) => [m.key, text.slice(m.keySpan.start, m.keySpan.end), m.value.path])).toEqual([
      ['items', '"items"', '$.items'],
      ['a b', '"a b"', '$["a b"]'],
      ['items', '"items"', '$.items'],
    ]);
    const items = root.members[0]!.value;
    if (items.type !== 'array') throw new Error('expected an array');
    const name = items.items[1]!;
    if (name.type !== 'object') throw new Error('expected an object');
    expect(name.members[0]!.value).toMatchObject({ type: 'string', path: '$.items[1].name' });
    expect(text.slice(name.start, name.end)).toBe('{"name":"x"}');
  });

  it('finds the first insignificant whitespace', () => {
    expect(scanJson('[1, 2]').whitespaceAt).toBe(3);
    expect(scanJson('" a "').whitespaceAt).toBeUndefined();
  });

  it('gives every value a span JSON.parse reads back as the value at its path', () => {
    const check = (text: string, node: JsonNode, value: unknown, path: string): void => {
      expect(node.path).toBe(path);
      expect(JSON.parse(text.slice(node.start, node.end))).toEqual(value);
      if (node.type === 'object') {
        expect(node.members.map((m) => m.key)).toEqual(Object.keys(value as object));
        for (const m of node.members)
          check(text, m.value, (value as Record<string, unknown>)[m.key], childPath(path, m.key));
      }
      if (node.type === 'array')
        node.items.forEach((item, i) => check(text, item, (value as unknown[])[i], childPath(path, i)));
    };
    const text = fc.oneof(
      fc.json(),
      fc.jsonValue({ stringUnit: 'binary' }).map((v) => JSON.stringify(v, null, 2)),
    );
    fc.assert(fc.property(text, (t) => check(t, scanJson(t).root, JSON.parse(t), '$')));
  });

  it('decodes string units with the text that spelled each', () => {
    const text = '"a\\n\\u00e9\\/\ud800"';
    expect(stringUnits(text, { start: 0, end: text.length }).map((u) => [u.unit, text.slice(u.start, u.end)])).toEqual([
      [0x61, 'a'],
      [0x0a, '\\n'],
      [0xe9, '\\u00e9'],
      [0x2f, '\\/'],
      [0xd800, '\ud800'],
    ]);
  });
});

describe('childPath', () => {
  it.each([
    ['$', 'amount', '$.amount'],
    ['$.items', 2, '$.items[2]'],
    ['$.items[2]', 'name', '$.items[2].name'],
    ['$', 'a b', '$["a b"]'],
    ['$', '1', '$["1"]'],
    ['$', '', '$[""]'],
    ['$', 'q"', '$["q\\""]'],
    ['$', '_$x9', '$._$x9'],
  ])('%s + %j → %s', (parent, key, path) => expect(childPath(parent, key)).toBe(path));
});
