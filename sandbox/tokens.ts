/**
 * Access tokens: ES256 JWTs (API reference › Step 4 shows "alg":"ES256"), signed with a P-256 key
 * generated when the sandbox starts (and again on reset, so no token outlives the state it names).
 *
 * A token's signature is verified once and its claims cached by the token string; its expiry is
 * still checked against the sandbox clock on every request (merchant-api.ts), so moving the clock
 * expires cached tokens too.
 */
import { generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { ActiveDefects } from './defects';

/** Access tokens are valid for 300 seconds (API reference › Step 4 › NOTE). */
export const TOKEN_LIFETIME_SECONDS = 300;

export interface TokenClaims {
  /** The merchant's id. */
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'JWT' })).toString('base64url');
const CACHE_LIMIT = 10_000;

function isClaims(value: unknown): value is TokenClaims {
  const c = value as Partial<TokenClaims> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.sub === 'string' &&
    Number.isInteger(c.iat) &&
    Number.isInteger(c.exp)
  );
}

function parseJsonSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export class TokenIssuer {
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #verified = new Map<string, TokenClaims>();

  constructor() {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = pair.privateKey;
    this.#publicKey = pair.publicKey;
  }

  issue(merchantId: string, nowMs: number): string {
    const iat = Math.floor(nowMs / 1000);
    const payload = Buffer.from(JSON.stringify({ sub: merchantId, iat, exp: iat + TOKEN_LIFETIME_SECONDS })).toString(
      'base64url',
    );
    const signature = sign('sha256', Buffer.from(`${HEADER}.${payload}`), {
      key: this.#privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${HEADER}.${payload}.${signature.toString('base64url')}`;
  }

  /** The claims of a token this sandbox signed, or undefined for anything else. Expiry is the caller's. */
  read(token: string, defects: ActiveDefects): TokenClaims | undefined {
    const cached = this.#verified.get(token);
    if (cached) return cached;
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const claims = parseJsonSegment(payload);
    if (!isClaims(claims)) return undefined;
    if (
      defects.has('token-alg-none-accepted') &&
      (parseJsonSegment(header) as { alg?: unknown } | undefined)?.alg === 'none'
    )
      return claims;
    if (
      header !== HEADER ||
      !verify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        { key: this.#publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64url'),
      )
    )
      return undefined;
    if (this.#verified.size >= CACHE_LIMIT) this.#verified.clear();
    this.#verified.set(token, claims);
    return claims;
  }
}
