/**
 * ECDSA signature encodings. The merchant API verifies IEEE-P1363, the fixed-width r||s (merchant
 * API v1.0, Authentication › IMPORTANT), while Node and OpenSSL sign in DER (X9.62 Ecdsa-Sig-Value)
 * unless told otherwise: converting both ways lets the harness produce either and say which one a
 * client sent.
 */
import { concatBytes } from './bytes';
import {
  bigintToBytes,
  bytesToBigint,
  encodeInteger,
  encodeSequence,
  expectTag,
  readInteger,
  readSequence,
  requireBytes,
  TAG,
  type DerFail,
  type Tlv,
} from './der';
import { HarnessError, isHarnessError } from './errors';

const malformed: DerFail = (reason) =>
  new HarnessError('SIGNATURE_MALFORMED', `"signature" is not a strict DER ECDSA signature: ${reason}`);

/** DER SEQUENCE { r INTEGER, s INTEGER } to r||s, each `size` bytes. Strict: no BER leniency, no negatives. */
export function derToP1363(der: Uint8Array, size = 32): Uint8Array {
  requireBytes(der, 'signature');
  if (!Number.isInteger(size) || size < 1)
    throw new HarnessError('INVALID_ARGUMENT', `"size" expected a positive integer, got ${size}`);
  const [r, s, ...extra] = readSequence(der, malformed);
  if (extra.length > 0) throw malformed('it holds more than two elements');
  return concatBytes(fixedWidth(r, 'r', size), fixedWidth(s, 's', size));
}

/** r||s (two equal halves) to DER, as Node's `dsaEncoding: 'der'` writes it. */
export function p1363ToDer(sig: Uint8Array): Uint8Array {
  requireBytes(sig, 'signature');
  if (sig.length === 0 || sig.length % 2 !== 0) {
    throw new HarnessError(
      'SIGNATURE_MALFORMED',
      `"signature" expected IEEE-P1363 r||s in two equal halves (64 bytes for secp256k1), got ${sig.length} bytes`,
    );
  }
  const half = sig.length / 2;
  return encodeSequence(
    encodeInteger(bytesToBigint(sig.subarray(0, half))),
    encodeInteger(bytesToBigint(sig.subarray(half))),
  );
}

/**
 * True when `sig` is a strict DER signature with r and s of at most 32 bytes: what a client sends
 * if it kept Node's default encoding. A random 64-byte r||s passes only with negligible odds.
 */
export function looksLikeDer(sig: Uint8Array): boolean {
  try {
    derToP1363(sig);
    return true;
  } catch (err) {
    if (isHarnessError(err) && err.code === 'SIGNATURE_MALFORMED') return false;
    throw err;
  }
}

function fixedWidth(tlv: Tlv | undefined, name: string, size: number): Uint8Array {
  const n = readInteger(expectTag(tlv, TAG.INTEGER, `INTEGER ${name}`, malformed), malformed);
  if (n < 0n) throw malformed(`${name} is negative`);
  const bytes = bigintToBytes(n, size);
  if (bytes.length > size) throw malformed(`${name} is wider than ${size} bytes`);
  return bytes;
}
