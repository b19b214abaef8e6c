/**
 * The signing helper: it signs only for its bearer token, gives the signature lib/ (noble) gives over
 * the body as the server re-serialises it, byte for byte, which node:crypto verifies, and its answers
 * never carry the key or the token.
 * The runs through k6 are in load/signed-requests.test.ts and load/steady-flow.test.ts.
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64Decode,
  canonicalBody,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  generatePrivateKey,
  hexEncode,
  signMessage,
  utf8Encode,
} from '../../lib';
import { helperSecp256k1Signer, helperSignature, startSigningHelper } from './signing-helper';

describe('helperSignature', () => {
  it("is lib/'s signature for any message, with libsecp256k1 for secp256k1 and lib/ for Ed25519", () => {
    // The addon ships prebuilt for this platform (the sandbox verifies with it too): the comparison is not lib/ with itself.
    expect(helperSecp256k1Signer).toBe('libsecp256k1');
    const keys = [generatePrivateKey('secp256k1'), generatePrivateKey('ed25519')];
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (message) => {
        for (const key of keys) expect(helperSignature(key, utf8Encode(message))).toBe(signMessage(key, message));
      }),
      { numRuns: 200 },
    );
  });
});

describe('startSigningHelper', () => {
  it('signs POST /sign bodies for its token only, verifiably, and never answers with the key or the token', async () => {
    const key = generatePrivateKey('secp256k1');
    const token = 'helper-token-' + 'y'.repeat(30);
    const helper = await startSigningHelper({ key, token });
    const answers: string[] = [];
    const ask = async (init: RequestInit & { path?: string }) => {
      const res = await fetch(`${helper.url}${init.path ?? '/sign'}`, init);
      const text = await res.text();
      answers.push(text);
      return { status: res.status, text };
    };
    try {
      expect(helper.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const body = '{"voucherCode":"1000000000000001","verificationCode":"123456","idempotencyKey":"redeem-1-é"}';
      const signed = await ask({ method: 'POST', body, headers: { authorization: `Bearer ${token}` } });
      expect(signed.status).toBe(200);
      expect(signed.text).toBe(signMessage(key, body));
      const publicKey = createPublicKey(exportPublicKeyPem(key));
      const verifies = nodeVerify(
        'sha256',
        Buffer.from(body, 'utf8'),
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        base64Decode(signed.text),
      );
      expect(verifies).toBe(true);

      expect((await ask({ method: 'POST', body })).status).toBe(401);
      expect((await ask({ method: 'POST', body, headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
      expect((await ask({ method: 'GET', headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
      expect(
        (await ask({ method: 'POST', body, path: '/sign/x', headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(404);
      // Whitespace and escapes as a client may send them: signed as the server re-serialises the body.
      const loose = '{ "voucherCode": "1000000000000001", "note": "caf\\u00e9", "amount": 1.50 }';
      const canonical = await ask({ method: 'POST', body: loose, headers: { authorization: `Bearer ${token}` } });
      expect(canonical.status).toBe(200);
      expect(canonicalBody(loose)).not.toBe(loose);
      expect(canonical.text).toBe(signMessage(key, canonicalBody(loose)));

      expect((await ask({ method: 'POST', body: '', headers: { authorization: `Bearer ${token}` } })).status).toBe(400);
      const notJson = await ask({ method: 'POST', body: '{"a":', headers: { authorization: `Bearer ${token}` } });
      expect(notJson).toEqual({ status: 400, text: 'the body to sign must be JSON' });
      const tooBig = 'x'.repeat(64 * 1024 + 1);
      expect((await ask({ method: 'POST', body: tooBig, headers: { authorization: `Bearer ${token}` } })).status).toBe(
        400,
      );
      expect(helper.counts).toEqual({ signed: 2, refused: 7 });

      const secrets = [token, hexEncode(key.privateKey), exportPrivateKeyPem(key)];
      for (const answer of answers) for (const secret of secrets) expect(answer).not.toContain(secret);
    } finally {
      await helper.close();
    }
    await expect(fetch(`${helper.url}/sign`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
