/**
 * Byte helpers that run in Node and in k6's bare VM alike: no Buffer, no TextEncoder (not every
 * k6 release has one), no atob/btoa.
 */
import { HarnessError } from './errors';

export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    // Join a surrogate pair; a lone surrogate becomes U+FFFD, as TextEncoder does.
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else cp = 0xfffd;
    } else if (cp >= 0xdc00 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return Uint8Array.from(out);
}

/**
 * Decodes UTF-8 with the WHATWG algorithm (what TextDecoder does): each maximal invalid subpart
 * becomes one U+FFFD.
 */
export function utf8Decode(bytes: Uint8Array): string {
  let out = '';
  let needed = 0;
  let seen = 0;
  let cp = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (needed === 0) {
      if (byte <= 0x7f) out += String.fromCharCode(byte);
      else if (byte >= 0xc2 && byte <= 0xdf) [needed, cp] = [1, byte & 0x1f];
      else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f; // no surrogates
        [needed, cp] = [2, byte & 0xf];
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f; // nothing past U+10FFFF
        [needed, cp] = [3, byte & 0x7];
      } else out += '\ufffd';
      continue;
    }
    if (byte < lower || byte > upper) {
      [needed, seen, cp, lower, upper] = [0, 0, 0, 0x80, 0xbf];
      out += '\ufffd';
      i--; // the byte that broke the sequence starts afresh
      continue;
    }
    [lower, upper] = [0x80, 0xbf];
    cp = (cp << 6) | (byte & 0x3f);
    if (++seen === needed) {
      out += String.fromCodePoint(cp);
      [needed, seen, cp] = [0, 0, 0];
    }
  }
  return needed === 0 ? out : `${out}\ufffd`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX: Record<string, number> = Object.fromEntries([...B64].map((c, i) => [c, i]));

export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    const n = (a << 16) | (b << 8) | c;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? B64[n & 63]! : '=';
  }
  return out;
}

/** Which alphabet a base64-looking string uses; the API wants standard base64 with padding. */
export type Base64Flavour = 'base64' | 'base64url' | 'invalid';

export function base64Flavour(text: string): Base64Flavour {
  if (/^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0) return 'base64';
  if (/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return 'base64url';
  return 'invalid';
}

/** Strict standard base64 (with padding). Throws INVALID_BASE64 naming `field` otherwise. */
export function base64Decode(text: string, field = 'value'): Uint8Array {
  if (base64Flavour(text) !== 'base64') {
    const hint = base64Flavour(text) === 'base64url' ? ' (it looks like base64url: use + and / with = padding)' : '';
    throw new HarnessError('INVALID_BASE64', `"${field}" expected standard base64 with padding${hint}`);
  }
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (const ch of clean) {
    acc = (acc << 6) | B64_INDEX[ch]!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** Lenient decode accepting base64url and missing padding, for diagnosing what a client sent. */
export function base64DecodeLenient(text: string): Uint8Array | undefined {
  if (base64Flavour(text) === 'invalid') return undefined;
  const std = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (std.length % 4 === 1) return undefined;
  return base64Decode(std + '='.repeat((4 - (std.length % 4)) % 4));
}

/** The two hex digits of each byte value: an indexed loop over a table, as k6's interpreter signs with it (lib/secp256k1-signer.ts). */
const HEX_BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function hexEncode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_BYTES[bytes[i]!]!;
  return out;
}

/** The value of one hex digit's char code (validated beforehand). */
const hexValue = (code: number): number => (code <= 57 ? code - 48 : (code | 32) - 87);

export function hexDecode(hex: string, field = 'value'): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex))
    throw new HarnessError('INVALID_ARGUMENT', `"${field}" expected an even-length hex string`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++)
    out[i] = hexValue(hex.charCodeAt(2 * i)) * 16 + hexValue(hex.charCodeAt(2 * i + 1));
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
