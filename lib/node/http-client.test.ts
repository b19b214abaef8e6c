import { execFile } from 'node:child_process';
import { createPublicKey, randomBytes, verify as nodeVerify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exportPrivateKeyPem, exportPublicKeyPem, generatePrivateKey } from '../keys';
import { DEFAULT_SIGNING_TEMPLATE } from '../signing-template';
import { createMerchantClient, createPartnerClient, createTargetHealth, toCurl } from './http-client';
import type { MerchantClient, MerchantClientOptions } from './http-client';
import { loadTargetFile } from './target-file';

const BASE_PATH = '/api/v1/merchant/client';
const API_KEY = 'mk_test_Z8q2Lw5RtY7uP1sD';
const merchantKey = generatePrivateKey('secp256k1');
const MERCHANT_PEM = exportPrivateKeyPem(merchantKey);
const merchantPublic = createPublicKey(exportPublicKeyPem(merchantKey));
const partnerKey = generatePrivateKey('ed25519');
const partnerPublic = createPublicKey(exportPublicKeyPem(partnerKey));
const PEM_LINES = MERCHANT_PEM.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** For signed merchant routes and partner requests: did the signature verify? */
  readonly signatureValid?: boolean;
}

/** The clock both the server and the clients read, moved by the tests. */
let now = Date.UTC(2026, 0, 1);
const clock = () => now;

