/**
 * Signing as the API wants it, whatever the key type: base64 of the raw signature over the UTF-8
 * bytes of a message; for bodies, over canonicalBody(body) (the server's re-serialisation).
 * Also the diagnosis a merchant needs when the server says "invalid signature".
 */
import { base64Decode, base64DecodeLenient, base64Encode, base64Flavour, utf8Encode } from './bytes';
import { canonicalBody, describeFinding, diagnoseSignedString } from './canonical-json';
import { derToP1363, looksLikeDer } from './ecdsa-signature';
import type { KeyType, PrivateKey, PublicKey } from './keys';
import { signEd25519, verifyEd25519 } from './sign-ed25519';
import { signSecp256k1, verifySecp256k1 } from './sign-secp256k1';

type Message = string | Uint8Array;

const toBytes = (message: Message): Uint8Array => (typeof message === 'string' ? utf8Encode(message) : message);

const SIGNERS: Record<
  KeyType,
  {
    sign(secret: Uint8Array, msg: Uint8Array): Uint8Array;
    verify(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean;
  }
> = {
  secp256k1: { sign: signSecp256k1, verify: verifySecp256k1 },
  ed25519: { sign: signEd25519, verify: verifyEd25519 },
};

export function signMessageBytes(key: PrivateKey, message: Message): Uint8Array {
  return SIGNERS[key.type].sign(key.privateKey, toBytes(message));
}

/** The x-signature / X-Signature value: standard base64 of the raw (P1363 or Ed25519) signature. */
export function signMessage(key: PrivateKey, message: Message): string {
  return base64Encode(signMessageBytes(key, message));
}

export function verifyMessageBytes(key: PublicKey, message: Message, signature: Uint8Array): boolean {
  return SIGNERS[key.type].verify(key.publicKey, toBytes(message), signature);
}

/** False for anything but a valid standard-base64 signature by `key` over `message`. */
export function verifyMessage(key: PublicKey, message: Message, signatureBase64: string): boolean {
  if (base64Flavour(signatureBase64) !== 'base64') return false;
  return verifyMessageBytes(key, message, base64Decode(signatureBase64));
}

/** Signs a request body the way the server verifies it: over JSON.stringify(JSON.parse(body)). */
export function signBody(key: PrivateKey, body: string): { canonical: string; signature: string } {
  const canonical = canonicalBody(body);
  return { canonical, signature: signMessage(key, canonical) };
}

export type SignatureVerdict =
  | 'valid'
  | 'not-base64'
  | 'base64url'
  | 'der-instead-of-p1363'
  | 'wrong-length'
  | 'signed-other-serialisation'
  | 'other-key-or-body';

export interface SignatureDiagnosis {
  readonly verdict: SignatureVerdict;
  /** One line per reason, in plain words, saying what to change. */
  readonly reasons: readonly string[];
  /** The string the server verifies against, when the body is JSON. */
  readonly canonical: string | undefined;
}

const SIGNATURE_BYTES = 64;

function verifiesOverCanonical(key: PublicKey, canonical: string | undefined, sig: Uint8Array): boolean {
  return canonical !== undefined && verifyMessageBytes(key, canonical, sig);
}

/**
 * Says why a signature a server would refuse is wrong. The server verifies over
 * JSON.stringify(JSON.parse(sentBody)); this tries the usual mistakes in turn: DER instead of
 * P1363, base64url, and a signature made over the bytes sent (pretty-printed, ensure_ascii,
 * re-ordered keys, `500.0`) rather than over the server's re-serialisation.
 */
export function diagnoseSignature(
  key: PublicKey,
  sentBody: string,
  signatureText: string,
  signedOver?: string,
): SignatureDiagnosis {
  let canonical: string | undefined;
  try {
    canonical = canonicalBody(sentBody);
  } catch {
    canonical = undefined;
  }
  const flavour = base64Flavour(signatureText.trim());
  const raw = flavour === 'invalid' ? undefined : base64DecodeLenient(signatureText.trim());
  const result = (verdict: SignatureVerdict, ...reasons: string[]): SignatureDiagnosis => ({
    verdict,
    reasons,
    canonical,
  });
  if (raw === undefined)
    return result(
      'not-base64',
      'the signature is not base64: send standard base64 (A-Z a-z 0-9 + / with = padding) of the raw signature bytes',
    );

  const asP1363 = key.type === 'secp256k1' && looksLikeDer(raw) ? safeDerToP1363(raw) : undefined;
  const candidate = asP1363 ?? raw;
  const fixes: string[] = [];
  if (asP1363)
    fixes.push(
      'the signature is DER-encoded (ASN.1 SEQUENCE of r and s): the API wants IEEE-P1363, the 64 bytes r||s; in Node pass dsaEncoding: "ieee-p1363", in Python convert with decode_dss_signature',
    );
  if (flavour === 'base64url' && signatureText.trim() !== base64Encode(raw))
    fixes.push('the signature is base64url (- and _ or no padding): send standard base64 with + / and = padding');

  if (candidate.length !== SIGNATURE_BYTES)
    return result(
      'wrong-length',
      `the signature decodes to ${candidate.length} bytes; a ${key.type} signature is ${SIGNATURE_BYTES} bytes`,
      ...fixes,
    );
  if (verifiesOverCanonical(key, canonical, candidate)) {
    if (fixes.length === 0) return result('valid');
    return result(asP1363 ? 'der-instead-of-p1363' : 'base64url', ...fixes);
  }
  const signedString = signedOver ?? sentBody;
  if (canonical !== undefined && verifyMessageBytes(key, signedString, candidate)) {
    const findings = diagnoseSignedString(sentBody, signedString).map(describeFinding);
    return result(
      'signed-other-serialisation',
      'the signature is over a different serialisation than the one the server verifies (JSON.stringify of the parsed body); sign exactly the compact JSON you send',
      ...findings,
      ...fixes,
    );
  }
  return result(
    'other-key-or-body',
    'the signature does not verify with this public key over this body: it was made with another key, or over other content',
    ...fixes,
  );
}

function safeDerToP1363(raw: Uint8Array): Uint8Array | undefined {
  try {
    return derToP1363(raw);
  } catch {
    return undefined;
  }
}
