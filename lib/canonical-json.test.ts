import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalBody,
  canonicalize,
  describeFinding,
  diagnoseBody,
  diagnoseSignedString,
  type BodyFinding,
} from './canonical-json';
import { childPath } from './json-scan';
import { seededRandom, type RandomSource } from './random';
import { thrownHarnessError } from './testing/thrown-harness-error';

// ── generators and oracles ──────────────────────────────────────────────────────────────────

/** Any code point, lone surrogates included (fast-check's 'binary' unit leaves those out), plus the characters JSON escapes. */
const anyUnit = fc.oneof(
  fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
  fc.constantFrom('"', '\\', '/', '\n', '\u0000', '\u001f', '\u007f', '\u00e9', '\u2028', '😀', '\ud800', '\udc00'),
);
const values = fc.oneof(fc.jsonValue(), fc.jsonValue({ stringUnit: anyUnit }), fc.jsonValue({ stringUnit: 'binary' }));
const compact = (v: unknown): string => JSON.stringify(v);
const pretty = (v: unknown): string => JSON.stringify(v, null, 2);

/**
 * Python's json.dumps(v, separators=(',', ':')) with its default ensure_ascii=True: every code unit
 * above 0x7e becomes a lowercase \uXXXX, a surrogate pair two of them. Numbers are written as
 * JavaScript does, so the only deviation from JSON.stringify is the escaping.
 */