/** As the document's server verifies: over JSON.stringify(JSON.parse(body)), P1363 encoding. A body that is not JSON fails. */
function verifiesMerchantBody(body: string, signature: string): boolean {
  try {
    return nodeVerify(
      'sha256',
      Buffer.from(JSON.stringify(JSON.parse(body))),
      { key: merchantPublic, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A stand-in for the merchant API (and a partner route): issues JWT-shaped tokens valid 300 s by
 * the shared clock, verifies x-signature as the document's server does, and records what it got.
 * Some voucher codes misbehave on purpose: "not-json" answers HTML, "echo" reflects the request's
 * headers and the private key PEM, as a careless server might.
 */
function testServer() {
  const received: Received[] = [];
  const issued: string[] = [];
  const tokenExpiry = new Map<string, number>();
  const envelope = (statusCode: number, message: string, data: unknown = null) => ({
    statusCode,
    success: statusCode < 300,
    message,
    data,
  });

  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const reply = (status: number, payload: unknown, type = 'application/json') => {
        res.writeHead(status, { 'content-type': type });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      const url = req.url ?? '';
      const record = (signatureValid?: boolean) =>
        received.push({
          method: req.method ?? '',
          url,
          headers: req.headers,
          body,
          ...(signatureValid === undefined ? {} : { signatureValid }),
        });

      if (url === '/hang') return record(); // never answers
      if (url.startsWith('/waf/')) return reply(403, '<html>Forbidden: address not allowed</html>', 'text/html'); // a gateway in front
      if (url.startsWith('/partner/')) {
        const ts = String(req.headers['x-timestamp']);
        const signed = DEFAULT_SIGNING_TEMPLATE.replace('{timestamp}', ts)
          .replace('{method}', req.method ?? '')
          .replace('{path}', url)
          .replace('{body}', body);
        const valid = nodeVerify(
          null,
          Buffer.from(signed),
          partnerPublic,
          Buffer.from(String(req.headers['x-signature']), 'base64'),
        );
        record(valid);
        return reply(valid ? 200 : 403, envelope(valid ? 200 : 403, valid ? 'ok' : 'invalid signature'));
      }
      // Under /opaque the same API issues tokens that are not JWTs, so the client cannot read their life.
      const opaque = url.startsWith('/opaque/');
      const path = url.slice((opaque ? '/opaque' : '').length + BASE_PATH.length);
      if (path === '/auth/login') {
        record();
        const { key } = JSON.parse(body) as { key: string };
        if (key !== API_KEY) return reply(401, envelope(401, `invalid API key ${key}`));
        const iat = Math.floor(now / 1000);
        const jwt = `${b64url({ alg: 'ES256', typ: 'JWT' })}.${b64url({ sub: 'merchant-1', iat, exp: iat + 300, n: issued.length })}.${randomBytes(64).toString('base64url')}`;
        const token = opaque ? randomBytes(24).toString('hex') : jwt;
        issued.push(token);
        tokenExpiry.set(token, (iat + 300) * 1000);
        return reply(200, { accessToken: token, success: true, statusCode: 200, message: 'Login Successful' });
      }
      const token = String(req.headers['x-api-token']);
      if (!(now < (tokenExpiry.get(token) ?? 0))) {
        record();
        return reply(401, envelope(401, 'access token missing or expired'));
      }
      if (req.method === 'POST' && path.startsWith('/topup-transactions/')) {
        const valid = verifiesMerchantBody(body, String(req.headers['x-signature']));
        record(valid);
        if (!valid) return reply(403, envelope(403, 'invalid signature'));
        return reply(
          200,
          envelope(200, 'OTP Code has been sent to user Successfully', {
            idempotencyKey: (JSON.parse(body) as { idempotencyKey?: string }).idempotencyKey,
          }),
        );
      }
      record();
      if (path === '/test') return reply(200, { test: 'successful' });
      const code = decodeURIComponent(path.replace('/topup-transactions/', ''));
      if (code === 'not-json') return reply(502, `<html>bad gateway for token ${token}</html>`, 'text/html');
      if (code === 'echo') return reply(200, { youSent: req.headers, keyOnFile: MERCHANT_PEM, apiKeyOnFile: API_KEY });
      return reply(
        200,
        envelope(200, 'Successful', {
          voucher: { code, amount: '50.000000', remainingBalance: '50.000000', status: 'ACTIVE' },
          serviceFee: '1.000000',
        }),
      );
    });
  });
  return { server, received, issued };
}

let server: Server;
let received: Received[];
let issued: string[];
let origin: string;
let tmp: string;

beforeAll(async () => {
  ({ server, received, issued } = testServer());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tmp = await mkdtemp(join(tmpdir(), 'http-client-'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  received.length = 0;
  now = Date.UTC(2026, 0, 1);
});

const merchant = (extra: Partial<MerchantClientOptions> = {}) =>
  createMerchantClient({ baseUrl: `${origin}${BASE_PATH}`, apiKey: API_KEY, privateKey: merchantKey, clock, ...extra });
const logins = () => received.filter((r) => r.url.endsWith('/auth/login')).length;

/** Calls at login, 1 ms before `renewAtMs` after it, and at it: expects one login, then a second. */
async function expectRenewalAt(client: MerchantClient, renewAtMs: number): Promise<void> {
  const start = now;
  await client.voucherDetail('1');
  now = start + renewAtMs - 1;
  await client.voucherDetail('2');
  expect(logins()).toBe(1);
  now = start + renewAtMs;
  await client.voucherDetail('3');
  expect(logins()).toBe(2);
}

describe('createMerchantClient', () => {
  it('signs POST bodies so the server verifies them over exactly the bytes sent, and leaves GETs and /test unsigned', async () => {
    const client = merchant();
    await client.initiateClaim({
      voucherCode: '3225118500682251',
      amount: 500_000_000n,
      idempotencyKey: 'unique-key-123',
      metadata: '{}',
    });
    await client.initiateClaim({ voucherCode: '3225118500682251', idempotencyKey: 'k2' }, { path: 'initiate-redeem' });
    await client.redeemGift({
      voucherCode: '3225118500682251',
      verificationCode: '735191',
      idempotencyKey: 'unique-key-123',
      metadata: '{}',
    });
    await client.voucherDetail('3225118500682251');
    await client.test();

    const [, claim, redeemPath, redeem, detail, test] = received;
    expect(claim).toMatchObject({
      url: `${BASE_PATH}/topup-transactions/initiate-claim`,
      signatureValid: true,
      body: '{"voucherCode":"3225118500682251","amount":500,"idempotencyKey":"unique-key-123","metadata":"{}"}',
    });
    expect(redeemPath).toMatchObject({ url: `${BASE_PATH}/topup-transactions/initiate-redeem`, signatureValid: true });
    expect(redeem).toMatchObject({ url: `${BASE_PATH}/topup-transactions/redeem-gift`, signatureValid: true });
    expect(detail!.method).toBe('GET');
    expect(detail!.headers['x-signature']).toBeUndefined();
    expect(detail!.headers['x-api-token']).toBe(issued[0]);
    expect(test!.headers['x-signature']).toBeUndefined();
  });

  it('reuses the token, then renews it once fewer than renewBeforeSeconds of its 300 s remain', async () => {
    await expectRenewalAt(merchant({ renewBeforeSeconds: 30 }), 270_000);
    const tokens = received.filter((r) => r.method === 'GET').map((r) => r.headers['x-api-token']);
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[2]).not.toBe(tokens[0]);
    expect(received.every((r) => r.url.endsWith('/auth/login') || r.headers['x-api-token'] !== undefined)).toBe(true);
  });

  it("reads the token's life from its JWT exp rather than assuming one", async () => {
    const client = merchant({ tokenLifetimeSeconds: 60, renewBeforeSeconds: 10 });
    await client.voucherDetail('1');
    now += 200_000;
    await client.voucherDetail('2');
    expect(logins()).toBe(1);
  });

  it('assumes tokenLifetimeSeconds from login when the token is not a JWT', async () => {
    await expectRenewalAt(
      merchant({ baseUrl: `${origin}/opaque${BASE_PATH}`, tokenLifetimeSeconds: 60, renewBeforeSeconds: 10 }),
      50_000,
    );
  });

  it('shares one login among concurrent first calls', async () => {
    const client = merchant();
    await Promise.all(Array.from({ length: 8 }, (_, i) => client.voucherDetail(String(i))));
    expect(logins()).toBe(1);
    expect(new Set(received.filter((r) => r.method === 'GET').map((r) => r.headers['x-api-token'])).size).toBe(1);
  });

  it('sends odd requests through send(): exact bytes, no token, a chosen signature', async () => {
    const client = merchant();
    const spaced = '{ "voucherCode" : "1",  "idempotencyKey":"k" }';
    await client.send({ method: 'POST', path: '/topup-transactions/initiate-claim', body: spaced });
    expect(received.at(-1)).toMatchObject({ body: spaced, signatureValid: true });
    await client.send({
      method: 'POST',
      path: '/topup-transactions/initiate-claim',
      body: spaced,
      sign: { signature: 'AAAA' },
    });
    expect(received.at(-1)).toMatchObject({
      signatureValid: false,
      headers: expect.objectContaining({ 'x-signature': 'AAAA' }),
    });
    const noToken = await client.send({
      method: 'GET',
      path: '/topup-transactions/1',
      headers: { 'x-api-token': null },
    });
    expect(noToken.status).toBe(401);
    expect(received.at(-1)!.headers['x-api-token']).toBeUndefined();
    await client.send({ method: 'POST', path: '/topup-transactions/redeem-gift', body: '{}', sign: false });
    expect(received.at(-1)!.headers['x-signature']).toBeUndefined();
    await expect(
      client.send({ method: 'GET', path: '/topup-transactions/1', headers: { 'x-odd': 'a\r\nb' } }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('undici will not send it') });
  });

  it('gives TARGET_UNREACHABLE with a helpful message when nothing listens, and records the attempt', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const client = createMerchantClient({
      baseUrl: `http://127.0.0.1:${port}${BASE_PATH}`,
      apiKey: API_KEY,
      privateKey: merchantKey,
    });
    await expect(client.voucherDetail('1')).rejects.toMatchObject({
      code: 'TARGET_UNREACHABLE',
      message: `cannot reach http://127.0.0.1:${port}${BASE_PATH}/auth/login: connection refused; is the target running? check baseUrl in the target file`,
    });
    expect(client.transcript()).toMatchObject([{ status: undefined, error: 'connection refused' }]);
  });

  it('gives TARGET_UNREACHABLE when the target does not answer in time', async () => {
    const client = createMerchantClient({ baseUrl: origin, apiKey: API_KEY, privateKey: merchantKey, timeoutMs: 300 });
    await expect(client.send({ method: 'GET', path: '/hang', headers: { 'x-api-token': 'x' } })).rejects.toMatchObject({
      code: 'TARGET_UNREACHABLE',
      message: expect.stringContaining('no answer within 0.3 s'),
    });
  });

  it("gives LOGIN_FAILED with the status and the server's message when the key is refused", async () => {
    const client = createMerchantClient({
      baseUrl: `${origin}${BASE_PATH}`,
      apiKey: 'wrong-key-0000',
      privateKey: merchantKey,
      clock,
    });
    await expect(client.test()).rejects.toMatchObject({
      code: 'LOGIN_FAILED',
      message: expect.stringContaining('HTTP 401 (statusCode 401), saying "invalid API key [REDACTED:api-key]"'),
    });
  });

  it('gives LOGIN_FAILED, not a parse error, when a gateway refuses the login in HTML', async () => {
    await expect(merchant({ baseUrl: `${origin}/waf${BASE_PATH}` }).test()).rejects.toMatchObject({
      code: 'LOGIN_FAILED',
      message: expect.stringContaining('refused the login: HTTP 403;'),
    });
  });

  it('gives TARGET_MALFORMED_RESPONSE for a non-JSON answer where JSON is documented, keeping the raw answer in the transcript', async () => {
    const client = merchant();
    await expect(client.voucherDetail('not-json')).rejects.toMatchObject({
      code: 'TARGET_MALFORMED_RESPONSE',
      message: expect.stringContaining('HTTP 502'),
    });
    expect(client.transcript().at(-1)).toMatchObject({
      status: 502,
      responseBody: '<html>bad gateway for token [REDACTED:access-token]</html>',
      responseJson: undefined,
    });
  });

  it('keeps a bounded transcript of the latest exchanges and reports each one as it happens', async () => {
    const seen: string[] = [];
    const client = merchant({ transcriptLimit: 3, onExchange: (e) => seen.push(e.url) });
    for (const code of ['a', 'b', 'c', 'd']) await client.voucherDetail(code);
    expect(seen).toHaveLength(5);
    const transcript = client.transcript();
    expect(transcript.map((e) => e.url.split('/').at(-1))).toEqual(['b', 'c', 'd']);
    expect(transcript[2]).toMatchObject({
      method: 'GET',
      status: 200,
      responseJson: { data: { voucher: { code: 'd' } } },
      startedAt: now,
      endedAt: now,
    });
    expect(Object.isFrozen(transcript[2])).toBe(true);
  });

  it('never leaks the API key, the access token or the private key, even from a careless server and failing calls', async () => {
    const keyPath = join(tmp, 'merchant.pem');
    await writeFile(keyPath, MERCHANT_PEM, { mode: 0o600 });
    const targetPath = join(tmp, 'target.json');
    await writeFile(
      targetPath,
      JSON.stringify({
        name: 'leak test',
        baseUrl: `${origin}${BASE_PATH}`,
        profile: 'merchant-v1',
        auth: { apiKeyEnv: 'K', privateKeyFile: 'merchant.pem' },
      }),
    );
    const target = await loadTargetFile(targetPath, { K: API_KEY });
    const client = createMerchantClient({
      baseUrl: target.config.baseUrl,
      apiKey: target.apiKey,
      privateKey: target.privateKey,
      redactor: target.redactor,
      clock,
    });

    const issuedBefore = issued.length;
    const errors: string[] = [];
    const attempt = async (call: () => Promise<unknown>) => {
      try {
        await call();
      } catch (err) {
        errors.push(String((err as Error).message), String(err), JSON.stringify(err));
      }
    };
    await attempt(() => client.test());
    await attempt(() => client.initiateClaim({ voucherCode: '1', idempotencyKey: 'k1' }));
    await attempt(() => client.voucherDetail('echo'));
    await attempt(() => client.voucherDetail('not-json'));
    await attempt(() =>
      client.send({
        method: 'POST',
        path: '/topup-transactions/redeem-gift',
        body: '{"voucherCode":"1"}',
        sign: { signature: 'bad' },
      }),
    );
    now += 280_000;
    await attempt(() => client.redeemGift({ voucherCode: '1', verificationCode: '123456', idempotencyKey: 'k2' }));
    await attempt(() =>
      createMerchantClient({
        baseUrl: 'http://127.0.0.1:1',
        apiKey: target.apiKey,
        privateKey: target.privateKey,
        redactor: target.redactor,
      }).test(),
    );
    await attempt(() =>
      createMerchantClient({
        baseUrl: `${origin}${BASE_PATH}`,
        apiKey: `${API_KEY}-typo`,
        privateKey: target.privateKey,
        redactor: target.redactor,
      }).test(),
    );

    expect(errors.length).toBe(9); // three forms each of: not JSON, unreachable, login refused
    expect(issued.length - issuedBefore).toBe(2); // the token was renewed, so both must be scrubbed
    const transcript = client.transcript();
    expect(transcript.some((e) => JSON.stringify(e.responseJson).includes('youSent'))).toBe(true);
    const outputs = [JSON.stringify(transcript), ...transcript.map(toCurl), ...errors];
    const secrets = [API_KEY, ...issued, ...PEM_LINES, Buffer.from(merchantKey.privateKey).toString('hex')];
    for (const output of outputs) for (const secret of secrets) expect(output).not.toContain(secret);
  });
});

describe('toCurl', () => {
  const run = promisify(execFile);

  it('replays a signed POST and a login exactly, with secrets read from environment variables', async () => {
    const client = merchant();
    await client.initiateClaim({
      voucherCode: '3225118500682251',
      amount: 12_500_000n,
      idempotencyKey: "it's-1",
      metadata: '{"a":"$HOME `x`"}',
    });
    const [login, claim] = client.transcript();
    const claimCurl = toCurl(claim!);
    expect(claimCurl).toContain(`-H 'x-api-token: '"$OMNIVAS_API_TOKEN"`);
    expect(claimCurl).toContain(
      `--data-binary '{"voucherCode":"3225118500682251","amount":12.5,"idempotencyKey":"it'\\''s-1","metadata":"{\\"a\\":\\"$HOME \`x\`\\"}"}'`,
    );
    expect(toCurl(login!)).toContain(`--data-binary '{"key":"'"$OMNIVAS_API_KEY"'"}'`);

    received.length = 0;
    const env = { PATH: process.env.PATH, OMNIVAS_API_TOKEN: issued.at(-1), OMNIVAS_API_KEY: API_KEY };
    await run('bash', ['-c', `${claimCurl} -sS -o /dev/null`], { env });
    await run('bash', ['-c', `${toCurl(login!)} -sS -o /dev/null`], { env });
    expect(received[0]).toMatchObject({ body: claim!.requestBody, signatureValid: true });
    expect(received[1]).toMatchObject({ body: `{"key":"${API_KEY}"}` });
  });

  it('removes the content type curl would add when the exchange sent none, and keeps a body starting with @ literal', async () => {
    const client = merchant();
    await client.send({
      method: 'POST',
      path: '/topup-transactions/initiate-claim',
      body: '@/etc/passwd',
      headers: { 'content-type': null },
      sign: { signature: 's' },
    });
    const curl = toCurl(client.transcript().at(-1)!);
    expect(curl).toContain(`-H 'Content-Type:'`);
    expect(curl).toContain(`--data-raw '@/etc/passwd'`);
  });
});

describe('createPartnerClient', () => {
  const partner = () =>
    createPartnerClient({
      baseUrl: `${origin}/partner/v1`,
      apiKey: API_KEY,
      privateKey: partnerKey,
      signingTemplate: DEFAULT_SIGNING_TEMPLATE,
      clock,
    });

  it('signs the template over the full path with the clock in Unix seconds, and adds an Idempotency-Key on writes only', async () => {
    const client = partner();
    await client.send({ method: 'POST', path: '/claims', body: '{"voucherCode":"1"}' });
    await client.send({ method: 'POST', path: '/claims', body: '{"voucherCode":"1"}', idempotencyKey: 'mine' });
    await client.send({ method: 'POST', path: '/claims', body: '{}', idempotencyKey: null });
    await client.send({ method: 'GET', path: '/claims/1?x=1' });
    const [generated, mine, none, get] = received;
    expect(received.every((r) => r.signatureValid === true)).toBe(true);
    expect(generated!.headers).toMatchObject({
      'x-api-key': API_KEY,
      'x-timestamp': String(now / 1000),
      'idempotency-key': expect.stringMatching(/^ik-[A-Za-z0-9]{22}$/),
    });
    expect(mine!.headers['idempotency-key']).toBe('mine');
    expect(none!.headers['idempotency-key']).toBeUndefined();
    expect(get!.headers['idempotency-key']).toBeUndefined();
    expect(get!.url).toBe('/partner/v1/claims/1?x=1');
    expect(JSON.stringify(client.transcript())).not.toContain(API_KEY);
    expect(client.transcript()[0]!.requestHeaders['x-api-key']).toBe('[REDACTED:api-key]');
  });

  it('refuses a key that is not Ed25519', () => {
    expect(() =>
      createPartnerClient({
        baseUrl: origin,
        apiKey: API_KEY,
        privateKey: merchantKey,
        signingTemplate: DEFAULT_SIGNING_TEMPLATE,
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('the target health record', () => {
  /** A loopback target that answers while `answering` is true and otherwise accepts and never answers. */
  async function flakyTarget() {
    const state = { answering: false, requests: 0 };
    const server = createServer((req, res) => {
      state.requests += 1;
      if (state.answering) res.writeHead(500, { 'content-type': 'application/json' }).end('{"statusCode":500}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      state,
      url: `http://127.0.0.1:${port}${BASE_PATH}`,
      close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
    };
  }

  it('after 3 unanswered requests in a row, every later one fails at once with TARGET_UNRESPONSIVE, across clients', async () => {
    const target = await flakyTarget();
    try {
      const health = createTargetHealth(target.url);
      const client = () =>
        createMerchantClient({ baseUrl: target.url, apiKey: API_KEY, privateKey: merchantKey, timeoutMs: 200, health });
      const send = (c: MerchantClient) => c.send({ method: 'GET', path: '/x', headers: { 'x-api-token': 't' } });
      const first = client();
      for (let i = 0; i < 3; i++) await expect(send(first)).rejects.toMatchObject({ code: 'TARGET_UNREACHABLE' });
      expect(health.unanswered).toBe(3);
      const started = Date.now();
      const err = await send(client()).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'TARGET_UNRESPONSIVE',
        message: expect.stringMatching(
          new RegExp(
            `^${target.url}.* 3 requests in a row without an answer \\(last: no answer within 0\\.2 s\\).*check that the target is running`,
          ),
        ),
      });
      expect(Date.now() - started).toBeLessThan(150); // at once, not after its own timeout
      expect(target.state.requests).toBe(3); // the fourth was never sent
      expect((err as Error).message).not.toContain(API_KEY);
    } finally {
      await target.close();
    }
  });

  it('any answer resets the count, a 500 included', async () => {
    const target = await flakyTarget();
    try {
      const health = createTargetHealth(target.url);
      const client = createMerchantClient({
        baseUrl: target.url,
        apiKey: API_KEY,
        privateKey: merchantKey,
        timeoutMs: 200,
        health,
      });
      const send = () => client.send({ method: 'GET', path: '/x', headers: { 'x-api-token': 't' } });
      for (let i = 0; i < 2; i++) await expect(send()).rejects.toMatchObject({ code: 'TARGET_UNREACHABLE' });
      target.state.answering = true;
      expect((await send()).status).toBe(500);
      expect(health.unanswered).toBe(0);
      target.state.answering = false;
      for (let i = 0; i < 2; i++) await expect(send()).rejects.toMatchObject({ code: 'TARGET_UNREACHABLE' });
      await expect(send()).rejects.toMatchObject({ code: 'TARGET_UNREACHABLE' }); // the third in a row is still sent
      await expect(send()).rejects.toMatchObject({ code: 'TARGET_UNRESPONSIVE' });
    } finally {
      await target.close();
    }
  });

  it("a login answered with a 5xx is the target's fault, not the API key's", async () => {
    const target = await flakyTarget();
    try {
      target.state.answering = true;
      const client = createMerchantClient({ baseUrl: target.url, apiKey: API_KEY, privateKey: merchantKey });
      const err = (await client.login().catch((e: unknown) => e)) as { code: string; message: string };
      expect(err.code).toBe('TARGET_FAILED');
      expect(err.message).toMatch(
        /failed on the login: HTTP 500 \(statusCode 500\); a server error is the target's fault/,
      );
      expect(err.message).not.toMatch(/check the API key/);
    } finally {
      await target.close();
    }
  });
});
