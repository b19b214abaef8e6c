/**
 * The proof: keys written by `openssl` and by Node in every supported PEM flavour import
 * correctly, what we export reads back in both, and every refusal has the right code and no key
 * material in its message. Fixtures are generated here, each run, through openssl's stdin/stdout.
 */
import { execFileSync } from 'node:child_process';
import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  verify as nodeVerify,
} from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Encode, concatBytes, hexDecode, hexEncode } from './bytes';
import {
  bigintToBytes,
  contextTag,
  encodeBitString,
  encodeInteger,
  encodeOid,
  encodeSequence,
  encodeTlv,
  TAG,
} from './der';
import { isHarnessError, type HarnessErrorCode } from './errors';
import {
  exportPrivateKeyPem,
  exportPublicKeyPem,
  generatePrivateKey,
  importPrivateKeyPem,
  importPublicKeyPem,
  importPublicKeyPemStrict,
  privateKeyFromBytes,
  uncompressedPoint,
  type KeyType,
  type PrivateKey,
} from './keys';
import { ed, secp256k1 } from './noble-setup';
import { encodePem, parsePem } from './pem';
import { thrownHarnessError } from './testing/thrown-harness-error';

const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Runs the openssl CLI with `input` on stdin and returns stdout; a non-zero exit throws. */
function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

const opensslSec1 = (curve = 'secp256k1') => openssl(['ecparam', '-name', curve, '-genkey', '-noout']);
const opensslEd25519 = () => openssl(['genpkey', '-algorithm', 'ed25519']);
const nodeEc = () => generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
const nodeEd = () => generateKeyPairSync('ed25519');
const pem = (key: { export(o: object): string | Buffer }, type: string) =>
  key.export({ type, format: 'pem' }) as string;

interface RawKey {
  type: KeyType;
  privateKey?: Uint8Array;
  publicKey: Uint8Array;
}

const fromB64url = (text: string | undefined) =>
  text === undefined ? undefined : new Uint8Array(Buffer.from(text, 'base64url'));

/** What Node reads from the same PEM, in this module's encoding (compressed secp256k1 points). */
function nodeView(text: string): RawKey {
  const jwk = (text.includes('PRIVATE KEY') ? createPrivateKey(text) : createPublicKey(text)).export({ format: 'jwk' });
  const x = fromB64url(jwk.x)!;
  const d = fromB64url(jwk.d);
  if (jwk.crv === 'Ed25519') return { type: 'ed25519', publicKey: x, ...(d && { privateKey: d }) };
  expect(jwk.crv).toBe('secp256k1');
  const y = fromB64url(jwk.y)!;
  return { type: 'secp256k1', publicKey: concatBytes(Uint8Array.of(2 | (y[31]! & 1)), x), ...(d && { privateKey: d }) };
}

/** privateKey is not enumerable (so logs skip it): compare it explicitly. */
const raw = (key: PrivateKey): RawKey => ({ type: key.type, privateKey: key.privateKey, publicKey: key.publicKey });

/** Independent of JWK: a signature made with our imported key verifies in Node against the original PEM. */
function nodeVerifiesOurSignature(key: PrivateKey, originalPem: string): boolean {
  const msg = randomBytes(40);
  const publicKey = createPublicKey(originalPem);
  if (key.type === 'ed25519') return nodeVerify(null, msg, publicKey, ed.sign(msg, key.privateKey));
  return nodeVerify(
    'sha256',
    msg,
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    secp256k1.sign(msg, key.privateKey, { prehash: true }),
  );
}

/** Secrets never leak: no 16-character run of the PEM body, and no long hex run, in the message. */
function expectNoKeyMaterial(message: string, text: string): void {
  const body = text.replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  for (let i = 0; i + 16 <= body.length; i++) expect(message).not.toContain(body.slice(i, i + 16));
  expect(message).not.toMatch(/[0-9a-fA-F]{16}/);
}