const pythonDump = (v: unknown): string =>
  compact(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const texts = fc.oneof(fc.json(), values.map(compact), values.map(pretty), values.map(pythonDump));

/** Comparable identity of a finding: kind, path and key. */
const idOf = (kind: string, path = '', key = ''): string => JSON.stringify([kind, path, key]);
const ids = (findings: readonly BodyFinding[]): Set<string> =>
  new Set(findings.map((f) => idOf(f.kind, 'path' in f ? f.path : '', 'key' in f ? f.key : '')));

/** The same number with its digits shifted into the exponent: an exact respelling, never JSON.stringify's. */
function exactRespelling(canonical: string, zeros: number, upperE: boolean): string {
  const [, sign = '', int = '', frac = '', exp = '0'] = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(canonical) ?? [];
  const digits = (int + frac).replace(/^0+(?=\d)/, '');
  const shift = digits === '0' ? 0 : zeros; // "00" would not be JSON
  return `${sign}${digits}${'0'.repeat(shift)}${upperE ? 'E' : 'e'}${Number(exp) - frac.length - shift}`;
}

/** The same double with digits past what a double keeps: JSON.parse rounds them away. */
const withLostDigits = (canonical: string): string =>
  canonical.replace(/^(-?\d+)(\.\d+)?/, (_, int: string, frac = '.') => `${int}${frac}${'0'.repeat(20)}1`);

type Deviation = 'whitespace' | 'escape' | 'number' | 'duplicate' | 'shuffle';
const ALL_DEVIATIONS: ReadonlySet<Deviation> = new Set(['whitespace', 'escape', 'number', 'duplicate', 'shuffle']);

/**
 * Writes a value as JSON with random deviations from JSON.stringify's spelling, and records the
 * finding each one should produce: the oracle for diagnoseBody and diagnoseSignedString.
 */
class Respeller {
  /** Findings diagnoseBody should report for the document. */
  readonly expected = new Set<string>();
  /** Objects whose members were written in another order than JSON.stringify(value) writes them. */
  private readonly reordered = new Set<string>();
  constructor(
    private readonly rng: RandomSource,
    private readonly deviations: ReadonlySet<Deviation> = ALL_DEVIATIONS,
  ) {}

  document(v: unknown): string {
    return this.ws() + this.value(v, '$') + this.ws();
  }

  /** Findings diagnoseSignedString(JSON.stringify(value), document) should report. */
  expectedAgainstCompact(): Set<string> {
    return new Set([...this.expected, ...[...this.reordered].map((path) => idOf('key-order', path))]);
  }

  private chance(deviation: Deviation, oneIn: number): boolean {
    return this.deviations.has(deviation) && this.rng.nextUint32() % oneIn === 0;
  }

  private pick<T>(options: readonly T[]): T {
    return options[this.rng.nextUint32() % options.length]!;
  }

  private ws(): string {
    if (!this.chance('whitespace', 12)) return '';
    this.expected.add(idOf('whitespace'));
    return this.pick([' ', '\n', '\t', '\r\n  ']);
  }

  private value(v: unknown, path: string): string {
    if (typeof v === 'string') return this.string(v, path);
    if (typeof v === 'number') return this.number(v, path);
    if (Array.isArray(v))
      return `[${v.map((x, i) => this.ws() + this.value(x, childPath(path, i)) + this.ws()).join(',')}]`;
    if (typeof v === 'object' && v !== null) return this.object(v as Record<string, unknown>, path);
    return compact(v);
  }

  private object(o: Record<string, unknown>, path: string): string {
    const keys = Object.keys(o);
    const order = this.chance('shuffle', 2) ? shuffle(keys, this.rng) : keys;
    const members: string[] = [];
    const written: string[] = [];
    for (const key of order) {
      const member = childPath(path, key);
      if (this.chance('duplicate', 10)) {
        // An earlier member with the same key: JSON.parse drops its value, keeps its place.
        members.push(`${compact(key)}:0`);
        written.push(key);
        this.expected.add(idOf('duplicate-key', path, key));
      }
      members.push(
        `${this.ws()}${this.string(key, member)}${this.ws()}:${this.ws()}${this.value(o[key], member)}${this.ws()}`,
      );
      written.push(key);
    }
    // JSON.parse orders members by first occurrence, except that array-index keys go first, ascending.
    const firstSeen = [...new Set(written)];
    const parsedOrder = [
      ...firstSeen.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b)),
      ...firstSeen.filter((k) => !isArrayIndex(k)),
    ];
    if (firstSeen.some((k, i) => parsedOrder[i] !== k)) this.expected.add(idOf('key-order', path));
    if (firstSeen.some((k, i) => keys[i] !== k)) this.reordered.add(path);
    return `{${members.join(',')}}`;
  }

  private string(s: string, path: string): string {
    let out = '';
    for (const ch of s) {
      const canonical = compact(ch).slice(1, -1);
      const escapes = [unicodeEscape(ch, false), unicodeEscape(ch, true), ch === '/' ? '\\/' : canonical];
      const spelled = this.chance('escape', 5) ? this.pick(escapes) : canonical;
      if (spelled !== canonical)
        this.expected.add(
          idOf(ch.codePointAt(0)! >= 0x7f && canonical === ch ? 'escaped-unicode' : 'escaped-other', path),
        );
      out += spelled;
    }
    return `"${out}"`;
  }

  private number(n: number, path: string): string {
    const canonical = compact(n);
    if (!this.chance('number', 2)) return canonical;
    const variants: [string, string][] = [
      ['number-spelling', exactRespelling(canonical, this.rng.nextUint32() % 3, this.chance('number', 2))],
      ...(canonical === '0'
        ? ([
            ['negative-zero', '-0'],
            ['negative-zero', '-0.0'],
            ['number-spelling', '0.0'],
          ] as [string, string][])
        : [['precision-loss', withLostDigits(canonical)] as [string, string]]),
      ...(/^-?\d+$/.test(canonical) ? [['number-spelling', `${canonical}.0`] as [string, string]] : []),
    ];
    const [kind, spelled] = this.pick(variants);
    if (spelled !== canonical) this.expected.add(idOf(kind, path));
    return spelled;
  }
}

const isArrayIndex = (key: string): boolean => /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;

