import { describe, expect, it } from 'vitest';
import { ActiveDefects } from './defects';
import { TokenIssuer } from './tokens';

const strict = new ActiveDefects();

describe('access tokens', () => {
  it('read back the claims of a token the issuer signed, 300 s apart', () => {
    const issuer = new TokenIssuer();
    const claims = issuer.read(issuer.issue('merchant-1', 1_700_000_000_500), strict);
    expect(claims).toEqual({ sub: 'merchant-1', iat: 1_700_000_000, exp: 1_700_000_300 });
  });

  it('refuse a changed payload, another issuer\'s token, garbage and alg "none"', () => {
    const issuer = new TokenIssuer();
    const token = issuer.issue('merchant-1', Date.now());
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'merchant-2', iat: 1, exp: 9_999_999_999 })).toString(
      'base64url',
    );
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    for (const bad of [
      `${header}.${payload}.${signature}`,
      new TokenIssuer().issue('merchant-1', Date.now()),
      'x',
      'a.b.c',
      none,
    ]) {
      expect(issuer.read(bad, strict)).toBeUndefined();
    }
    expect(issuer.read(none, new ActiveDefects(['token-alg-none-accepted']))).toMatchObject({ sub: 'merchant-2' });
  });
});
