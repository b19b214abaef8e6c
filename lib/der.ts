/**
 * A small strict DER reader and writer (X.690 §8, §10): just what SEC1, PKCS#8, SPKI and ECDSA
 * signatures need. Strict on purpose: a key or signature that only parses leniently is one a
 * server may read differently, and a conformance harness must not paper over that.
 * Readers take `fail`, so each caller throws its own code (KEY_GARBAGE, SIGNATURE_MALFORMED).
 */
import { concatBytes } from './bytes';
import { HarnessError } from './errors';

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

/** Context-specific tag [n]: constructed for EXPLICIT fields (SEC1 [0]/[1]), primitive for IMPLICIT ones. */
export function contextTag(n: number, constructed = true): number {
  return (constructed ? 0xa0 : 0x80) | n;
}

/** Builds the error to throw. `reason` describes structure only, never content (it may be a secret). */
export type DerFail = (reason: string) => HarnessError;

export interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
  /** Offset just past this element in the buffer it was read from. */
  readonly end: number;
}

/** Checks a byte argument; matched by shape too, as noble does, since a Uint8Array from another realm (a vm context) fails instanceof. */
export function requireBytes(value: unknown, field: string): Uint8Array {
  const isBytes = value instanceof Uint8Array || (ArrayBuffer.isView(value) && value.constructor.name === 'Uint8Array');
  if (!isBytes)
    throw new HarnessError('INVALID_ARGUMENT', `"${field}" expected a Uint8Array, got type=${typeof value}`);
  return value as Uint8Array;
}

/** Reads one element at `offset`: single-byte tag, definite minimal length, value within bounds. */
export function readTlv(bytes: Uint8Array, offset: number, fail: DerFail): Tlv {
  if (offset + 2 > bytes.length) throw fail('it ends in the middle of an element');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw fail('it uses a multi-byte tag');
  let length = bytes[offset + 1]!;
  let pos = offset + 2;
  if (length >= 0x80) {
    const count = length & 0x7f;
    if (count === 0) throw fail('it uses an indefinite length, which DER forbids');
    if (count > 3) throw fail('an element claims an impossible length');
    if (pos + count > bytes.length) throw fail('it ends in the middle of a length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[pos++]!;
    // X.690 §10.1: the long form only when the short one cannot hold the length, no leading zero.
    if (length < 0x80 || bytes[offset + 2] === 0) throw fail('a length is not minimally encoded');
  }
  if (pos + length > bytes.length) throw fail('it is truncated: an element runs past the end');
  return { tag, value: bytes.subarray(pos, pos + length), end: pos + length };
}

/** Reads one element that must fill `bytes` exactly: trailing bytes are an error. */
export function readWhole(bytes: Uint8Array, fail: DerFail): Tlv {
  const tlv = readTlv(bytes, 0, fail);
  if (tlv.end !== bytes.length) throw fail('it has trailing bytes after the end');
  return tlv;
}

/** The children of a constructed value, which must tile it exactly. */
export function readChildren(value: Uint8Array, fail: DerFail): Tlv[] {
  const children: Tlv[] = [];
  for (let pos = 0; pos < value.length;) {
    const child = readTlv(value, pos, fail);
    children.push(child);
    pos = child.end;
  }
  return children;
}

/** The value of `tlv` after checking it is present and has `tag`; `what` names it in the error. */
export function expectTag(tlv: Tlv | undefined, tag: number, what: string, fail: DerFail): Uint8Array {
  if (tlv === undefined || tlv.tag !== tag) throw fail(`expected ${what}`);
  return tlv.value;
}

/** The children of a SEQUENCE that fills `bytes` exactly. */
export function readSequence(bytes: Uint8Array, fail: DerFail): Tlv[] {
  return readChildren(expectTag(readWhole(bytes, fail), TAG.SEQUENCE, 'a SEQUENCE', fail), fail);
}

/** A two's-complement INTEGER, which must be minimally encoded (X.690 §8.3.2). */
export function readInteger(value: Uint8Array, fail: DerFail): bigint {
  const [first, second] = value;
  if (first === undefined) throw fail('an INTEGER is empty');
  if (second !== undefined && ((first === 0 && second < 0x80) || (first === 0xff && second >= 0x80))) {
    throw fail('an INTEGER is not minimally encoded');
  }
  const n = bytesToBigint(value);
  return first >= 0x80 ? n - (1n << BigInt(8 * value.length)) : n;
}

/** Big-endian unsigned bytes to an integer. */
export function bytesToBigint(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** Big-endian bytes of a non-negative integer, left-padded with zeros to at least `size`. */
export function bigintToBytes(n: bigint, size = 0): Uint8Array {
  const out: number[] = [];
  for (let v = n; v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn));
  while (out.length < size) out.unshift(0);
  return Uint8Array.from(out);
}

/** OBJECT IDENTIFIER content to dotted form; arcs are bigints so long (UUID) arcs stay exact. */
export function readOid(value: Uint8Array, fail: DerFail): string {
  if (value.length === 0 || value[value.length - 1]! >= 0x80) throw fail('an OBJECT IDENTIFIER is malformed');
  const arcs: bigint[] = [];
  let arc = 0n;
  let start = true;
  for (const b of value) {
    if (start && b === 0x80) throw fail('an OBJECT IDENTIFIER is not minimally encoded');
    arc = (arc << 7n) | BigInt(b & 0x7f);
    start = b < 0x80;
    if (start) {
      arcs.push(arc);
      arc = 0n;
    }
  }
  // X.690 §8.19.4: the first subidentifier packs the first two arcs as 40*a + b.
  const head = arcs[0]!;
  const top = head < 80n ? head / 40n : 2n;
  return [top, head - 40n * top, ...arcs.slice(1)].join('.');
}

export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  const size = bigintToBytes(BigInt(value.length));
  const length = value.length < 0x80 ? [value.length] : [0x80 | size.length, ...size];
  return concatBytes(Uint8Array.of(tag, ...length), value);
}

export function encodeSequence(...children: Uint8Array[]): Uint8Array {
  return encodeTlv(TAG.SEQUENCE, concatBytes(...children));
}

/** A non-negative INTEGER, minimal: a 0x00 byte only where the high bit would read as negative. */
export function encodeInteger(n: bigint): Uint8Array {
  if (n < 0n) throw new HarnessError('INVALID_ARGUMENT', `"n" expected a non-negative integer, got ${n}n`);
  const body = bigintToBytes(n, 1);
  return encodeTlv(TAG.INTEGER, body[0]! >= 0x80 ? concatBytes(Uint8Array.of(0), body) : body);
}

export function encodeOid(dotted: string): Uint8Array {
  if (!/^[0-2]\.\d+(\.\d+)*$/.test(dotted))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"oid" expected dotted decimal like 1.3.132.0.10, got ${JSON.stringify(dotted)}`,
    );
  const [top, second, ...rest] = dotted.split('.').map(BigInt);
  const out: number[] = [];
  for (const arc of [top! * 40n + second!, ...rest]) {
    const group = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) group.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...group);
  }
  return encodeTlv(TAG.OID, Uint8Array.from(out));
}

/** BIT STRING content as bytes; keys always use whole bytes, so unused bits must be zero. */
export function readBitString(value: Uint8Array, fail: DerFail): Uint8Array {
  if (value[0] !== 0) throw fail('a BIT STRING does not hold whole bytes');
  return value.subarray(1);
}

export function encodeBitString(bytes: Uint8Array): Uint8Array {
  return encodeTlv(TAG.BIT_STRING, concatBytes(Uint8Array.of(0), bytes));
}
