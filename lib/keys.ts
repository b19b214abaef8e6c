/**
 * Key import and export in the PEM flavours OpenSSL and Node write: SEC1 `EC PRIVATE KEY`, PKCS#8
 * `PRIVATE KEY` and SPKI `PUBLIC KEY`. secp256k1 is the merchant API's curve (merchant API v1.0,
 * Authentication › Step 3); Ed25519 is the partner and merchant-portal key (onboarding document).
 * Error messages name the field and the fix, and never carry key bytes.
 */
import { bytesEqual } from './bytes';
import {
  contextTag,
  encodeBitString,
  encodeInteger,
  encodeOid,
  encodeSequence,
  encodeTlv,
  expectTag,
  readBitString,
  readChildren,
  readInteger,
  readOid,
  readSequence,
  readWhole,
  requireBytes,
  TAG,
  type DerFail,
  type Tlv,
} from './der';
import { describeValue, HarnessError } from './errors';
import { ed, secp256k1 } from './noble-setup';
import { encodePem, keyGarbage, parsePem, type PemBlock } from './pem';

export type KeyType = 'secp256k1' | 'ed25519';

export interface PrivateKey {
  readonly type: KeyType;
  /** The 32-byte secp256k1 scalar or Ed25519 seed. Not enumerable, so logging the key object does not print it. */
  readonly privateKey: Uint8Array;
  /** secp256k1: 33-byte compressed point; ed25519: 32 bytes. */
  readonly publicKey: Uint8Array;
}

export interface PublicKey {
  readonly type: KeyType;
  readonly publicKey: Uint8Array;
}

const OID = { EC_PUBLIC_KEY: '1.2.840.10045.2.1', SECP256K1: '1.3.132.0.10', ED25519: '1.3.101.112' } as const;

/** Curves people hold by mistake, so the error can say which one it found. */
const OTHER_CURVES: Readonly<Record<string, string>> = {
  '1.2.840.10045.3.1.7': 'prime256v1 (P-256)',
  '1.3.132.0.34': 'secp384r1 (P-384)',
  '1.3.132.0.35': 'secp521r1 (P-521)',
  '1.3.132.0.33': 'secp224r1 (P-224)',
  '1.2.840.10045.3.1.1': 'prime192v1 (P-192)',
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
};

/** Non-EC key algorithms by OID, and by the PEM labels of their traditional formats. */
const OTHER_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.1': 'an RSA key',
  '1.2.840.113549.1.1.10': 'an RSA-PSS key',
  '1.2.840.10040.4.1': 'a DSA key',
  '1.2.840.113549.1.3.1': 'a DH key',
  '1.3.101.110': 'an X25519 key',
  '1.3.101.111': 'an X448 key',
  '1.3.101.113': 'an Ed448 key',
};
const OTHER_LABELS: Readonly<Record<string, string>> = {
  'RSA PRIVATE KEY': 'an RSA key',
  'RSA PUBLIC KEY': 'an RSA key',
  'DSA PRIVATE KEY': 'a DSA key',
};

const PUBOUT_COMMAND = 'openssl pkey -in KEY -pubout -out pub.pem';
const SECP256K1_COMMAND = 'openssl ecparam -name secp256k1 -genkey -noout -out key.pem';
const GENERATE_HINT = `generate one with: ${SECP256K1_COMMAND} (merchant API) or openssl genpkey -algorithm ed25519 -out key.pem (partner API)`;

/** A private key from PEM: SEC1 or PKCS#8 for secp256k1, PKCS#8 for Ed25519. `field` names it in errors. */
export function importPrivateKeyPem(pem: string, field = 'key'): PrivateKey {
  const block = keyBlock(pem, field);
  if (block.label === 'PUBLIC KEY') {
    throw new HarnessError(
      'KEY_PUBLIC_NOT_PRIVATE',
      `"${field}" is a public key; signing needs the private key file it was made from (BEGIN EC PRIVATE KEY or BEGIN PRIVATE KEY)`,
    );
  }
  return decodePrivate(block, field);
}

/**
 * A public key from SPKI PEM. Given a private key PEM it derives the public key, so
 * `verify --pub priv.pem` works; use `importPublicKeyPemStrict` where a private key must be refused.
 */
export function importPublicKeyPem(pem: string, field = 'key'): PublicKey {
  return decodePublic(keyBlock(pem, field), field);
}

/** As `importPublicKeyPem`, but refuses a private key: for paths that publish or register the key. */
export function importPublicKeyPemStrict(pem: string, field = 'key'): PublicKey {
  const block = keyBlock(pem, field);
  if (block.label.includes('PRIVATE KEY')) {
    throw new HarnessError(
      'KEY_PRIVATE_NOT_PUBLIC',
      `"${field}" is a private key; give the public key instead: ${PUBOUT_COMMAND}`,
    );
  }
  return decodePublic(block, field);
}