function expectRefusal(fn: () => unknown, code: HarnessErrorCode, text: string, message?: RegExp): void {
  const err = thrownHarnessError(fn);
  expect({ code: err.code, message: err.message }).toEqual({
    code,
    message: message ? expect.stringMatching(message) : expect.any(String),
  });
  expectNoKeyMaterial(err.message, text);
}

/** A SEC1 key built by hand, for shapes openssl no longer writes or refuses to write. */
function handMadeSec1(scalar: Uint8Array, publicPoint?: Uint8Array): string {
  const curve = encodeTlv(contextTag(0), encodeOid('1.3.132.0.10'));
  const embedded = publicPoint ? [encodeTlv(contextTag(1), encodeBitString(publicPoint))] : [];
  return encodePem(
    'EC PRIVATE KEY',
    encodeSequence(encodeInteger(1n), encodeTlv(TAG.OCTET_STRING, scalar), curve, ...embedded),
  );
}

const derOf = (text: string) => parsePem(text).find((b) => b.label !== 'EC PARAMETERS')!.der;

describe('importPrivateKeyPem reads every supported flavour as Node does', () => {
  const flavours: Array<[string, () => string]> = [
    ['openssl ecparam -genkey -noout (SEC1)', () => opensslSec1()],
    [
      'openssl ecparam -genkey (EC PARAMETERS block, then SEC1)',
      () => openssl(['ecparam', '-name', 'secp256k1', '-genkey']),
    ],
    [
      'openssl ec -conv_form compressed (SEC1, compressed public key)',
      () => openssl(['ec', '-conv_form', 'compressed'], opensslSec1()),
    ],
    ['openssl pkcs8 -topk8 -nocrypt (PKCS#8 EC)', () => openssl(['pkcs8', '-topk8', '-nocrypt'], opensslSec1())],
    [
      'openssl genpkey -algorithm EC (PKCS#8 EC)',
      () => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1']),
    ],
    ['openssl genpkey -algorithm ed25519 (PKCS#8)', opensslEd25519],
    ['Node sec1', () => pem(nodeEc().privateKey, 'sec1')],
    ['Node pkcs8 (EC)', () => pem(nodeEc().privateKey, 'pkcs8')],
    ['Node pkcs8 (Ed25519)', () => pem(nodeEd().privateKey, 'pkcs8')],
    ['Node sec1 with CRLF line ends', () => pem(nodeEc().privateKey, 'sec1').replace(/\n/g, '\r\n')],
  ];

  it.each(flavours)('%s', (_name, make) => {
    const text = make();
    const key = importPrivateKeyPem(text);
    expect(raw(key)).toEqual(nodeView(text));
    expect(key.privateKey).toHaveLength(32);
    expect(nodeVerifiesOurSignature(key, text)).toBe(true);
  });

  it('restores the leading zero bytes old OpenSSL dropped from a SEC1 scalar', () => {
    const scalar = concatBytes(Uint8Array.of(0), randomBytes(31));
    expect(raw(importPrivateKeyPem(handMadeSec1(scalar.subarray(1))))).toEqual(
      raw(privateKeyFromBytes('secp256k1', scalar)),
    );
  });

  it('reads a PKCS#8 v2 (OneAsymmetricKey) Ed25519 key that carries its public key', () => {
    const key = generatePrivateKey('ed25519');
    const algorithm = encodeSequence(encodeOid('1.3.101.112'));
    const seed = encodeTlv(TAG.OCTET_STRING, encodeTlv(TAG.OCTET_STRING, key.privateKey));
    // RFC 5958: publicKey [1] IMPLICIT BIT STRING, so the content is the unused-bits byte and the key.
    const v2 = (pub: Uint8Array) =>
      encodePem(
        'PRIVATE KEY',
        encodeSequence(
          encodeInteger(1n),
          algorithm,
          seed,
          encodeTlv(contextTag(1, false), concatBytes(Uint8Array.of(0), pub)),
        ),
      );
    expect(raw(importPrivateKeyPem(v2(key.publicKey)))).toEqual(raw(key));
    const other = v2(generatePrivateKey('ed25519').publicKey);
    expectRefusal(() => importPrivateKeyPem(other), 'KEY_GARBAGE', other, /embedded public key does not match/);
  });

  it('accepts explicit-parameter keys once converted with the command its refusal gives', () => {
    const explicit = openssl(['ec', '-param_enc', 'explicit'], opensslSec1());
    expectRefusal(
      () => importPrivateKeyPem(explicit),
      'KEY_UNSUPPORTED_TYPE',
      explicit,
      /openssl ec -in KEY -param_enc named_curve/,
    );
    const named = openssl(['ec', '-param_enc', 'named_curve'], explicit);
    expect(raw(importPrivateKeyPem(named))).toEqual(nodeView(named));
  });
});

