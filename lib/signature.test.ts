import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode } from './bytes';
import { p1363ToDer } from './ecdsa-signature';
import {
  exportPrivateKeyPem,
  exportPublicKeyPem,
  generatePrivateKey,
  importPrivateKeyPem,
  importPublicKeyPem,
} from './keys';
import type { KeyType } from './keys';
import { diagnoseSignature, signBody, signMessage, verifyMessage } from './signature';

const CROSS_RUNS = 200;
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const nodeDigest = (type: KeyType) => (type === 'secp256k1' ? 'sha256' : null);

describe.each(['secp256k1', 'ed25519'] as const)('%s cross-verification with Node crypto (OpenSSL)', (type) => {
  it(`lib signs, Node verifies: ${CROSS_RUNS} random keys and messages`, () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (message) => {
        const key = generatePrivateKey(type);
        const signature = signMessage(key, message);
        const pub = createPublicKey(exportPublicKeyPem(key));
        return nodeVerify(
          nodeDigest(type),
          Buffer.from(message, 'utf8'),
          { key: pub, dsaEncoding: 'ieee-p1363' },
          Buffer.from(signature, 'base64'),
        );
      }),
      { numRuns: CROSS_RUNS },
    );
  });

  it(`Node signs, lib verifies: ${CROSS_RUNS} random keys and messages`, () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (message) => {
        const pair =
          type === 'secp256k1'
            ? generateKeyPairSync('ec', { namedCurve: 'secp256k1' })
            : generateKeyPairSync('ed25519');
        const signature = nodeSign(nodeDigest(type), Buffer.from(message, 'utf8'), {
          key: pair.privateKey,
          dsaEncoding: 'ieee-p1363',
        });
        const pub = importPublicKeyPem(pair.publicKey.export({ type: 'spki', format: 'pem' }) as string);
        // `=== true`: fast-check takes a predicate's undefined as a pass, so a verifier that
        // returned nothing would pass (mutation testing found it).
        return verifyMessage(pub, message, signature.toString('base64')) === true;
      }),
      { numRuns: CROSS_RUNS },
    );
  });

  it('refuses a signature over another message, by another key, or tampered', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.nat(63), fc.integer({ min: 1, max: 255 }), (message, index, flip) => {
        const key = generatePrivateKey(type);
        const signature = signMessage(key, message);
        const tampered = base64Decode(signature);
        tampered[index] = tampered[index]! ^ flip;
        return (
          !verifyMessage(key, `${message}x`, signature) &&
          !verifyMessage(generatePrivateKey(type), message, signature) &&
          !verifyMessage(key, message, base64Encode(tampered))
        );
      }),
      { numRuns: 50 },
    );
  });
});

describe('secp256k1 specifics', () => {
  // Made with the API document's Python snippet: cryptography's DER signature over
  // json.dumps(payload, separators=(',', ':')), converted to r||s. Its s is high.
  const PYTHON_VECTOR = {
    publicKeyPem:
      '-----BEGIN PUBLIC KEY-----\nMFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEI5DGT7hrEaNH2/uQkOYxW9Y7IRizVfmG\nBktuTsBA5fAbwCJ2tUrxUocjsAzYN8bfKr8Jj5TlwnEbAiENZ0B8yQ==\n-----END PUBLIC KEY-----\n',
    payload: '{"voucherCode":"3225118500682251","amount":500,"idempotencyKey":"unique-key-123","metadata":"{}"}',
    signature: '+EPtv3V57IQebSWT66SN/C5S86/e915JV4LtcgGd5CuC3AhjxhhehuRHCW4AtdBn/5DJNLETxgb6cCQihaTgeg==',
  };

  it("verifies the fixed vector made the way the document's Python example signs (high-S)", () => {
    const pub = importPublicKeyPem(PYTHON_VECTOR.publicKeyPem);
    const s = BigInt(`0x${Buffer.from(base64Decode(PYTHON_VECTOR.signature).slice(32)).toString('hex')}`);
    expect(s > SECP256K1_N / 2n).toBe(true);
    expect(verifyMessage(pub, PYTHON_VECTOR.payload, PYTHON_VECTOR.signature)).toBe(true);
    // The same body pretty-printed: the server re-serialises, so the signature still holds.
    expect(
      diagnoseSignature(pub, JSON.stringify(JSON.parse(PYTHON_VECTOR.payload), null, 2), PYTHON_VECTOR.signature)
        .verdict,
    ).toBe('valid');
    expect(
      nodeVerify(
        'sha256',
        Buffer.from(PYTHON_VECTOR.payload),
        { key: createPublicKey(PYTHON_VECTOR.publicKeyPem), dsaEncoding: 'ieee-p1363' },
        Buffer.from(PYTHON_VECTOR.signature, 'base64'),
      ),
    ).toBe(true);
  });

  it('accepts the high-S twin of every valid signature, as Node crypto does', () => {
    fc.assert(
      fc.property(fc.string(), (message) => {
        const key = generatePrivateKey('secp256k1');
        const sig = base64Decode(signMessage(key, message));
        const s = BigInt(`0x${Buffer.from(sig.slice(32)).toString('hex')}`);
        const twin = new Uint8Array(64);
        twin.set(sig.slice(0, 32));
        twin.set(Buffer.from((SECP256K1_N - s).toString(16).padStart(64, '0'), 'hex'), 32);
        const twinB64 = base64Encode(twin);
        const node = nodeVerify(
          'sha256',
          Buffer.from(message),
          { key: createPublicKey(exportPublicKeyPem(key)), dsaEncoding: 'ieee-p1363' },
          Buffer.from(twin),
        );
        return node && verifyMessage(key, message, twinB64);
      }),
      { numRuns: 50 },
    );
  });
});

