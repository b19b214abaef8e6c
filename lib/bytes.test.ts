import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64Decode,
  base64DecodeLenient,
  base64Encode,
  base64Flavour,
  bytesEqual,
  concatBytes,
  hexDecode,
  hexEncode,
  utf8Decode,
  utf8Encode,
} from './bytes';

describe('bytes (no Buffer, no TextEncoder: they must run in k6)', () => {
  it('UTF-8 encodes exactly as TextEncoder, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const text = a + '\ud800' + b + '\udc00';
        return bytesEqual(utf8Encode(text), new TextEncoder().encode(text));
      }),
    );
  });

  it('UTF-8 decodes exactly as TextDecoder, invalid sequences included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => utf8Decode(bytes) === new TextDecoder().decode(bytes)),
    );
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        (text) =>
          utf8Decode(new TextEncoder().encode(text)) === new TextDecoder().decode(new TextEncoder().encode(text)),
      ),
    );
  });

  it('base64 agrees with Node and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = base64Encode(bytes);
        return text === Buffer.from(bytes).toString('base64') && bytesEqual(base64Decode(text), bytes);
      }),
    );
  });

  it('tells standard base64 from base64url, and decodes base64url only leniently', () => {
    expect(base64Flavour('+/8=')).toBe('base64');
    expect(base64Flavour('-_8')).toBe('base64url');
    expect(base64Flavour('ab c')).toBe('invalid');
    expect(() => base64Decode('-_8', 'x-signature')).toThrow(/"x-signature" expected standard base64 .*base64url/);
    expect(base64DecodeLenient('-_8')).toEqual(new Uint8Array([0xfb, 0xff]));
    expect(base64DecodeLenient('a')).toBeUndefined();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const url = Buffer.from(bytes).toString('base64url');
        return bytesEqual(base64DecodeLenient(url)!, bytes);
      }),
    );
  });

  it('hex round-trips and refuses odd input', () => {
    fc.assert(
      fc.property(
        fc.uint8Array(),
        (bytes) =>
          bytesEqual(hexDecode(hexEncode(bytes)), bytes) && hexEncode(bytes) === Buffer.from(bytes).toString('hex'),
      ),
    );
    expect(() => hexDecode('abc')).toThrow(/even-length hex/);
    expect(concatBytes(new Uint8Array([1]), new Uint8Array([2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
  });
});