describe('importPublicKeyPem', () => {
  const flavours: Array<[string, () => string]> = [
    ['openssl ec -pubout (uncompressed point)', () => openssl(['ec', '-pubout'], opensslSec1())],
    [
      'openssl ec -pubout -conv_form compressed',
      () => openssl(['ec', '-pubout', '-conv_form', 'compressed'], opensslSec1()),
    ],
    ['openssl pkey -pubout (Ed25519)', () => openssl(['pkey', '-pubout'], opensslEd25519())],
    ['Node spki (EC)', () => pem(nodeEc().publicKey, 'spki')],
    ['Node spki (Ed25519)', () => pem(nodeEd().publicKey, 'spki')],
  ];

  it.each(flavours)('reads %s', (_name, make) => {
    const text = make();
    expect(importPublicKeyPem(text)).toEqual(nodeView(text));
  });

  it('derives the public key from a private key PEM, and returns no private part', () => {
    for (const text of [opensslSec1(), opensslEd25519()]) {
      const pub = importPublicKeyPem(text);
      expect(pub).toEqual(importPublicKeyPem(openssl(['pkey', '-pubout'], text)));
      expect(Object.getOwnPropertyNames(pub).sort()).toEqual(['publicKey', 'type']);
    }
  });

  it('has a strict variant that refuses a private key for paths that publish the key', () => {
    const text = opensslSec1();
    expectRefusal(() => importPublicKeyPemStrict(text), 'KEY_PRIVATE_NOT_PUBLIC', text, /openssl pkey -in KEY -pubout/);
    const pubText = openssl(['ec', '-pubout'], text);
    expect(importPublicKeyPemStrict(pubText)).toEqual(importPublicKeyPem(text));
  });
});