const unicodeEscape = (ch: string, upper: boolean): string =>
  [...Array(ch.length).keys()]
    .map((i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`)
    .map((e) => (upper ? e.toUpperCase().replace('\\U', '\\u') : e))
    .join('');

function shuffle<T>(items: readonly T[], rng: RandomSource): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.nextUint32() % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Paths of strings (and of members whose keys) hold a character JSON.stringify writes literally above 0x7e. */
function literalNonAsciiPaths(v: unknown, path = '$', out = new Set<string>()): Set<string> {
  const literalNonAscii = (s: string): boolean => /[\u007f-\uffff]/.test(compact(s)); // JSON.stringify escapes lone surrogates
  if (typeof v === 'string' && literalNonAscii(v)) out.add(path);
  if (Array.isArray(v)) v.forEach((x, i) => literalNonAsciiPaths(x, childPath(path, i), out));
  else if (typeof v === 'object' && v !== null) {
    for (const [key, x] of Object.entries(v)) {
      if (literalNonAscii(key)) out.add(childPath(path, key));
      literalNonAsciiPaths(x, childPath(path, key), out);
    }
  }
  return out;
}

const deep = '['.repeat(100_000) + ']'.repeat(100_000);

// ── canonicalBody ───────────────────────────────────────────────────────────────────────────

describe('canonicalBody', () => {
  it('is JSON.stringify(JSON.parse(x)), and idempotent', () => {
    fc.assert(
      fc.property(texts, (x) => {
        const canonical = canonicalBody(x);
        expect(canonical).toBe(JSON.stringify(JSON.parse(x)));
        expect(canonicalBody(canonical)).toBe(canonical);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses bad JSON with INVALID_JSON and a position, echoing little of the body', () => {
    const err = thrownHarnessError(() => canonicalBody('{"a":'));
    expect(err.code).toBe('INVALID_JSON');
    expect(err.message).toContain('line 1 column 6 (offset 5)');
    const secret = 'k'.repeat(200);
    const leaky = thrownHarnessError(() => canonicalBody(`{"apiKey":"${secret}",}`));
    expect(leaky.code).toBe('INVALID_JSON');
    expect(leaky.message).not.toContain('k'.repeat(41));
  });

  it('refuses a non-string with INVALID_ARGUMENT', () => {
    expect(thrownHarnessError(() => canonicalBody({ a: 1 } as unknown as string)).code).toBe('INVALID_ARGUMENT');
  });

  it('refuses JSON nested too deeply for JSON.stringify, which JSON.parse still takes', () => {
    expect(() => JSON.parse(deep)).not.toThrow();
    const err = thrownHarnessError(() => canonicalBody(deep));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('nested too deeply');
  });
});

// ── canonicalize ────────────────────────────────────────────────────────────────────────────

describe('canonicalize', () => {
  it('is JSON.stringify for values that round-trip', () => {
    fc.assert(
      fc.property(
        values.map((v) => JSON.parse(compact(v)) as unknown),
        (v) => {
          const text = canonicalize(v);
          expect(text).toBe(compact(v));
          expect(JSON.parse(text)).toEqual(v);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes the documented claim body as JSON.stringify does, zeros and all', () => {
    const claim = {
      voucherCode: '3225118500682251',
      amount: 500,
      idempotencyKey: 'unique-key-123',
      metadata: '{}',
      zeros: [0, 0.0, -1.5, 1e21],
      nothing: null,
    };
    expect(canonicalize(claim)).toBe(
      '{"voucherCode":"3225118500682251","amount":500,"idempotencyKey":"unique-key-123","metadata":"{}","zeros":[0,0,-1.5,1e+21],"nothing":null}',
    );
  });

  class Voucher {
    code = '1';
  }
  it.each([
    [{ amount: NaN }, '$.amount', 'NaN'],
    [{ amount: Infinity }, '$.amount', 'Infinity'],
    [{ amount: 5n }, '$.amount', 'bigint'],
    [{ items: [1, undefined] }, '$.items[1]', 'undefined'],
    [{ items: new Array(1) }, '$.items[0]', 'undefined'], // a hole in a sparse array
    [{ 'a b': { x: -0 } }, '$["a b"].x', '-0'],
    [-0, '$', '-0'],
    [undefined, '$', 'undefined'],
    [{ f() {} }, '$.f', 'function'],
    [{ s: Symbol('s') }, '$.s', 'symbol'],
    [{ [Symbol('k')]: 1 }, '$', 'symbol keys'],
    [{ at: new Date(0) }, '$.at', 'Date'],
    [new Map([['a', 1]]), '$', 'Map'],
    [new Voucher(), '$', 'Voucher'],
  ])('refuses %o at %s', (value, path, what) => {
    const err = thrownHarnessError(() => canonicalize(value));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message.startsWith(`"${path}" `)).toBe(true);
    expect(err.message).toContain(what);
  });

  it('refuses a cycle, naming where it closes', () => {
    const claim: Record<string, unknown> = { metadata: {} };
    (claim.metadata as Record<string, unknown>).parent = claim;
    const err = thrownHarnessError(() => canonicalize(claim));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/^"\$\.metadata\.parent" .*cycle/);
  });

  it('accepts a value shared twice without a cycle', () => {
    const shared = { a: 1 };
    expect(canonicalize({ x: shared, y: [shared] })).toBe('{"x":{"a":1},"y":[{"a":1}]}');
  });
});

// ── diagnoseBody ────────────────────────────────────────────────────────────────────────────

describe('diagnoseBody', () => {
  it('finds nothing in JSON.stringify output', () => {
    fc.assert(
      fc.property(values, (v) => {
        expect(diagnoseBody(compact(v))).toEqual({ canonical: compact(v), isCanonical: true, findings: [] });
      }),
      { numRuns: 300 },
    );
  });

  it('reports exactly the deviations a random respelling made, each with a sentence', () => {
    fc.assert(
      fc.property(values, fc.integer(), (v, seed) => {
        const writer = new Respeller(seededRandom(seed));
        const text = writer.document(v);
        const diagnosis = diagnoseBody(text);
        expect(diagnosis.canonical).toBe(JSON.stringify(JSON.parse(text)));
        expect(ids(diagnosis.findings)).toEqual(writer.expected);
        expect(diagnosis.findings.length).toBe(writer.expected.size); // no duplicates either
        expect(diagnosis.isCanonical).toBe(writer.expected.size === 0);
        for (const f of diagnosis.findings) expect(describeFinding(f).length).toBeGreaterThan(20);
      }),
      { numRuns: 500 },
    );
  });

  it.each([2, 4, '\t'])('reports pretty-printing (indent %j) as whitespace and nothing else', (indent) => {
    fc.assert(
      fc.property(values, (v) => {
        const printed = JSON.stringify(v, null, indent);
        const nonTrivial = typeof v === 'object' && v !== null && Object.keys(v).length > 0;
        expect(printed !== compact(v)).toBe(nonTrivial);
        expect(diagnoseBody(printed)).toEqual({
          canonical: compact(v),
          isCanonical: !nonTrivial,
          findings: nonTrivial ? [{ kind: 'whitespace' }] : [],
        });
      }),
      { numRuns: 100 },
    );
  });

  it("reports Python's ensure_ascii escapes at the paths of the strings and keys they touch", () => {
    fc.assert(
      fc.property(values, (v) => {
        const findings = diagnoseBody(pythonDump(v)).findings;
        expect(findings.every((f) => f.kind === 'escaped-unicode')).toBe(true);
        expect(new Set(findings.map((f) => ('path' in f ? f.path : '')))).toEqual(literalNonAsciiPaths(v));
      }),
      { numRuns: 300 },
    );
    expect(diagnoseBody(pythonDump({ name: 'Café 😀' })).findings).toEqual([
      { kind: 'escaped-unicode', path: '$.name', sample: '\\u00e9' },
    ]);
    expect(diagnoseBody(pythonDump({ items: [{ name: '😀' }] })).findings).toEqual([
      { kind: 'escaped-unicode', path: '$.items[0].name', sample: '\\ud83d\\ude00' },
    ]);
  });

  it.each([
    ['{"amount":500.0}', { kind: 'number-spelling', path: '$.amount', sent: '500.0', canonical: '500' }],
    ['{"amount":5e2}', { kind: 'number-spelling', path: '$.amount', sent: '5e2', canonical: '500' }],
    ['{"amount":5E2}', { kind: 'number-spelling', path: '$.amount', sent: '5E2', canonical: '500' }],
    ['{"amount":500.00}', { kind: 'number-spelling', path: '$.amount', sent: '500.00', canonical: '500' }],
    ['{"amount":0.50}', { kind: 'number-spelling', path: '$.amount', sent: '0.50', canonical: '0.5' }],
    ['{"amount":1E3}', { kind: 'number-spelling', path: '$.amount', sent: '1E3', canonical: '1000' }],
    ['[1e21]', { kind: 'number-spelling', path: '$[0]', sent: '1e21', canonical: '1e+21' }],
    ['[1.0e-7]', { kind: 'number-spelling', path: '$[0]', sent: '1.0e-7', canonical: '1e-7' }],
    ['{"amount":-0}', { kind: 'negative-zero', path: '$.amount' }],
    ['[-0.0e5]', { kind: 'negative-zero', path: '$[0]' }],
    ['[0.0]', { kind: 'number-spelling', path: '$[0]', sent: '0.0', canonical: '0' }],
    ['{"amount":1e400}', { kind: 'precision-loss', path: '$.amount', sent: '1e400', canonical: 'null' }],
    ['[-1e-400]', { kind: 'precision-loss', path: '$[0]', sent: '-1e-400', canonical: '0' }],
    [
      '{"amount":9007199254740993}',
      { kind: 'precision-loss', path: '$.amount', sent: '9007199254740993', canonical: '9007199254740992' },
    ],
    ['[0.30000000000000001]', { kind: 'precision-loss', path: '$[0]', sent: '0.30000000000000001', canonical: '0.3' }],
  ])('%s → %o', (sent, finding) => {
    const diagnosis = diagnoseBody(sent);
    expect(diagnosis.findings).toEqual([finding]);
    expect(diagnosis.canonical).toBe(JSON.stringify(JSON.parse(sent)));
  });

  it.each(['[500]', '[0.1]', '[9007199254740992]', '[1e+21]', '[5e-324]', '[-1.5]'])('%s is canonical', (sent) => {
    expect(diagnoseBody(sent)).toEqual({ canonical: sent, isCanonical: true, findings: [] });
  });

  it('reports any other exact spelling of a double as number-spelling', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.nat({ max: 3 }),
        fc.boolean(),
        (d, zeros, upperE) => {
          const canonical = compact(d);
          const sent = exactRespelling(canonical, zeros, upperE);
          expect(diagnoseBody(`[${sent}]`).findings).toEqual(
            sent === canonical ? [] : [{ kind: 'number-spelling', path: '$[0]', sent, canonical }],
          );
        },
      ),
    );
  });

  it('reports integers a double cannot hold as precision-loss', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 53n + 1n, max: 10n ** 21n - 1n }), (n) => {
        const sent = String(n);
        const canonical = compact(Number(sent));
        expect(diagnoseBody(sent).findings).toEqual(
          canonical === sent ? [] : [{ kind: 'precision-loss', path: '$', sent, canonical }],
        );
      }),
    );
  });

  it.each([
    ['{"a":1,"a":2}', '{"a":2}', [{ kind: 'duplicate-key', path: '$', key: 'a' }]],
    ['{"a":1,"b":2,"a":3}', '{"a":3,"b":2}', [{ kind: 'duplicate-key', path: '$', key: 'a' }]],
    ['{"m":{"a":"\\u00e9","a":2}}', '{"m":{"a":2}}', [{ kind: 'duplicate-key', path: '$.m', key: 'a' }]], // the dropped escape is not reported
    [
      '{"a":1,"\\u0061":2}',
      '{"a":2}',
      [
        { kind: 'duplicate-key', path: '$', key: 'a' },
        { kind: 'escaped-other', path: '$.a', sample: '\\u0061' },
      ],
    ],
  ])('%s → duplicate keys, canonical %s', (sent, canonical, findings) => {
    expect(diagnoseBody(sent)).toEqual({ canonical, isCanonical: false, findings });
  });

  it('reports integer-like keys, which JSON.parse moves to the front, as key-order', () => {
    expect(diagnoseBody('{"b":1,"1":2}')).toEqual({
      canonical: '{"1":2,"b":1}',
      isCanonical: false,
      findings: [{ kind: 'key-order', path: '$' }],
    });
    expect(diagnoseBody('{"10":1,"9":2}').findings).toEqual([{ kind: 'key-order', path: '$' }]);
    expect(diagnoseBody('{"01":1,"1":2}').findings).toEqual([{ kind: 'key-order', path: '$' }]); // "1" is an array index, "01" is not
    expect(diagnoseBody('{"b":1,"01":2,"-1":3,"1.0":4,"4294967295":5}').findings).toEqual([]); // none of these is
    expect(diagnoseBody('{"b":1,"4294967294":2}').findings).toEqual([{ kind: 'key-order', path: '$' }]); // the largest that is
  });

  it.each([
    ['["\\/"]', { kind: 'escaped-other', path: '$[0]', sample: '\\/' }],
    ['["\\u0041"]', { kind: 'escaped-other', path: '$[0]', sample: '\\u0041' }],
    ['["\\u000a"]', { kind: 'escaped-other', path: '$[0]', sample: '\\u000a' }],
    ['["\\u001F"]', { kind: 'escaped-other', path: '$[0]', sample: '\\u001F' }],
    ['["\\uD800"]', { kind: 'escaped-other', path: '$[0]', sample: '\\uD800' }],
    ['["\ud800"]', { kind: 'escaped-other', path: '$[0]', sample: '\ud800' }], // a raw lone surrogate: JSON.stringify escapes it
    ['["\\u00e9"]', { kind: 'escaped-unicode', path: '$[0]', sample: '\\u00e9' }],
    ['["\\u007f"]', { kind: 'escaped-unicode', path: '$[0]', sample: '\\u007f' }],
    ['["\\ud83d\\ude00"]', { kind: 'escaped-unicode', path: '$[0]', sample: '\\ud83d\\ude00' }],
    ['["\ud83d\\ude00"]', { kind: 'escaped-unicode', path: '$[0]', sample: '\ud83d\\ude00' }], // half raw, half escaped: still one pair
    ['{"\\u00e9":1}', { kind: 'escaped-unicode', path: '$["é"]', sample: '\\u00e9' }],
    ['{"\\u00e9":"\\u00e8"}', { kind: 'escaped-unicode', path: '$["é"]', sample: '\\u00e9' }], // key and value make one finding, the first sample
  ])('%s → %o', (sent, finding) => {
    expect(diagnoseBody(sent).findings).toEqual([finding]);
  });

  it.each(['["\\ud800"]', '["\\udfff"]', '["\\n\\t\\"\\\\"]', '["\\u001f"]', '["é😀\u2028"]', '["\\ud800\\ud800"]'])(
    '%s is canonical (lone surrogates are written \\udXXX)',
    (sent) => {
      expect(diagnoseBody(sent)).toEqual({ canonical: sent, isCanonical: true, findings: [] });
    },
  );

  it('turns bad JSON into a not-json finding instead of throwing', () => {
    expect(diagnoseBody('{"a":')).toEqual({
      canonical: undefined,
      isCanonical: false,
      findings: [{ kind: 'not-json', message: expect.stringContaining('offset 5') }],
    });
    expect(diagnoseBody(deep).findings).toEqual([
      { kind: 'not-json', message: expect.stringContaining('nested too deeply') },
    ]);
    expect(thrownHarnessError(() => diagnoseBody(undefined as unknown as string)).code).toBe('INVALID_ARGUMENT');
  });
});

// ── diagnoseSignedString ────────────────────────────────────────────────────────────────────

describe('diagnoseSignedString', () => {
  const claim = {
    voucherCode: '3225118500682251',
    amount: 500,
    idempotencyKey: 'unique-key-123',
    metadata: '{"note":"café"}',
  };

  it('finds nothing when the client signed what the server verifies', () => {
    expect(diagnoseSignedString(compact(claim), compact(claim))).toEqual([]);
    expect(diagnoseSignedString(pretty(claim), compact(claim))).toEqual([]); // the server drops the sent whitespace too
  });

  it('reports key-order when the same members were signed in another order', () => {
    expect(diagnoseSignedString('{"b":1,"a":2}', '{"a":2,"b":1}')).toEqual([{ kind: 'key-order', path: '$' }]);
  });

  it('reports key-order, and nothing else, wherever a signed string shuffles members', () => {
    const objects = fc.dictionary(fc.oneof(fc.string(), fc.nat({ max: 20 }).map(String)), values, { minKeys: 2 });
    fc.assert(
      fc.property(objects, fc.integer(), (v, seed) => {
        const writer = new Respeller(seededRandom(seed), new Set(['shuffle']));
        const findings = diagnoseSignedString(compact(v), writer.document(v));
        expect(findings.every((f) => f.kind === 'key-order')).toBe(true);
        expect(ids(findings)).toEqual(writer.expectedAgainstCompact());
        expect(findings.length).toBe(writer.expectedAgainstCompact().size);
      }),
      { numRuns: 300 },
    );
  });

  it('reports the spelling deviations of the signed string against a compact body', () => {
    fc.assert(
      fc.property(values, fc.integer(), (v, seed) => {
        const writer = new Respeller(seededRandom(seed));
        expect(ids(diagnoseSignedString(compact(v), writer.document(v)))).toEqual(writer.expectedAgainstCompact());
      }),
      { numRuns: 300 },
    );
  });

  it("reports a Python client's ensure_ascii escapes", () => {
    expect(diagnoseSignedString(compact(claim), pythonDump(claim))).toEqual([
      { kind: 'escaped-unicode', path: '$.metadata', sample: '\\u00e9' },
    ]);
    fc.assert(
      fc.property(values, (v) => {
        expect(diagnoseSignedString(compact(v), pythonDump(v))).toEqual(diagnoseBody(pythonDump(v)).findings);
      }),
      { numRuns: 200 },
    );
  });

  it('reports different-content where the signed value differs', () => {
    expect(diagnoseSignedString(compact(claim), compact({ ...claim, amount: 50 }))).toEqual([
      { kind: 'different-content', path: '$.amount' },
    ]);
    expect(diagnoseSignedString('{"items":[1,2]}', '{"items":[1,2,3]}')).toEqual([
      { kind: 'different-content', path: '$.items' },
    ]);
    expect(diagnoseSignedString('{"a":1}', '{"b":1}')).toEqual([{ kind: 'different-content', path: '$' }]);
    expect(diagnoseSignedString('{"a":[1]}', '{"a":{"0":1}}')).toEqual([{ kind: 'different-content', path: '$.a' }]);
    expect(diagnoseSignedString('{"a":0}', '{"a":-0}')).toEqual([{ kind: 'negative-zero', path: '$.a' }]); // the server writes both as 0
  });

  it('finds nothing exactly when the signed string is canonicalBody(sent)', () => {
    const pair = fc
      .tuple(values, values, fc.integer())
      .chain(([v, w, seed]) =>
        fc.tuple(
          fc.constantFrom(compact(v), pretty(v)),
          fc.constantFrom(
            compact(v),
            pretty(v),
            pythonDump(v),
            compact(w),
            new Respeller(seededRandom(seed)).document(v),
          ),
        ),
      );
    fc.assert(
      fc.property(pair, ([sent, signedOver]) => {
        expect(diagnoseSignedString(sent, signedOver).length === 0).toBe(signedOver === canonicalBody(sent));
      }),
      { numRuns: 500 },
    );
  });

  it('reports a side that is not JSON as not-json, naming it', () => {
    expect(diagnoseSignedString('{"a":', '{}')).toEqual([
      { kind: 'not-json', message: expect.stringMatching(/^"sent" is not valid JSON/) },
    ]);
    expect(diagnoseSignedString('{}', 'x-signature')).toEqual([
      { kind: 'not-json', message: expect.stringMatching(/^"signedOver" is not valid JSON/) },
    ]);
  });
});

// ── describeFinding ─────────────────────────────────────────────────────────────────────────

describe('describeFinding', () => {
  const examples: Record<BodyFinding['kind'], [BodyFinding, string[]]> = {
    whitespace: [{ kind: 'whitespace' }, ['whitespace', 'separators']],
    'escaped-unicode': [
      { kind: 'escaped-unicode', path: '$.name', sample: '\\u00e9' },
      ['$.name: "\\u00e9" is escaped', 'U+00E9 "é"', 'ensure_ascii=False'],
    ],
    'escaped-other': [{ kind: 'escaped-other', path: '$.url', sample: '\\/' }, ['$.url', '"\\/"', '"/"']],
    'number-spelling': [
      { kind: 'number-spelling', path: '$.amount', sent: '500.0', canonical: '500' },
      ['$.amount', '500.0', 'send 500'],
    ],
    'negative-zero': [{ kind: 'negative-zero', path: '$.amount' }, ['$.amount', '-0']],
    'precision-loss': [
      { kind: 'precision-loss', path: '$.id', sent: '9007199254740993', canonical: '9007199254740992' },
      ['$.id', '9007199254740993', '9007199254740992'],
    ],
    'duplicate-key': [{ kind: 'duplicate-key', path: '$', key: 'amount' }, ['$:', '"amount"', 'last']],
    'key-order': [{ kind: 'key-order', path: '$.metadata' }, ['$.metadata', 'order']],
    'different-content': [{ kind: 'different-content', path: '$.amount' }, ['$.amount', 'different value']],
    'not-json': [
      { kind: 'not-json', message: '"sent" is not valid JSON: expected a value at line 1 column 6 (offset 5)' },
      ['"sent" is not valid JSON', 'offset 5'],
    ],
  };

  it.each(Object.entries(examples))('%s → a sentence naming what and where', (_kind, [finding, mentions]) => {
    const sentence = describeFinding(finding);
    expect(sentence.length).toBeGreaterThan(20);
    for (const m of mentions) expect(sentence).toContain(m);
  });

  it('prints a raw lone surrogate as its code point', () => {
    const sentence = describeFinding({ kind: 'escaped-other', path: '$[0]', sample: '\ud800' });
    expect(sentence).toContain('<U+D800>');
    expect(sentence).toContain('"\\ud800"');
    expect(/[\ud800-\udfff]/.test(sentence)).toBe(false);
  });
});
