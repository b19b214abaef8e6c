import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportPrivateKeyPem, generatePrivateKey } from './keys';
import { createRedactor, MIN_SUBSTRING_SECRET_LENGTH, redactionMarker, registerPrivateKey } from './redact';

/** A secret that is part of a marker's own text cannot be told apart from the marker; real keys never are. */
const MARKER_TEXT =
  '[REDACTED:api-key][REDACTED:access-token][REDACTED:private-key][REDACTED:jwt][REDACTED:authorization][REDACTED:cookie][REDACTED:admin-token][REDACTED:password][REDACTED:secret][REDACTED]';

const secretArb = fc
  .oneof(
    fc.string({ minLength: MIN_SUBSTRING_SECRET_LENGTH, maxLength: 40 }),
    fc.stringMatching(/^[A-Za-z0-9+/=_.-]{6,64}$/),
    fc.string({ unit: 'binary', minLength: MIN_SUBSTRING_SECRET_LENGTH, maxLength: 20 }),
  )
  .filter((s) => !MARKER_TEXT.includes(s));

/** Random text with the secrets spliced in at random places (and as JSON-escaped and URL-encoded). */
const textWithSecrets = (secrets: string[]) =>
  fc
    .array(
      fc.oneof(
        fc.string(),
        fc.constantFrom(...secrets),
        fc.constantFrom(...secrets.map((s) => JSON.stringify(s))),
        fc.constantFrom(...secrets.map((s) => JSON.stringify({ note: s }))),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(''));

const containsAny = (text: string, secrets: string[]) => secrets.some((s) => text.includes(s));

describe('createRedactor', () => {
  it('leaves no registered secret in text, wherever and however often it is embedded', () => {
    fc.assert(
      fc.property(
        fc
          .uniqueArray(secretArb, { minLength: 1, maxLength: 4 })
          .chain((secrets) => fc.tuple(fc.constant(secrets), textWithSecrets(secrets))),
        ([secrets, text]) => !containsAny(createRedactor(secrets).redactText(text), secrets),
      ),
      { numRuns: 500 },
    );
  });

  it('leaves no registered secret in keys or values of nested objects and arrays', () => {
    const json = (secrets: string[]) =>
      fc.letrec<{ node: unknown }>((tie) => ({
        node: fc.oneof(
          { depthSize: 'small' },
          fc.string(),
          fc.constantFrom(...secrets),
          fc.integer(),
          fc.array(tie('node'), { maxLength: 4 }),
          fc.dictionary(fc.oneof(fc.string(), fc.constantFrom(...secrets)), tie('node'), { maxKeys: 4 }),
        ),
      })).node;
    fc.assert(
      fc.property(
        fc
          .uniqueArray(secretArb, { minLength: 1, maxLength: 3 })
          .chain((secrets) => fc.tuple(fc.constant(secrets), json(secrets))),
        ([secrets, value]) => !containsAny(JSON.stringify(createRedactor(secrets).redactValue(value)) ?? '', secrets),
      ),
      { numRuns: 300 },
    );
  });

  it('marks what it removed with the secret kind, and keeps the surrounding text', () => {
    const r = createRedactor();
    r.add('sk_test_4eC39HqLyjWDarjtT1zdp7dc', 'api-key');
    expect(r.redactText('login with sk_test_4eC39HqLyjWDarjtT1zdp7dc failed')).toBe(
      'login with [REDACTED:api-key] failed',
    );
    expect(r.redactText('url?k=sk_test_4eC39HqLyjWDarjtT1zdp7dc&x=1')).toBe('url?k=[REDACTED:api-key]&x=1');
  });

  it('redacts JWT-looking values and PEM private key blocks even when nobody registered them', () => {
    const r = createRedactor();
    const jwt = 'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjF9.c2ln';
    expect(r.redactText(`{"accessToken":"x","other":"${jwt}"}`)).toBe(
      '{"accessToken":"[REDACTED:access-token]","other":"[REDACTED:jwt]"}',
    );
    const pem = exportPrivateKeyPem(generatePrivateKey('secp256k1'));
    expect(r.redactText(`key:\n${pem}end`)).toBe('key:\n[REDACTED:private-key]\nend');
  });

  it('redacts a registered PEM line by line, also when quoted in JSON or reflowed', () => {
    const key = generatePrivateKey('ed25519');
    const pem = exportPrivateKeyPem(key);
    const r = createRedactor();
    registerPrivateKey(r, key, pem);
    const bodyLines = pem.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
    const leaked = [
      JSON.stringify({ pem }),
      bodyLines.join(''),
      bodyLines.join('\r\n'),
      `first line only: ${bodyLines[0]}`,
    ];
    for (const text of leaked) {
      const out = r.redactText(text);
      for (const line of bodyLines) expect(out).not.toContain(line);
    }
  });

  it('redacts short secrets only as whole values, not as substrings', () => {
    const r = createRedactor(['abc']);
    expect(r.redactText('abc')).toBe(redactionMarker());
    expect(r.redactText('the abc of it')).toBe('the abc of it');
    expect(r.redactHeaders({ 'x-custom': 'abc' })).toEqual({ 'x-custom': '[REDACTED]' });
    expect(r.redactValue({ note: 'abc', list: ['abc', 'abcd'] })).toEqual({
      note: '[REDACTED]',
      list: ['[REDACTED]', 'abcd'],
    });
  });

  it('always redacts credential headers, whatever their value and case, and joins repeated headers', () => {
    const r = createRedactor();
    expect(
      r.redactHeaders({
        'X-API-Token': 't',
        'x-api-key': 'k',
        Authorization: 'Bearer z',
        'x-signature': 'c2ln',
        accept: ['a', 'b'],
        gone: undefined,
        'content-length': 12,
      }),
    ).toEqual({
      'X-API-Token': '[REDACTED:access-token]',
      'x-api-key': '[REDACTED:api-key]',
      Authorization: '[REDACTED:authorization]',
      'x-signature': 'c2ln',
      accept: 'a, b',
      'content-length': '12',
    });
  });

  it("redacts the login body's key field in objects and in JSON text, even when unregistered and short", () => {
    const r = createRedactor();
    expect(r.redactText('{"key":"k1","x":1}')).toBe('{"key":"[REDACTED:api-key]","x":1}');
    expect(r.redactText('{ "key" : "a\\"b" }')).toBe('{ "key" : "[REDACTED:api-key]" }');
    expect(r.redactValue({ key: 'k1', nested: { privateKey: new Uint8Array([1]) } })).toEqual({
      key: '[REDACTED:api-key]',
      nested: { privateKey: '[REDACTED:private-key]' },
    });
  });

  it('is not fooled by names that live on Object.prototype (found by the property above)', () => {
    const r = createRedactor(['__lookupSetter__', 'constructor']);
    expect(r.redactValue({ __lookupSetter__: '__lookupSetter__' })).toEqual({ '[REDACTED]': '[REDACTED]' });
    expect(r.redactHeaders({ constructor: 'constructor' })).toEqual({ constructor: '[REDACTED]' });
    const parsed = JSON.parse('{"__proto__":{"k":"constructor"}}') as unknown;
    expect(JSON.stringify(r.redactValue(parsed))).toBe('{"__proto__":{"k":"[REDACTED]"}}');
  });

  it('copies instead of mutating, and survives cycles', () => {
    const r = createRedactor(['s3cr3t-value']);
    const original: Record<string, unknown> = { a: 's3cr3t-value' };
    original.self = original;
    const copy = r.redactValue(original);
    expect(original.a).toBe('s3cr3t-value');
    expect(copy.a).toBe('[REDACTED]');
    expect(copy.self).toBe(copy);
  });

  it('registers the raw bytes of a private key in the forms a debug print shows', () => {
    const key = generatePrivateKey('secp256k1');
    const r = createRedactor();
    registerPrivateKey(r, key);
    const hex = [...key.privateKey].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(r.redactText(`scalar=${hex}`)).toBe('scalar=[REDACTED:private-key]');
  });

  it('refuses a label that would break the marker', () => {
    expect(() => createRedactor().add('secret-value', 'API KEY]')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

// Found weak by mutation testing (npm run mutants:lib): the fail-closed fallback, the scan order and
// flags, and the copy rules of redactValue were held only loosely by the properties above.
describe('createRedactor, exactly', () => {
  it('fails closed: a secret that is part of the marker text replaces the whole text', () => {
    expect(createRedactor(['REDACTED']).redactText('token REDACTED here')).toBe('[REDACTED]');
  });

  it('replaces every occurrence, the longest secret first', () => {
    const r = createRedactor();
    r.add('abcdef', 'short');
    r.add('abcdefghij', 'long');
    expect(r.redactText('x abcdefghij y abcdef z abcdefghij')).toBe(
      'x [REDACTED:long] y [REDACTED:short] z [REDACTED:long]',
    );
  });

  it('replaces a secret inside JSON text between its quotes, escapes included', () => {
    const r = createRedactor();
    r.add('pass"word1', 'password');
    expect(r.redactText(JSON.stringify({ note: 'pass"word1' }))).toBe('{"note":"[REDACTED:password]"}');
  });

  it('catches a registered PEM key reflowed onto one line or quoted line by line', () => {
    const pem = exportPrivateKeyPem(generatePrivateKey('ed25519'));
    const body = pem.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
    const r = createRedactor();
    r.add(pem, 'private-key');
    expect(r.redactText(`key=${body.join('')};`)).toBe('key=[REDACTED:private-key];');
    expect(r.redactText(`line "${body[0]}"`)).toBe('line "[REDACTED:private-key]"');
  });

  it('ignores an empty secret instead of redacting empty text', () => {
    expect(createRedactor(['']).redactText('')).toBe('');
  });

  it('refuses a non-string secret with INVALID_ARGUMENT', () => {
    expect(() => createRedactor().add(42 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: '"secret" expected a string, got type=number' }),
    );
  });

  it('redactValue returns class instances as they are and replaces only string or byte values of secret fields', () => {
    const when = new Date(0);
    const r = createRedactor();
    expect(r.redactValue({ when }).when).toBe(when);
    expect(r.redactValue({ token: { kind: 'bearer' }, privateKey: new Uint8Array(32), apiKey: 7 })).toEqual({
      token: { kind: 'bearer' },
      privateKey: '[REDACTED:private-key]',
      apiKey: 7,
    });
  });
});