describe('export', () => {
  const cases: Array<[string, KeyType, 'sec1' | 'pkcs8' | undefined, string]> = [
    ['secp256k1 default (sec1)', 'secp256k1', undefined, 'sec1'],
    ['secp256k1 sec1', 'secp256k1', 'sec1', 'sec1'],
    ['secp256k1 pkcs8', 'secp256k1', 'pkcs8', 'pkcs8'],
    ['ed25519 default (pkcs8)', 'ed25519', undefined, 'pkcs8'],
    ['ed25519 pkcs8', 'ed25519', 'pkcs8', 'pkcs8'],
  ];

  it.each(cases)(
    '%s: byte-identical to what Node writes, read back by Node, openssl and us',
    (_name, type, format, nodeType) => {
      const key = generatePrivateKey(type);
      const privatePem = exportPrivateKeyPem(key, format);
      const publicPem = exportPublicKeyPem(key);
      // Node re-exporting our file gives the same bytes: our encoding is the canonical one.
      expect(pem(createPrivateKey(privatePem), nodeType)).toBe(privatePem);
      expect(pem(createPublicKey(publicPem), 'spki')).toBe(publicPem);
      expect(nodeView(privatePem)).toEqual(raw(key));
      expect(nodeView(publicPem)).toEqual({ type, publicKey: key.publicKey });
      // openssl reads both, and derives the same public key we wrote.
      expect(openssl(['pkey', '-pubout'], privatePem)).toBe(publicPem);
      expect(openssl(['pkey', '-pubin', '-pubout'], publicPem)).toBe(publicPem);
      expect(raw(importPrivateKeyPem(privatePem))).toEqual(raw(key));
      expect(importPublicKeyPem(publicPem)).toEqual({ type, publicKey: key.publicKey });
    },
  );

  it('writes SEC1 exactly as openssl ecparam -genkey -noout does', () => {
    const text = opensslSec1();
    expect(exportPrivateKeyPem(importPrivateKeyPem(text))).toBe(text);
    expect(exportPublicKeyPem(importPrivateKeyPem(text))).toBe(openssl(['ec', '-pubout'], text));
  });

  it('refuses sec1 for Ed25519, an unknown format, and a tampered key', () => {
    const edKey = generatePrivateKey('ed25519');
    expect(() => exportPrivateKeyPem(edKey, 'sec1')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/pkcs8/) }),
    );
    expect(() => exportPrivateKeyPem(generatePrivateKey('secp256k1'), 'pem' as 'sec1')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    const zero: PrivateKey = { type: 'secp256k1', privateKey: new Uint8Array(32), publicKey: new Uint8Array(33) };
    expect(() => exportPrivateKeyPem(zero)).toThrow(
      expect.objectContaining({ code: 'KEY_GARBAGE', message: expect.stringMatching(/out of range/) }),
    );
    expect(() => exportPublicKeyPem({ type: 'secp256k1', publicKey: new Uint8Array(33) })).toThrow(
      expect.objectContaining({ code: 'KEY_GARBAGE' }),
    );
  });
});

describe('privateKeyFromBytes and generatePrivateKey', () => {
  it('derive the public key Node derives from the same private bytes', () => {
    for (let i = 0; i < 20; i++) {
      const ec = generatePrivateKey('secp256k1');
      const ecdh = createECDH('secp256k1');
      ecdh.setPrivateKey(ec.privateKey);
      expect(ec.publicKey).toEqual(new Uint8Array(ecdh.getPublicKey(null, 'compressed')));
      // RFC 8410 §10.3's fixed PKCS#8 prefix, so Node reads the seed without our encoder in the way.
      const edKey = generatePrivateKey('ed25519');
      const pkcs8 = Buffer.from(concatBytes(hexDecode('302e020100300506032b657004220420'), edKey.privateKey));
      expect(nodeView(pem(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }), 'pkcs8'))).toEqual(
        raw(edKey),
      );
    }
  });

  it('generate a different key each time', () => {
    for (const type of ['secp256k1', 'ed25519'] as const)
      expect(generatePrivateKey(type).privateKey).not.toEqual(generatePrivateKey(type).privateKey);
  });

  it('accept the scalar range [1, n-1] for secp256k1 and refuse the rest', () => {
    expect(privateKeyFromBytes('secp256k1', bigintToBytes(1n, 32)).publicKey).toEqual(
      secp256k1.Point.BASE.toBytes(true),
    );
    expect(privateKeyFromBytes('secp256k1', bigintToBytes(SECP256K1_ORDER - 1n, 32)).publicKey).toEqual(
      secp256k1.Point.BASE.negate().toBytes(true),
    );
    for (const bad of [0n, SECP256K1_ORDER, 2n ** 256n - 1n]) {
      expect(() => privateKeyFromBytes('secp256k1', bigintToBytes(bad, 32))).toThrow(
        expect.objectContaining({ code: 'KEY_GARBAGE', message: expect.stringMatching(/out of range/) }),
      );
    }
  });

  it('refuse a wrong length, a non-byte value and an unknown type', () => {
    expect(() => privateKeyFromBytes('ed25519', new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: 'KEY_GARBAGE', message: expect.stringMatching(/31 bytes; expected 32/) }),
    );
    expect(() => privateKeyFromBytes('ed25519', [1, 2] as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => generatePrivateKey('p256' as KeyType)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/"type"/) }),
    );
  });

  it('copy the input, so later changes to the caller’s buffer do not change the key', () => {
    const bytes = randomBytes(32);
    const key = privateKeyFromBytes('ed25519', bytes);
    bytes.fill(1);
    expect(key.privateKey).not.toEqual(new Uint8Array(bytes));
  });

  it('keep the private key out of JSON, inspect and spreads, and freeze the key', () => {
    const key = generatePrivateKey('secp256k1');
    expect(Object.keys(key).sort()).toEqual(['publicKey', 'type']);
    expect(JSON.stringify(key)).not.toContain('privateKey');
    expect(inspect(key, { depth: 5 })).not.toContain('privateKey');
    expect('privateKey' in { ...key }).toBe(false);
    expect(key.privateKey).toHaveLength(32);
    expect(Object.isFrozen(key)).toBe(true);
  });
});