/** PEM of a private key: SEC1 by default for secp256k1 (what the API document generates), PKCS#8 for Ed25519. */
export function exportPrivateKeyPem(key: PrivateKey, format?: 'sec1' | 'pkcs8'): string {
  const checked = privateKeyFromBytes(requireKey(key).type, requireBytes(key.privateKey, 'key.privateKey'));
  const chosen = format ?? (checked.type === 'secp256k1' ? 'sec1' : 'pkcs8');
  if (chosen !== 'sec1' && chosen !== 'pkcs8')
    throw new HarnessError('INVALID_ARGUMENT', `"format" expected "sec1" or "pkcs8", got ${describeValue(format)}`);
  if (checked.type === 'ed25519') {
    if (chosen === 'sec1')
      throw new HarnessError('INVALID_ARGUMENT', '"format" sec1 is for EC keys only; write Ed25519 keys as "pkcs8"');
    return encodePem('PRIVATE KEY', pkcs8(checked, encodeTlv(TAG.OCTET_STRING, checked.privateKey)));
  }
  // As OpenSSL writes them: SEC1 names the curve in [0]; inside PKCS#8 the AlgorithmIdentifier does.
  const sec1 = (withCurve: boolean): Uint8Array =>
    encodeSequence(
      encodeInteger(1n),
      encodeTlv(TAG.OCTET_STRING, checked.privateKey),
      ...(withCurve ? [encodeTlv(contextTag(0), encodeOid(OID.SECP256K1))] : []),
      encodeTlv(contextTag(1), encodeBitString(uncompressedPoint(checked))),
    );
  return chosen === 'sec1'
    ? encodePem('EC PRIVATE KEY', sec1(true))
    : encodePem('PRIVATE KEY', pkcs8(checked, sec1(false)));
}

/** SPKI PEM; a secp256k1 point is written uncompressed, as OpenSSL and Node write it. */
export function exportPublicKeyPem(key: PublicKey | PrivateKey): string {
  const { type, publicKey } = requireKey(key);
  const raw =
    type === 'secp256k1' ? uncompressedPoint({ type, publicKey }) : publicFromBytes(type, publicKey, 'key.publicKey');
  return encodePem('PUBLIC KEY', encodeSequence(algorithmIdentifier(type), encodeBitString(raw)));
}

/** A fresh key from noble's CSPRNG-backed `randomSecretKey` (crypto.getRandomValues underneath). */
export function generatePrivateKey(type: KeyType): PrivateKey {
  const curve = requireKeyType(type, 'type') === 'secp256k1' ? secp256k1 : ed;
  return privateKeyFromBytes(type, curve.utils.randomSecretKey());
}

/** A private key from its 32 raw bytes; checks the secp256k1 scalar is in [1, n-1] and derives the public key. */
export function privateKeyFromBytes(type: KeyType, bytes: Uint8Array): PrivateKey {
  return keyFromSecret(requireKeyType(type, 'type'), requireBytes(bytes, 'bytes'), 'key');
}

