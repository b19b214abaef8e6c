import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportPublicKeyPem, generatePrivateKey } from './keys';
import {
  initiateClaimBody,
  loginBody,
  merchantRequest,
  newIdempotencyKey,
  partnerHeaders,
  redeemGiftBody,
} from './payloads';
import { cryptoRandom, seededRandom } from './random';
import { DEFAULT_SIGNING_TEMPLATE } from './signing-template';

const DOC_BODY = '{"voucherCode":"3225118500682251","amount":500,"idempotencyKey":"unique-key-123","metadata":"{}"}';

describe('payload builders', () => {
  it('build the exact bodies of the API document examples', () => {
    expect(
      initiateClaimBody({
        voucherCode: '3225118500682251',
        amount: 500_000_000n,
        idempotencyKey: 'unique-key-123',
        metadata: '{}',
      }),
    ).toBe(DOC_BODY);
    expect(
      redeemGiftBody({
        voucherCode: '3225118500682251',
        verificationCode: '735191',
        idempotencyKey: 'unique-key-123',
        metadata: '{}',
      }),
    ).toBe(
      '{"voucherCode":"3225118500682251","verificationCode":"735191","idempotencyKey":"unique-key-123","metadata":"{}"}',
    );
    expect(loginBody('k"ey')).toBe('{"key":"k\\"ey"}');
  });

  it('leave out an absent amount (the server then claims the whole balance) and keep fractional amounts exact', () => {
    expect(initiateClaimBody({ voucherCode: 'V', idempotencyKey: 'i' })).toBe(
      '{"voucherCode":"V","idempotencyKey":"i"}',
    );
    expect(initiateClaimBody({ voucherCode: 'V', idempotencyKey: 'i', amount: 12_500_001n })).toBe(
      '{"voucherCode":"V","amount":12.500001,"idempotencyKey":"i"}',
    );
  });

  it('make idempotency keys that replay from a seed and differ across draws', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const keysA = Array.from({ length: 100 }, () => newIdempotencyKey(a));
    expect(keysA).toEqual(Array.from({ length: 100 }, () => newIdempotencyKey(b)));
    expect(new Set(keysA).size).toBe(100);
    expect(newIdempotencyKey(cryptoRandom(), 'load')).toMatch(/^load-[A-Za-z0-9]{22}$/);
  });
});

describe('merchantRequest', () => {
  const key = generatePrivateKey('secp256k1');
  const pub = createPublicKey(exportPublicKeyPem(key));

  it('signs POSTs under /topup-transactions over the body, verifiable by Node crypto', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), (metadata, n) => {
        const body = initiateClaimBody({ voucherCode: String(n), idempotencyKey: `k${n}`, metadata });
        const req = merchantRequest('initiate-claim', { accessToken: 't', key, body });
        return (
          req.path === '/topup-transactions/initiate-claim' &&
          req.headers['x-api-token'] === 't' &&
          nodeVerify(
            'sha256',
            Buffer.from(body),
            { key: pub, dsaEncoding: 'ieee-p1363' },
            Buffer.from(req.headers['x-signature']!, 'base64'),
          )
        );
      }),
      { numRuns: 30 },
    );
  });

  it('sends GETs and /test unsigned, and escapes the voucher code in the path', () => {
    const get = merchantRequest('voucher-detail', { accessToken: 't', voucherCode: 'a/b?c' });
    expect(get).toEqual({
      method: 'GET',
      path: '/topup-transactions/a%2Fb%3Fc',
      headers: { 'x-api-token': 't' },
      body: undefined,
    });
    expect(merchantRequest('test', { accessToken: 't' }).headers).toEqual({ 'x-api-token': 't' });
    expect(merchantRequest('login', { body: loginBody('k') }).headers).toEqual({ 'content-type': 'application/json' });
  });

  it('sends a signature made earlier as it is, without needing the key', () => {
    const body = initiateClaimBody({ voucherCode: '1', idempotencyKey: 'k' });
    const signed = merchantRequest('initiate-claim', { accessToken: 't', key, body });
    const presigned = merchantRequest('initiate-claim', { accessToken: 't', signature: 'made-earlier', body });
    expect(presigned).toEqual({ ...signed, headers: { ...signed.headers, 'x-signature': 'made-earlier' } });
    expect(() => merchantRequest('initiate-claim', { accessToken: 't', signature: 'made-earlier' })).toThrow(
      /"key" and "body" are required/,
    );
  });

  it('refuses to build a signed request without key or token', () => {
    expect(() => merchantRequest('redeem-gift', { accessToken: 't', body: '{}' })).toThrow(
      /"key" and "body" are required/,
    );
    expect(() => merchantRequest('test', {})).toThrow(/"accessToken" is required/);
  });
});

describe('partnerHeaders', () => {
  it('sign the template with Ed25519, verifiable by Node crypto', () => {
    const key = generatePrivateKey('ed25519');
    const body = '{"amount":10}';
    const headers = partnerHeaders({
      apiKey: 'pk_1',
      key,
      template: DEFAULT_SIGNING_TEMPLATE,
      method: 'post',
      path: '/api/v1/partner/vouchers',
      body,
      timestampSeconds: 1_766_100_000,
      idempotencyKey: 'i-1',
    });
    expect(headers['x-timestamp']).toBe('1766100000');
    expect(headers['idempotency-key']).toBe('i-1');
    const signed = Buffer.from(`1766100000.POST./api/v1/partner/vouchers.${body}`);
    expect(
      nodeVerify(
        null,
        signed,
        createPublicKey(exportPublicKeyPem(key)),
        Buffer.from(headers['x-signature']!, 'base64'),
      ),
    ).toBe(true);
  });

  it('refuse a timestamp in fractional seconds', () => {
    const key = generatePrivateKey('ed25519');
    expect(() =>
      partnerHeaders({
        apiKey: 'a',
        key,
        template: DEFAULT_SIGNING_TEMPLATE,
        method: 'GET',
        path: '/',
        body: '',
        timestampSeconds: 1.5,
      }),
    ).toThrow(/whole Unix seconds/);
  });
});