// Found weak by mutation testing (npm run mutants:lib): low-S, determinism and the refusal of
// out-of-range scalars were not pinned, only agreement with Node (which accepts high-S too).
describe('secp256k1 signing and verification, exactly', () => {
  const key = generatePrivateKey('secp256k1');
  const sBig = (signature: string) => BigInt(`0x${Buffer.from(base64Decode(signature).subarray(32)).toString('hex')}`);

  it('signs low-S only, deterministically (RFC 6979)', () => {
    for (let i = 0; i < 40; i++) expect(sBig(signMessage(key, `message ${i}`)) <= SECP256K1_N / 2n).toBe(true);
    expect(signMessage(key, 'same')).toBe(signMessage(key, 'same'));
  });

  it('refuses r or s out of range and wrong lengths with false, not an exception', () => {
    expect(verifyMessage(key, 'm', base64Encode(new Uint8Array(64).fill(0xff)))).toBe(false);
    expect(verifyMessage(key, 'm', base64Encode(new Uint8Array(64)))).toBe(false);
    expect(verifyMessage(key, 'm', signMessage(key, 'm').slice(0, -4))).toBe(false);
  });
});

describe('ed25519 verification, exactly', () => {
  it('refuses a malformed public key or signature with false, not an exception', () => {
    const key = generatePrivateKey('ed25519');
    const signature = signMessage(key, 'm');
    expect(verifyMessage(key, 'm', signature)).toBe(true);
    expect(verifyMessage({ ...key, publicKey: new Uint8Array(32).fill(0xff) }, 'm', signature)).toBe(false);
    expect(verifyMessage(key, 'm', base64Encode(new Uint8Array(64).fill(0xff)))).toBe(false);
    expect(verifyMessage(key, 'm', base64Encode(base64Decode(signature).subarray(0, 63)))).toBe(false);
  });
});

describe('signBody', () => {
  it('signs the server re-serialisation, whatever whitespace and escapes the body has', () => {
    const key = generatePrivateKey('secp256k1');
    const body = '{ "voucherCode" : "3225118500682251", "amount": 500.0, "metadata": "{\\"shop\\":\\"caf\\u00e9\\"}" }';
    const { canonical, signature } = signBody(key, body);
    expect(canonical).toBe(JSON.stringify(JSON.parse(body)));
    expect(
      nodeVerify(
        'sha256',
        Buffer.from(canonical),
        { key: createPublicKey(exportPublicKeyPem(key)), dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64'),
      ),
    ).toBe(true);
  });
});

describe('diagnoseSignature', () => {
  const key = importPrivateKeyPem(exportPrivateKeyPem(generatePrivateKey('secp256k1')));
  const body = '{"voucherCode":"3225118500682251","amount":500,"idempotencyKey":"k","metadata":"{}"}';

  it('calls a correct signature valid', () => {
    expect(diagnoseSignature(key, body, signBody(key, body).signature)).toMatchObject({
      verdict: 'valid',
      reasons: [],
    });
  });

  it('names DER sent instead of P1363', () => {
    const der = p1363ToDer(base64Decode(signBody(key, body).signature));
    const d = diagnoseSignature(key, body, base64Encode(der));
    expect(d.verdict).toBe('der-instead-of-p1363');
    expect(d.reasons.join(' ')).toMatch(/ieee-p1363/i);
  });

  it('names base64url', () => {
    // Vary the body until its signature's base64 holds + or /, so base64url differs from it.
    const bodyWithKey = (i: number) => JSON.stringify({ ...(JSON.parse(body) as object), idempotencyKey: `k${i}` });
    let i = 0;
    let sig = signBody(key, bodyWithKey(i)).signature;
    while (!/[+/]/.test(sig)) sig = signBody(key, bodyWithKey(++i)).signature;
    const url = sig.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(diagnoseSignature(key, bodyWithKey(i), url).verdict).toBe('base64url');
  });

  it('names a body signed in a serialisation other than the server re-serialisation', () => {
    const pythonStyle =
      '{"voucherCode":"3225118500682251","amount":500.0,"idempotencyKey":"k","metadata":"caf\\u00e9"}';
    const signature = base64Encode(
      Buffer.from(
        nodeSign('sha256', Buffer.from(pythonStyle), {
          key: createPrivateKey(exportPrivateKeyPem(key, 'pkcs8')),
          dsaEncoding: 'ieee-p1363',
        }),
      ),
    );
    const d = diagnoseSignature(key, pythonStyle, signature);
    expect(d.verdict).toBe('signed-other-serialisation');
    expect(d.reasons.join('\n')).toMatch(/\$\.amount/);
    expect(d.reasons.join('\n')).toMatch(/\$\.metadata/);
  });

  it('names keys re-ordered after signing when told what was signed', () => {
    const signedOver = '{"amount":500,"voucherCode":"3225118500682251","idempotencyKey":"k","metadata":"{}"}';
    const d = diagnoseSignature(key, body, signMessage(key, signedOver), signedOver);
    expect(d.verdict).toBe('signed-other-serialisation');
    expect(d.reasons.join('\n')).toMatch(/order/i);
  });

  it('says another key or body otherwise, and refuses non-base64 and wrong lengths', () => {
    expect(diagnoseSignature(key, body, signBody(generatePrivateKey('secp256k1'), body).signature).verdict).toBe(
      'other-key-or-body',
    );
    expect(diagnoseSignature(key, body, 'not base64 at all!').verdict).toBe('not-base64');
    expect(diagnoseSignature(key, body, base64Encode(new Uint8Array(63))).verdict).toBe('wrong-length');
  });
});