/** 65-byte 04||x||y: what Node's crypto and JWK (x, y) interop need. */
export function uncompressedPoint(key: PublicKey): Uint8Array {
  const { type, publicKey } = requireKey(key);
  if (type !== 'secp256k1')
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"key" expected a secp256k1 key, got ${type}: only EC points have an uncompressed form`,
    );
  return pointFromBytes(publicKey, 'key.publicKey').toBytes(false);
}

/** The one key block in `pem`. */
function keyBlock(pem: string, field: string): PemBlock {
  // `openssl ecparam -genkey` without -noout writes an EC PARAMETERS block before the key.
  const blocks = parsePem(pem, field).filter((block) => block.label !== 'EC PARAMETERS');
  const [block] = blocks;
  if (block === undefined)
    throw keyGarbage(field, 'it holds only EC PARAMETERS, no key; generate the key with -genkey');
  if (blocks.length > 1)
    throw keyGarbage(
      field,
      `it holds ${blocks.length} PEM blocks (${blocks.map((b) => b.label).join(', ')}); give one key per file`,
    );
  return block;
}

function decodePrivate(block: PemBlock, field: string): PrivateKey {
  if (block.label === 'EC PRIVATE KEY') return decodeSec1(block.der, undefined, field);
  if (block.label === 'PRIVATE KEY') return decodePkcs8(block.der, field);
  const algorithm = OTHER_LABELS[block.label];
  if (algorithm !== undefined) throw unsupported(field, `is ${algorithm}`);
  throw keyGarbage(field, `its PEM block is "${block.label}"; expected EC PRIVATE KEY, PRIVATE KEY or PUBLIC KEY`);
}

function decodePublic(block: PemBlock, field: string): PublicKey {
  if (block.label === 'PUBLIC KEY') return decodeSpki(block.der, field);
  const { type, publicKey } = decodePrivate(block, field);
  return { type, publicKey };
}

/** SEC1 ECPrivateKey (RFC 5915 §3). Inside PKCS#8 the curve may be named only outside, in `outerCurve`. */
function decodeSec1(der: Uint8Array, outerCurve: string | undefined, field: string): PrivateKey {
  const fail = failWith(field);
  const [version, secret, ...optional] = readSequence(der, fail);
  if (readInteger(expectTag(version, TAG.INTEGER, 'a version INTEGER', fail), fail) !== 1n)
    throw fail('its EC private key version is not 1');
  const scalar = expectTag(secret, TAG.OCTET_STRING, 'the private key OCTET STRING', fail);
  const params = optional.find((t) => t.tag === contextTag(0));
  const curve = params ? readCurve(readWhole(params.value, fail), field) : outerCurve;
  if (curve === undefined) throw fail('it does not name its curve');
  requireSecp256k1(curve, field);
  // Old OpenSSL dropped leading zero bytes of the scalar; RFC 5915 wants 32, so restore them.
  if (scalar.length > 32) throw fail('its private scalar is longer than 32 bytes');
  const padded = new Uint8Array(32);
  padded.set(scalar, 32 - scalar.length);
  const key = keyFromSecret('secp256k1', padded, field);
  const embedded = optional.find((t) => t.tag === contextTag(1));
  checkEmbeddedPublic(
    key,
    embedded && expectTag(readWhole(embedded.value, fail), TAG.BIT_STRING, 'a public key BIT STRING', fail),
    field,
  );
  return key;
}

/** PKCS#8 PrivateKeyInfo / OneAsymmetricKey (RFC 5208, RFC 5958). */
function decodePkcs8(der: Uint8Array, field: string): PrivateKey {
  const fail = failWith(field);
  const [version, algorithm, secret, ...optional] = readSequence(der, fail);
  const v = readInteger(expectTag(version, TAG.INTEGER, 'a version INTEGER', fail), fail);
  if (v !== 0n && v !== 1n) throw fail('its PKCS#8 version is not 0 or 1');
  const type = keyTypeOf(algorithm, field);
  const inner = expectTag(secret, TAG.OCTET_STRING, 'the private key OCTET STRING', fail);
  if (type === 'secp256k1') return decodeSec1(inner, OID.SECP256K1, field);
  // RFC 8410 §7: the Ed25519 seed is itself an OCTET STRING; a v2 key may add the public key as [1] IMPLICIT BIT STRING.
  const key = keyFromSecret(
    'ed25519',
    expectTag(readWhole(inner, fail), TAG.OCTET_STRING, 'the Ed25519 seed OCTET STRING', fail),
    field,
  );
  checkEmbeddedPublic(key, optional.find((t) => t.tag === contextTag(1, false))?.value, field);
  return key;
}

/** SubjectPublicKeyInfo (RFC 5280 §4.1.2.7). */
function decodeSpki(der: Uint8Array, field: string): PublicKey {
  const fail = failWith(field);
  const [algorithm, bits, ...extra] = readSequence(der, fail);
  if (extra.length > 0) throw fail('its public key structure has extra fields');
  const type = keyTypeOf(algorithm, field);
  return {
    type,
    publicKey: publicFromBytes(type, readBitString(expectTag(bits, TAG.BIT_STRING, 'a BIT STRING', fail), fail), field),
  };
}

/** The key type an AlgorithmIdentifier names, refusing other curves and algorithms by name. */
function keyTypeOf(algorithm: Tlv | undefined, field: string): KeyType {
  const fail = failWith(field);
  const [oidTlv, params] = readChildren(
    expectTag(algorithm, TAG.SEQUENCE, 'an AlgorithmIdentifier SEQUENCE', fail),
    fail,
  );
  const oid = readOid(expectTag(oidTlv, TAG.OID, 'an algorithm OBJECT IDENTIFIER', fail), fail);
  if (oid === OID.ED25519) return 'ed25519';
  if (oid === OID.EC_PUBLIC_KEY) {
    if (params === undefined) throw fail('its EC algorithm does not name a curve');
    requireSecp256k1(readCurve(params, field), field);
    return 'secp256k1';
  }
  throw unsupported(
    field,
    `is ${OTHER_ALGORITHMS[oid] ?? `a key of an algorithm this harness does not know (OID ${oid})`}`,
  );
}

/** The named curve of SEC1 ECParameters; explicit parameters are refused with the conversion command. */
function readCurve(params: Tlv, field: string): string {
  if (params.tag === TAG.SEQUENCE) {
    const convert = 'openssl ec -in KEY -param_enc named_curve -out named.pem';
    throw new HarnessError(
      'KEY_UNSUPPORTED_TYPE',
      `"${field}" spells out its curve parameters instead of naming the curve; convert it: ${convert}`,
    );
  }
  const fail = failWith(field);
  return readOid(expectTag(params, TAG.OID, 'a named-curve OBJECT IDENTIFIER', fail), fail);
}

function requireSecp256k1(curveOid: string, field: string): void {
  if (curveOid === OID.SECP256K1) return;
  const name = OTHER_CURVES[curveOid] ?? `the curve with OID ${curveOid}`;
  throw new HarnessError(
    'KEY_WRONG_CURVE',
    `"${field}" is an EC key on ${name}; the API needs secp256k1: generate one with: ${SECP256K1_COMMAND}`,
  );
}

/** A private key whose public half is derived here, never taken from the file, so the two cannot disagree. */
function keyFromSecret(type: KeyType, secret: Uint8Array, field: string): PrivateKey {
  if (secret.length !== 32) throw keyGarbage(field, `its private key is ${secret.length} bytes; expected 32`);
  if (type === 'secp256k1' && !secp256k1.utils.isValidSecretKey(secret)) {
    throw keyGarbage(
      field,
      'its private scalar is out of range for secp256k1 (zero, or not below the group order); the file is damaged or was not made for secp256k1',
    );
  }
  const privateKey = secret.slice();
  const publicKey = type === 'secp256k1' ? secp256k1.getPublicKey(privateKey, true) : ed.getPublicKey(privateKey);
  const key = { type, publicKey };
  Object.defineProperty(key, 'privateKey', { value: privateKey, enumerable: false });
  return Object.freeze(key) as PrivateKey;
}

/** A public key in this module's encoding (compressed for secp256k1), checked to be on the curve. */
function publicFromBytes(type: KeyType, bytes: Uint8Array, field: string): Uint8Array {
  if (type === 'secp256k1') return pointFromBytes(bytes, field).toBytes(true);
  try {
    ed.Point.fromBytes(bytes);
  } catch {
    throw keyGarbage(
      field,
      `its public key is not a valid Ed25519 point; export it again from the private key: ${PUBOUT_COMMAND}`,
    );
  }
  return bytes.slice();
}

function pointFromBytes(bytes: Uint8Array, field: string): ReturnType<typeof secp256k1.Point.fromBytes> {
  try {
    return secp256k1.Point.fromBytes(bytes);
  } catch {
    throw keyGarbage(
      field,
      `its public key is not a point on secp256k1; export it again from the private key: ${PUBOUT_COMMAND}`,
    );
  }
}

/** A public key stored beside the private one must match it: a mismatch means a corrupted or spliced file. */
function checkEmbeddedPublic(key: PrivateKey, bitString: Uint8Array | undefined, field: string): void {
  if (bitString === undefined) return;
  const fail = failWith(field);
  if (!bytesEqual(publicFromBytes(key.type, readBitString(bitString, fail), field), key.publicKey))
    throw fail('its embedded public key does not match its private key');
}

function algorithmIdentifier(type: KeyType): Uint8Array {
  return type === 'secp256k1'
    ? encodeSequence(encodeOid(OID.EC_PUBLIC_KEY), encodeOid(OID.SECP256K1))
    : encodeSequence(encodeOid(OID.ED25519));
}

function pkcs8(key: PrivateKey, privateKeyContent: Uint8Array): Uint8Array {
  return encodeSequence(
    encodeInteger(0n),
    algorithmIdentifier(key.type),
    encodeTlv(TAG.OCTET_STRING, privateKeyContent),
  );
}

function requireKeyType(type: unknown, field: string): KeyType {
  if (type === 'secp256k1' || type === 'ed25519') return type;
  throw new HarnessError(
    'INVALID_ARGUMENT',
    `"${field}" expected "secp256k1" or "ed25519", got ${describeValue(type)}`,
  );
}

function requireKey<K extends PublicKey>(key: K): K {
  if (typeof key !== 'object' || key === null)
    throw new HarnessError('INVALID_ARGUMENT', `"key" expected a key object, got ${describeValue(key)}`);
  requireKeyType(key.type, 'key.type');
  requireBytes(key.publicKey, 'key.publicKey');
  return key;
}

/** DER structure errors: the likely causes are a partial copy or a file that is not a key at all. */
function failWith(field: string): DerFail {
  return (reason) => keyGarbage(field, `${reason}; check the whole file was copied, or export the key again`);
}

function unsupported(field: string, what: string): HarnessError {
  return new HarnessError(
    'KEY_UNSUPPORTED_TYPE',
    `"${field}" ${what}; the API needs an EC secp256k1 or an Ed25519 key: ${GENERATE_HINT}`,
  );
}