describe('uncompressedPoint', () => {
  it('is 04||x||y as Node reports x and y', () => {
    const { publicKey } = nodeEc();
    const jwk = publicKey.export({ format: 'jwk' });
    const key = importPublicKeyPem(pem(publicKey, 'spki'));
    expect(uncompressedPoint(key)).toEqual(concatBytes(Uint8Array.of(4), fromB64url(jwk.x)!, fromB64url(jwk.y)!));
  });

  it('refuses an Ed25519 key', () => {
    expect(() => uncompressedPoint(generatePrivateKey('ed25519'))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('refusals name the problem and the fix, and carry no key material', () => {
  const rsa = () => openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024']);
  type Case = [string, () => string, (text: string) => unknown, HarnessErrorCode, RegExp];
  const cases: Case[] = [
    [
      'a prime256v1 SEC1 key',
      () => opensslSec1('prime256v1'),
      importPrivateKeyPem,
      'KEY_WRONG_CURVE',
      /EC key on prime256v1 \(P-256\); the API needs secp256k1: generate one with: openssl ecparam/,
    ],
    [
      'a prime256v1 PKCS#8 key',
      () => openssl(['pkcs8', '-topk8', '-nocrypt'], opensslSec1('prime256v1')),
      importPrivateKeyPem,
      'KEY_WRONG_CURVE',
      /prime256v1/,
    ],
    [
      'a prime256v1 public key',
      () => openssl(['ec', '-pubout'], opensslSec1('prime256v1')),
      importPublicKeyPem,
      'KEY_WRONG_CURVE',
      /prime256v1/,
    ],
    ['a secp384r1 key', () => opensslSec1('secp384r1'), importPrivateKeyPem, 'KEY_WRONG_CURVE', /secp384r1 \(P-384\)/],
    [
      'an unnamed curve',
      () => opensslSec1('brainpoolP160r1'),
      importPrivateKeyPem,
      'KEY_WRONG_CURVE',
      /the curve with OID 1\.3\.36\.3\.3\.2\.8\.1\.1\.1/,
    ],
    [
      'an RSA PKCS#8 key',
      rsa,
      importPrivateKeyPem,
      'KEY_UNSUPPORTED_TYPE',
      /is an RSA key; the API needs an EC secp256k1 or an Ed25519 key/,
    ],
    [
      'a traditional RSA key',
      () => openssl(['rsa', '-traditional'], rsa()),
      importPrivateKeyPem,
      'KEY_UNSUPPORTED_TYPE',
      /is an RSA key/,
    ],
    [
      'an RSA public key',
      () => openssl(['pkey', '-pubout'], rsa()),
      importPublicKeyPem,
      'KEY_UNSUPPORTED_TYPE',
      /is an RSA key/,
    ],
    [
      'an X25519 key',
      () => openssl(['genpkey', '-algorithm', 'x25519']),
      importPrivateKeyPem,
      'KEY_UNSUPPORTED_TYPE',
      /is an X25519 key/,
    ],
    [
      'an Ed448 key',
      () => openssl(['genpkey', '-algorithm', 'ed448']),
      importPrivateKeyPem,
      'KEY_UNSUPPORTED_TYPE',
      /is an Ed448 key/,
    ],
    [
      'openssl ec -aes256 (legacy encrypted SEC1)',
      () => openssl(['ec', '-aes256', '-passout', 'pass:x'], opensslSec1()),
      importPrivateKeyPem,
      'KEY_ENCRYPTED',
      /decrypt it first: openssl pkey -in KEY -out plain\.pem/,
    ],
    [
      'openssl pkcs8 -topk8 -v2 aes256',
      () => openssl(['pkcs8', '-topk8', '-v2', 'aes256', '-passout', 'pass:x'], opensslSec1()),
      importPrivateKeyPem,
      'KEY_ENCRYPTED',
      /decrypt it first/,
    ],
    [
      'an encrypted Ed25519 key',
      () => openssl(['pkey', '-aes256', '-passout', 'pass:x'], opensslEd25519()),
      importPrivateKeyPem,
      'KEY_ENCRYPTED',
      /decrypt it first/,
    ],
    [
      'an encrypted key given as public',
      () => openssl(['pkey', '-aes256', '-passout', 'pass:x'], opensslEd25519()),
      importPublicKeyPem,
      'KEY_ENCRYPTED',
      /decrypt it first/,
    ],
    [
      'an EC public key given as private',
      () => openssl(['ec', '-pubout'], opensslSec1()),
      importPrivateKeyPem,
      'KEY_PUBLIC_NOT_PRIVATE',
      /is a public key; signing needs the private key/,
    ],
    [
      'an Ed25519 public key given as private',
      () => pem(nodeEd().publicKey, 'spki'),
      importPrivateKeyPem,
      'KEY_PUBLIC_NOT_PRIVATE',
      /is a public key/,
    ],
    [
      'a private and a public key in one file',
      () => {
        const t = opensslSec1();
        return t + openssl(['ec', '-pubout'], t);
      },
      importPrivateKeyPem,
      'KEY_GARBAGE',
      /2 PEM blocks \(EC PRIVATE KEY, PUBLIC KEY\); give one key per file/,
    ],
    [
      'EC PARAMETERS alone',
      () => openssl(['ecparam', '-name', 'secp256k1']),
      importPrivateKeyPem,
      'KEY_GARBAGE',
      /only EC PARAMETERS/,
    ],
    [
      'a certificate',
      () => encodePem('CERTIFICATE', randomBytes(50)),
      importPublicKeyPem,
      'KEY_GARBAGE',
      /"CERTIFICATE"; expected EC PRIVATE KEY, PRIVATE KEY or PUBLIC KEY/,
    ],
    ['a PEM cut in half', () => opensslSec1().slice(0, 120), importPrivateKeyPem, 'KEY_GARBAGE', /no matching END/],
    [
      'base64 without the armour',
      () => base64Encode(derOf(opensslSec1())),
      importPrivateKeyPem,
      'KEY_GARBAGE',
      /expected PEM text/,
    ],
    [
      'trailing bytes after the key',
      () => encodePem('EC PRIVATE KEY', concatBytes(derOf(opensslSec1()), Uint8Array.of(0, 0))),
      importPrivateKeyPem,
      'KEY_GARBAGE',
      /trailing bytes after the end; check the whole file was copied/,
    ],
  ];

  it.each(cases)('%s', (_name, make, importer, code, message) => {
    const text = make();
    expectRefusal(() => importer(text), code, text, message);
  });

  it('name the field they were given', () => {
    const text = opensslSec1('prime256v1');
    expectRefusal(
      () => importPrivateKeyPem(text, 'targets.merchant.privateKeyFile'),
      'KEY_WRONG_CURVE',
      text,
      /^"targets\.merchant\.privateKeyFile" is an EC key/,
    );
  });

  it('refuse a secp256k1 scalar of 0 or n, and a public point off the curve or in an unknown form', () => {
    for (const scalar of [0n, SECP256K1_ORDER]) {
      const text = handMadeSec1(bigintToBytes(scalar, 32));
      expectRefusal(() => importPrivateKeyPem(text), 'KEY_GARBAGE', text, /out of range/);
    }
    const spki = derOf(pem(nodeEc().publicKey, 'spki'));
    for (const [at, value] of [
      [spki.length - 1, spki.at(-1)! ^ 1],
      [spki.length - 65, 0x05],
    ] as const) {
      const bad = spki.slice();
      bad[at] = value;
      const text = encodePem('PUBLIC KEY', bad);
      expectRefusal(() => importPublicKeyPem(text), 'KEY_GARBAGE', text, /not a point on secp256k1/);
    }
  });

  it('refuse an Ed25519 public key that is not a canonical point encoding', () => {
    const text = encodePem(
      'PUBLIC KEY',
      encodeSequence(encodeSequence(encodeOid('1.3.101.112')), encodeBitString(hexDecode(`${'ff'.repeat(31)}7f`))),
    );
    expectRefusal(() => importPublicKeyPem(text), 'KEY_GARBAGE', text, /not a valid Ed25519 point/);
  });

  it('refuse a SEC1 key whose embedded public key belongs to another key (a spliced file)', () => {
    const [a, b] = [generatePrivateKey('secp256k1'), generatePrivateKey('secp256k1')];
    const text = handMadeSec1(a.privateKey, uncompressedPoint(b));
    expect(raw(importPrivateKeyPem(handMadeSec1(a.privateKey, uncompressedPoint(a))))).toEqual(raw(a));
    expectRefusal(() => importPrivateKeyPem(text), 'KEY_GARBAGE', text, /embedded public key does not match/);
  });

  const samples: Array<[string, () => string, (text: string) => unknown]> = [
    ['SEC1', opensslSec1, importPrivateKeyPem],
    ['PKCS#8 EC', () => pem(nodeEc().privateKey, 'pkcs8'), importPrivateKeyPem],
    ['PKCS#8 Ed25519', opensslEd25519, importPrivateKeyPem],
    ['SPKI EC', () => pem(nodeEc().publicKey, 'spki'), importPublicKeyPem],
    ['SPKI Ed25519', () => pem(nodeEd().publicKey, 'spki'), importPublicKeyPem],
  ];

  it.each(samples)(
    'refuse every truncation of a %s key with KEY_GARBAGE and no key material',
    (_name, make, importer) => {
      const [block] = parsePem(make());
      for (let length = 0; length < block!.der.length; length++) {
        const text = encodePem(block!.label, block!.der.subarray(0, length));
        expectRefusal(() => importer(text), 'KEY_GARBAGE', text);
      }
    },
  );

  it.each(samples)(
    'on a %s key with any byte changed, import a valid key or refuse with a KEY_ code, nothing else',
    (_name, make, importer) => {
      const original = make();
      const [block] = parsePem(original);
      fc.assert(
        fc.property(fc.nat(block!.der.length - 1), fc.integer({ min: 1, max: 255 }), (at, xor) => {
          const der = block!.der.slice();
          der[at]! ^= xor;
          const text = encodePem(block!.label, der);
          try {
            const key = importer(text) as { publicKey: Uint8Array };
            expect([32, 33]).toContain(key.publicKey.length);
          } catch (err) {
            if (!isHarnessError(err) || !err.code.startsWith('KEY_')) throw err;
            expectNoKeyMaterial(err.message, original);
          }
        }),
        { numRuns: 300 },
      );
    },
  );

  it('refuse text that is not PEM at all', () => {
    for (const text of [
      '',
      'not a key',
      hexEncode(randomBytes(32)),
      '-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----',
    ]) {
      expectRefusal(() => importPrivateKeyPem(text), 'KEY_GARBAGE', text);
    }
  });
});
