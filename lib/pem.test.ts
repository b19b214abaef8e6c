import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Encode } from './bytes';
import { encodePem, parsePem } from './pem';

const code = (c: string, message?: RegExp) =>
  expect.objectContaining({ code: c, ...(message ? { message: expect.stringMatching(message) } : {}) });
const DER = Uint8Array.from({ length: 100 }, (_, i) => (i * 37) & 0xff);
const PEM = encodePem('PRIVATE KEY', DER);

describe('encodePem', () => {
  it('writes 64-column lines and a final newline', () => {
    const lines = PEM.split('\n');
    expect(lines[0]).toBe('-----BEGIN PRIVATE KEY-----');
    expect(lines[1]).toHaveLength(64);
    expect(lines[2]!.length).toBeLessThanOrEqual(64);
    expect(lines.at(-2)).toBe('-----END PRIVATE KEY-----');
    expect(lines.at(-1)).toBe('');
  });

  it('writes exactly what Node writes for the same DER', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    for (const [label, der, pem] of [
      [
        'EC PRIVATE KEY',
        privateKey.export({ type: 'sec1', format: 'der' }),
        privateKey.export({ type: 'sec1', format: 'pem' }),
      ],
      [
        'PUBLIC KEY',
        publicKey.export({ type: 'spki', format: 'der' }),
        publicKey.export({ type: 'spki', format: 'pem' }),
      ],
    ] as const) {
      expect(encodePem(label, new Uint8Array(der))).toBe(pem);
    }
  });

  it('round-trips through parsePem for any bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.constantFrom('PUBLIC KEY', 'EC PRIVATE KEY', 'X509 CRL'),
        (der, label) => {
          expect(parsePem(encodePem(label, der))).toEqual([{ label, headers: {}, der }]);
        },
      ),
    );
  });
});

describe('parsePem tolerates what real key files carry', () => {
  it('CRLF line ends, indentation and blank lines around the blocks', () => {
    const messy = `\r\n\r\n   ${PEM.replace(/\n/g, '\r\n  ')}\r\n\t\n`;
    expect(parsePem(messy)).toEqual([{ label: 'PRIVATE KEY', headers: {}, der: DER }]);
  });

  it('explanatory text before and after, as `openssl x509 -text` and some exporters write', () => {
    expect(parsePem(`Bag Attributes\n  localKeyID: 01\nsubject=CN = x\n${PEM}trailing words`)[0]!.der).toEqual(DER);
  });

  it('the EC PARAMETERS block `openssl ecparam -genkey` writes before the key, in order', () => {
    const params = encodePem('EC PARAMETERS', Uint8Array.of(0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a));
    expect(parsePem(params + PEM).map((b) => b.label)).toEqual(['EC PARAMETERS', 'PRIVATE KEY']);
  });

  it('RFC 1421 headers on an unencrypted block', () => {
    const withHeader = PEM.replace('-----\n', '-----\nComment: made by a tool\n\n');
    expect(parsePem(withHeader)[0]).toEqual({ label: 'PRIVATE KEY', headers: { Comment: 'made by a tool' }, der: DER });
  });
});

describe('parsePem refuses', () => {
  it('a legacy encrypted block (Proc-Type: 4,ENCRYPTED) and PKCS#8 ENCRYPTED PRIVATE KEY, with the decrypt command', () => {
    const legacy = PEM.replace(
      'PRIVATE KEY-----\n',
      'PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\n',
    );
    expect(() => parsePem(legacy)).toThrow(code('KEY_ENCRYPTED', /openssl pkey -in KEY -out plain\.pem/));
    expect(() => parsePem(encodePem('ENCRYPTED PRIVATE KEY', DER))).toThrow(code('KEY_ENCRYPTED', /decrypt it first/));
  });

  it.each([
    ['empty text', '', /expected PEM text/],
    ['text with no PEM', 'hello', /expected PEM text/],
    ['bare base64 without armour', base64Encode(DER), /expected PEM text/],
    ['a missing END line', PEM.split('-----END')[0]!, /no matching END/],
    ['a complete block followed by a truncated one', PEM + PEM.slice(0, 80), /no matching END/],
    ['mismatched BEGIN and END labels', PEM.replace('END PRIVATE', 'END PUBLIC'), /closed by END PUBLIC KEY/],
    ['a character outside base64', PEM.replace(/\n[A-Za-z0-9]/, '\n*'), /not base64/],
    ['a body cut mid-quantum', PEM.replace(/.\n-----END/, '\n-----END'), /not base64/],
    ['an empty body', '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----', /not base64/],
    ['literal \\n sequences from an environment variable', PEM.replace(/\n/g, '\\n'), /literal \\n/],
  ])('%s with KEY_GARBAGE', (_name, text, message) => {
    expect(() => parsePem(text)).toThrow(code('KEY_GARBAGE', message));
  });

  it('names the field it was given in every message', () => {
    expect(() => parsePem('nope', 'merchant.privateKeyFile')).toThrow(
      code('KEY_GARBAGE', /^"merchant\.privateKeyFile"/),
    );
  });

  it('a non-string with INVALID_ARGUMENT', () => {
    expect(() => parsePem(DER as unknown as string)).toThrow(code('INVALID_ARGUMENT', /expected PEM text/));
  });
});
