/**
 * Request signatures, verified with node:crypto's verdicts as the API reference says the real server
 * does (Authentication › Step 3 › IMPORTANT): base64 of a raw signature, ECDSA secp256k1 SHA-256
 * in IEEE-P1363 form (64 bytes r||s; through secp256k1-verifier.ts, for speed), or Ed25519, over
 * the message's UTF-8 bytes.
 */
import { verify } from 'node:crypto';
import { base64Flavour } from '../lib/bytes';
import type { ActiveDefects } from './defects';
import type { RegisteredKey } from './public-keys';

/** What a faulty server lets through; the correct one lets through neither. */
interface Leniency {
  readonly base64url: boolean;
  readonly der: boolean;
}

const STRICT: Leniency = { base64url: false, der: false };
const P1363_BYTES = 64;

function decode(header: string, leniency: Leniency): Buffer | undefined {
  const flavour = base64Flavour(header);
  if (flavour === 'base64') return Buffer.from(header, 'base64');
  if (flavour === 'base64url' && leniency.base64url) return Buffer.from(header, 'base64url');
  return undefined;
}

function verifies(key: RegisteredKey, message: Buffer, signature: Buffer, leniency: Leniency): boolean {
  try {
    if (key.type === 'ed25519') return verify(null, message, key.keyObject, signature);
    if (signature.length === P1363_BYTES) return key.verifyP1363!(message, signature);
    return leniency.der && verify('sha256', message, { key: key.keyObject, dsaEncoding: 'der' }, signature);
  } catch {
    return false; // a signature node:crypto cannot even parse is simply not valid
  }
}

/** Why a signature header does not verify `message` under `key`, or undefined when it does. */
function signatureProblem(
  key: RegisteredKey,
  message: Buffer,
  header: string | string[] | undefined,
  name: string,
  leniency: Leniency,
): string | undefined {
  if (typeof header !== 'string' || header === '') return `Missing ${name} header`;
  const signature = decode(header, leniency);
  if (!signature) return `Invalid ${name}: expected standard base64 (with + / and = padding)`;
  return verifies(key, message, signature, leniency)
    ? undefined
    : `Invalid ${name}: it does not verify against the registered public key`;
}

/**
 * The merchant API's x-signature, over JSON.stringify(request.body): the body as the server
 * re-serialises it (`canonical`), not the bytes sent (`raw`).
 */
export function merchantSignatureProblem(
  key: RegisteredKey,
  canonical: string,
  raw: Buffer,
  header: string | string[] | undefined,
  defects: ActiveDefects,
): string | undefined {
  if (defects.has('signature-not-checked')) return undefined;
  const message = defects.has('signature-over-raw-body') ? raw : Buffer.from(canonical);
  return signatureProblem(key, message, header, 'x-signature', {
    base64url: defects.has('base64url-signature-accepted'),
    der: defects.has('der-signature-accepted'),
  });
}

/** The partner API's X-Signature (Ed25519) over the rendered signing template. */
export function partnerSignatureProblem(
  key: RegisteredKey,
  signed: string,
  header: string | string[] | undefined,
): string | undefined {
  return signatureProblem(key, Buffer.from(signed), header, 'X-Signature', STRICT);
}
