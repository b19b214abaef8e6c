/**
 * Public keys registered for merchants and partners, turned into node:crypto KeyObjects once, at
 * registration, so verifying a request costs only the verification itself.
 *
 * Merchant keys are secp256k1 (API reference › Step 3) or Ed25519 (onboarding document ›
 * Merchant API credentials: "The portal generates an Ed25519 keypair"); partner keys are Ed25519
 * (onboarding document › API Access Setup).
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { HarnessError, type HarnessErrorCode } from '../lib/errors';
import { p1363Verifier, type P1363Verifier } from './secp256k1-verifier';

export type KeyType = 'secp256k1' | 'ed25519';
export const KEY_TYPES: readonly KeyType[] = ['secp256k1', 'ed25519'];

export interface RegisteredKey {
  readonly type: KeyType;
  readonly keyObject: KeyObject;
  readonly pem: string;
  /** secp256k1 keys: their IEEE-P1363 verifier, prepared once (secp256k1-verifier.ts). */
  readonly verifyP1363: P1363Verifier | undefined;
}

function registered(type: KeyType, keyObject: KeyObject, pem: string): RegisteredKey {
  return { type, keyObject, pem, verifyP1363: type === 'secp256k1' ? p1363Verifier(keyObject) : undefined };
}

function keyTypeOf(key: KeyObject): KeyType | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'secp256k1') return 'secp256k1';
  return undefined;
}

/** Reads a public key PEM, refusing private keys (never echoed) and other key types. */
export function readPublicKey(
  pem: unknown,
  field: string,
  allowed: readonly KeyType[],
  code: HarnessErrorCode,
): RegisteredKey {
  const expected = allowed.join(' or ');
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN'))
    throw new HarnessError(
      code,
      `"${field}" expected a ${expected} public key in PEM form ("-----BEGIN PUBLIC KEY-----…")`,
    );
  if (pem.includes('PRIVATE KEY'))
    throw new HarnessError(
      code,
      `"${field}" holds a private key: register the public key only (openssl ec -in priv.pem -pubout)`,
    );
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey(pem);
  } catch (err) {
    throw new HarnessError(
      code,
      `"${field}" is not a PEM public key node:crypto can read (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const type = keyTypeOf(keyObject);
  if (type === undefined || !allowed.includes(type)) {
    const got = keyObject.asymmetricKeyDetails?.namedCurve ?? keyObject.asymmetricKeyType;
    throw new HarnessError(code, `"${field}" is a ${got} key; expected ${expected}`);
  }
  return registered(type, keyObject, pem);
}

/**
 * A fresh pair, as the portal would generate it; the private key is shown once, in the answer to
 * the admin call. secp256k1 private keys are SEC1 PEM like the API reference's example.
 */
export function generateKeyPair(type: KeyType): { key: RegisteredKey; privateKeyPem: string } {
  const pair =
    type === 'secp256k1'
      ? generateKeyPairSync('ec', {
          namedCurve: 'secp256k1',
          publicKeyEncoding: { type: 'spki', format: 'pem' },
          privateKeyEncoding: { type: 'sec1', format: 'pem' },
        })
      : generateKeyPairSync('ed25519', {
          publicKeyEncoding: { type: 'spki', format: 'pem' },
          privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        });
  return { key: registered(type, createPublicKey(pair.publicKey), pair.publicKey), privateKeyPem: pair.privateKey };
}
