import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  documentedPairs,
  envelopeProblem,
  httpStatusOf,
  messageOf,
  type ApiErrorCode,
  type CodedEndpoint,
} from '../lib/error-catalog';
import { startSandbox, type RunningSandbox } from './index';
import {
  generateMerchantKey,
  httpCall,
  readyMerchant,
  SandboxClient,
  signText,
  type HttpAnswer,
  type ReadyMerchant,
} from './testing';

let sandbox: RunningSandbox;
let client: SandboxClient;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 7 });
  client = new SandboxClient(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => client.adminOk('POST', '/reset'));

function expectEnvelope(answer: HttpAnswer, httpStatus: number, statusCode = httpStatus, message?: string): void {
  expect(answer.status, answer.text).toBe(httpStatus);
  expect(envelopeProblem(answer.json), answer.text).toBeUndefined();
  expect(answer.json.statusCode).toBe(statusCode);
  if (message !== undefined) expect(answer.json.message).toBe(message);
}

function expectCode(answer: HttpAnswer, code: ApiErrorCode): void {
  expectEnvelope(answer, httpStatusOf(code), code, messageOf(code));
}

const fresh = (spec: Record<string, unknown> = {}) => client.createVoucher({ amount: 100, ...spec });

describe('successful calls, exactly as the document shows them', () => {
  it('login answers {accessToken, success, statusCode, message} with an ES256 JWT', async () => {
    const merchant = await client.createMerchant();
    const answer = await client.loginAnswer(merchant.apiKey);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.json)).toEqual(['accessToken', 'success', 'statusCode', 'message']);
    expect(answer.json).toMatchObject({ success: true, statusCode: 200, message: 'Login Successful' });
    const [header, payload] = (answer.json.accessToken as string).split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'ES256', typ: 'JWT' });
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(300);
  });

  it('POST /test answers {"test":"successful"}', async () => {
    const m = await readyMerchant(client);
    const answer = await httpCall(`${sandbox.url}/test`, { method: 'POST', headers: { 'x-api-token': m.token } });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{"test":"successful"}');
  });

  it.each(['initiate-claim', 'initiate-redeem'])(
    '%s answers the documented body, echoing idempotencyKey and metadata',
    async (path) => {
      const m = await readyMerchant(client);
      const v = await fresh();
      const answer = await client.signedPost(m.merchant, m.token, `/topup-transactions/${path}`, {
        voucherCode: v.code,
        amount: 50,
        idempotencyKey: 'unique-key-123',
        metadata: '{"shop":"A"}',
      });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(
        JSON.stringify({
          success: true,
          message: 'OTP Code has been sent to user Successfully',
          statusCode: 200,
          data: {
            message: 'OTP Code has been sent to user Successfully',
            idempotencyKey: 'unique-key-123',
            metadata: '{"shop":"A"}',
          },
        }),
      );
      expect((await client.voucher(v.code)).reservedBalance).toBe('50.000000');
    },
  );

  it('detail shows the voucher and the service fee as documented, and follows the state machine', async () => {
    const m = await readyMerchant(client, { serviceFee: 1 });
    const v = await fresh({ amount: '50.005', expirationDate: '2030-12-21T22:10:17.000Z' });
    const first = await m.detail(v.code);
    expect(first.status).toBe(200);
    expect(Object.keys(first.json)).toEqual(['statusCode', 'success', 'message', 'data']);
    expect(first.json).toMatchObject({ statusCode: 200, success: true, message: 'Successful' });
    expect(Object.keys(first.json.data)).toEqual(['voucher', 'serviceFee']);
    expect(first.json.data.voucher).toEqual({
      id: v.id,
      code: v.code,
      serialNumber: v.serialNumber,
      amount: '50.005000',
      remainingBalance: '50.005000',
      status: 'ACTIVE',
      expirationDate: '2030-12-21T22:10:17.000Z',
    });
    expect(first.json.data.serviceFee).toBe('1.000000');
    expect(v.serialNumber).toMatch(/^\d{13}$/);

    await m.initiate({ voucherCode: v.code, amount: 49 });
    expect((await m.detail(v.code)).json.data.voucher.status).toBe('REDEEM_INITIATED');
    expect((await m.redeem({ voucherCode: v.code, verificationCode: await client.lastOtp(v.code) })).status).toBe(200);
    expect((await m.detail(v.code)).json.data.voucher).toMatchObject({
      remainingBalance: '0.005000',
      status: 'ACTIVE',
    });

    await m.initiate({ voucherCode: v.code, amount: 0.005 });
    // the 0.005 claim plus the 1.000000 fee exceed the balance: 4096 releases the claim, back to ACTIVE
    expectCode(await m.redeem({ voucherCode: v.code, verificationCode: await client.lastOtp(v.code) }), 4096);
    expect((await m.detail(v.code)).json.data.voucher.status).toBe('ACTIVE');
  });

  it('a redemption answers with reference numbers, consumes amount + fee, credits the merchant and the fee account', async () => {
    const m = await readyMerchant(client, { serviceFee: '1.5' });
    const v = await fresh({ amount: 100 });
    await m.initiate({ voucherCode: v.code, amount: 40, metadata: '{}' });
    const answer = await m.redeem({
      voucherCode: v.code,
      verificationCode: await client.lastOtp(v.code),
      idempotencyKey: 'unique-key-123',
      metadata: '{}',
    });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.json)).toEqual(['success', 'message', 'statusCode', 'data']);
    expect(answer.json).toMatchObject({ success: true, message: 'Gift redeemed successfully', statusCode: 200 });
    expect(Object.keys(answer.json.data)).toEqual([
      'response',
      'referenceNumber',
      'omnivasReferenceNumber',
      'idempotencyKey',
      'metadata',
    ]);
    expect(answer.json.data).toMatchObject({ response: 'Success', idempotencyKey: 'unique-key-123', metadata: '{}' });
    expect(answer.json.data.referenceNumber).toMatch(/^TBR\d{9}$/);
    expect(answer.json.data.omnivasReferenceNumber).toMatch(/^TX-\d{7}$/);
    expect((await client.voucher(v.code)).remainingBalance).toBe('58.500000');
    const state = await client.adminOk('GET', '/state');
    expect(state.merchants[0].received).toBe('40.000000');
    expect(state.ledgerBalances['omnivas:fees']).toBe('1.500000');
    expect(state.ledgerBalances[`voucher:${v.code}`]).toBe('58.500000');
    const sms = await client.adminOk('GET', `/sms?voucherCode=${v.code}`);
    expect(sms.messages.map((s: { text: string }) => s.text).join('\n')).toContain(
      answer.json.data.omnivasReferenceNumber,
    );
  });

  it('a redemption of the whole balance makes the voucher REDEEMED and releases the other pending claims', async () => {
    const m = await readyMerchant(client);
    const v = await fresh({ amount: 10 });
    await m.initiate({ voucherCode: v.code, amount: 4 });
    await m.initiate({ voucherCode: v.code, amount: 6 });
    const [, second] = await client.otps(v.code);
    await client.adminOk('POST', `/vouchers/${v.code}/balance`, { remainingBalance: 6 });
    expect((await m.redeem({ voucherCode: v.code, verificationCode: second! })).status).toBe(200);
    const after = await client.voucher(v.code);
    expect(after).toMatchObject({
      status: 'REDEEMED',
      remainingBalance: '0.000000',
      reservedBalance: '0.000000',
      claims: [],
    });
  });
});

/** For each documented (endpoint, code) pair, a way to provoke it: a request sequence, admin-arranged state, or a fault. */
type Provoke = (m: ReadyMerchant) => Promise<HttpAnswer>;

/** A voucher made from `spec` with one pending claim of `amount` ('all': no amount, the whole balance). */
async function pendingClaim(m: ReadyMerchant, spec: Record<string, unknown> = {}, amount: number | 'all' = 10) {
  const v = await fresh(spec);
  const initiated = await m.initiate(amount === 'all' ? { voucherCode: v.code } : { voucherCode: v.code, amount });
  expect(initiated.status, initiated.text).toBe(200);
  return { code: v.code as string, otp: await client.lastOtp(v.code) };
}

const BY_REQUEST: Partial<Record<`${CodedEndpoint} ${ApiErrorCode}`, Provoke>> = {
  'initiate-claim 4041': (m) => m.initiate({ voucherCode: '0000000000000000', amount: 1 }),
  'initiate-claim 4042': async (m) => {
    const { code, otp } = await pendingClaim(m, { amount: 10 }, 'all');
    expect((await m.redeem({ voucherCode: code, verificationCode: otp })).status).toBe(200);
    return m.initiate({ voucherCode: code, amount: 1 });
  },
  'initiate-claim 4091': async (m) =>
    m.initiate({ voucherCode: (await fresh({ amount: 10 })).code, amount: 10.000001 }),
  'redeem-gift 4031': async (m) => {
    const other = await client.createMerchant();
    const { code, otp } = await pendingClaim(m, { restrictedMerchantId: other.id });
    return m.redeem({ voucherCode: code, verificationCode: otp });
  },
  'redeem-gift 4032': async (m) => {
    const { code, otp } = await pendingClaim(m, { amount: 10 }, 'all');
    expect((await m.redeem({ voucherCode: code, verificationCode: otp })).status).toBe(200);
    return m.redeem({ voucherCode: code, verificationCode: otp });
  },
  'redeem-gift 4033': async (m) => m.redeem({ voucherCode: (await pendingClaim(m)).code }),
  'redeem-gift 4034': async (m) => m.redeem({ voucherCode: (await fresh()).code, verificationCode: '123456' }),
  'redeem-gift 4035': async (m) => {
    const { code, otp } = await pendingClaim(m);
    return m.redeem({ voucherCode: code, verificationCode: String((Number(otp) + 1) % 1_000_000).padStart(6, '0') });
  },
  'redeem-gift 4036': async (m) => {
    const { code, otp } = await pendingClaim(m, { expirationDate: new Date(Date.now() + 5_000).toISOString() });
    await client.advanceClock(6);
    return m.redeem({ voucherCode: code, verificationCode: otp });
  },
  'redeem-gift 4041': (m) => m.redeem({ voucherCode: '0000000000000000', verificationCode: '123456' }),
  'redeem-gift 4043': async (m) => {
    const { code, otp } = await pendingClaim(m);
    await client.adminOk('DELETE', `/merchants/${m.merchant.id}`);
    return m.redeem({ voucherCode: code, verificationCode: otp });
  },
  'redeem-gift 4044': async (m) => {
    const { code, otp } = await pendingClaim(m, { amount: 100 }, 80);
    await client.adminOk('POST', `/vouchers/${code}/balance`, { remainingBalance: 50 });
    return m.redeem({ voucherCode: code, verificationCode: otp });
  },
  'redeem-gift 4045': async (m) => {
    const partner = await client.adminOk('POST', '/partners', { reservedBalance: 1000 });
    const { code, otp } = await pendingClaim(m, { partnerId: partner.id });
    await client.adminOk('POST', `/partners/${partner.id}/disable`);
    return m.redeem({ voucherCode: code, verificationCode: otp });
  },
  'redeem-gift 4096': async (m) => {
    const { code, otp } = await pendingClaim(m, { amount: 100 }, 'all');
    return m.redeem({ voucherCode: code, verificationCode: otp });
  },
};

/** Provokes a code by injecting it into the next call of a request that would otherwise succeed. */
async function byFault(m: ReadyMerchant, endpoint: CodedEndpoint, code: ApiErrorCode): Promise<HttpAnswer> {
  if (endpoint === 'initiate-claim') {
    const v = await fresh();
    await client.adminOk('POST', '/faults', { endpoint, kind: 'error', code });
    return m.initiate({ voucherCode: v.code, amount: 10 });
  }
  const { code: voucherCode, otp } = await pendingClaim(m);
  await client.adminOk('POST', '/faults', { endpoint, kind: 'error', code });
  return m.redeem({ voucherCode, verificationCode: otp });
}

describe('every documented error code, with its HTTP status, envelope and message', () => {
  const pairs = documentedPairs();

  it('covers all 26 documented (endpoint, code) pairs', () => {
    expect(pairs).toHaveLength(26);
  });

  it.each(pairs.map((p) => [`${p.endpoint} ${p.code}`, p] as const))('%s', async (_, { endpoint, code }) => {
    const m = await readyMerchant(client, code === 4096 ? { serviceFee: 5 } : {});
    const provoke = BY_REQUEST[`${endpoint} ${code}`];
    const answer = provoke ? await provoke(m) : await byFault(m, endpoint, code);
    expectCode(answer, code);
  });

  it('5031 carries the provider message in place of the placeholder', async () => {
    const m = await readyMerchant(client);
    const { code, otp } = await pendingClaim(m);
    await client.adminOk('POST', '/faults', {
      endpoint: 'redeem-gift',
      kind: 'error',
      code: 5031,
      providerMessage: 'telebirr timed out',
    });
    expectEnvelope(
      await m.redeem({ voucherCode: code, verificationCode: otp }),
      503,
      5031,
      'Transfer failed: telebirr timed out',
    );
  });

  it('an injected fault has no effect: the claim stays pending and the balance untouched', async () => {
    const m = await readyMerchant(client);
    const { code, otp } = await pendingClaim(m);
    const ledgerBefore = await client.ledger();
    await client.adminOk('POST', '/faults', { endpoint: 'redeem-gift', kind: 'error', code: 5004, count: 2 });
    expectCode(await m.redeem({ voucherCode: code, verificationCode: otp }), 5004);
    expectCode(await m.redeem({ voucherCode: code, verificationCode: otp }), 5004);
    expect(await client.ledger()).toEqual(ledgerBefore);
    expect((await m.redeem({ voucherCode: code, verificationCode: otp })).status).toBe(200);
  });
});

describe('access tokens', () => {
  it('are accepted for 300 s of sandbox clock and refused with 401 after', async () => {
    const m = await readyMerchant(client);
    const test = () => httpCall(`${sandbox.url}/test`, { method: 'POST', headers: { 'x-api-token': m.token } });
    await client.advanceClock(298);
    expect((await test()).status).toBe(200);
    await client.advanceClock(2);
    expectEnvelope(await test(), 401);
  });

  it('missing, malformed, forged or from another sandbox: 401', async () => {
    const m = await readyMerchant(client);
    const other = await startSandbox();
    try {
      const otherClient = new SandboxClient(other);
      const foreign = await otherClient.login(await otherClient.createMerchant({ id: m.merchant.id }));
      const [h, p, s] = m.token.split('.');
      const forgedPayload = Buffer.from(JSON.stringify({ sub: m.merchant.id, iat: 1, exp: 9_999_999_999 })).toString(
        'base64url',
      );
      for (const token of [
        undefined,
        '',
        'garbage',
        'a.b.c',
        `${h}.${forgedPayload}.${s}`,
        `${h}.${p}.${s!.slice(0, -4)}AAAA`,
        foreign,
      ]) {
        const answer = await httpCall(`${sandbox.url}/test`, {
          method: 'POST',
          headers: token === undefined ? {} : { 'x-api-token': token },
        });
        expectEnvelope(answer, 401);
      }
    } finally {
      await other.close();
    }
  });

  it('a login with an unknown or missing key is refused without echoing it', async () => {
    const wrong = await client.loginAnswer('not-a-real-key-123');
    expectEnvelope(wrong, 401);
    expect(wrong.text).not.toContain('not-a-real-key-123');
    expectEnvelope(await client.loginAnswer(undefined), 400);
  });

  it('a removed merchant cannot log in and its token no longer opens /test', async () => {
    const m = await readyMerchant(client);
    await client.adminOk('DELETE', `/merchants/${m.merchant.id}`);
    expectEnvelope(await client.loginAnswer(m.merchant.apiKey), 401);
    expectEnvelope(await httpCall(`${sandbox.url}/test`, { method: 'POST', headers: { 'x-api-token': m.token } }), 401);
  });
});

describe('signatures', () => {
  const unknownVoucher = (key: string) => ({
    voucherCode: '0000000000000000',
    amount: 5,
    idempotencyKey: key,
    metadata: '{}',
  });

  it('missing, by another key, over another body, DER-encoded or base64url: 403', async () => {
    const m = await readyMerchant(client);
    const body = JSON.stringify(unknownVoucher('k'));
    const stranger = generateMerchantKey();
    let urlSafe = signText(m.merchant.privateKey, body);
    while (!/[+/]/.test(urlSafe)) urlSafe = signText(m.merchant.privateKey, body);
    const variants: Record<string, Record<string, string>> = {
      missing: { 'x-signature': '' },
      'another key': { 'x-signature': signText(stranger.privateKey, body) },
      'another body': { 'x-signature': signText(m.merchant.privateKey, JSON.stringify(unknownVoucher('other'))) },
      DER: { 'x-signature': signText(m.merchant.privateKey, body, 'der') },
      base64url: { 'x-signature': Buffer.from(urlSafe, 'base64').toString('base64url') },
      'not base64': { 'x-signature': '!!!' },
    };
    for (const [name, headers] of Object.entries(variants)) {
      const answer = await client.signedPost(m.merchant, m.token, '/topup-transactions/initiate-claim', body, headers);
      expect(answer.status, name).toBe(403);
      expect(envelopeProblem(answer.json), name).toBeUndefined();
    }
  });

  it('any whitespace and key order is accepted when the signature is over JSON.stringify(JSON.parse(body))', async () => {
    const m = await readyMerchant(client);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(['voucherCode', 'amount', 'idempotencyKey', 'metadata'], { minLength: 4 }),
        fc.constantFrom('', ' ', '\n', '\t ', '\r\n  '),
        async (order, space) => {
          const fields = unknownVoucher(`ws-${++n}`) as Record<string, unknown>;
          const sent = `{${space}${order.map((k) => `${JSON.stringify(k)}${space}:${space}${JSON.stringify(fields[k])}`).join(`${space},${space}`)}${space}}`;
          const answer = await client.signedPost(m.merchant, m.token, '/topup-transactions/initiate-claim', sent);
          // past the signature check: the unknown voucher's documented 4041, not a 403
          expectCode(answer, 4041);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('GET detail needs no signature', async () => {
    const m = await readyMerchant(client);
    expect((await m.detail((await fresh()).code)).status).toBe(200);
  });

  it('Ed25519 merchants sign with Ed25519 and go through the whole flow; an ECDSA signature from them is refused', async () => {
    const m = await readyMerchant(client, { keyType: 'ed25519' });
    const v = await fresh();
    expect((await m.initiate({ voucherCode: v.code, amount: 10 })).status).toBe(200);
    const redeemed = await m.redeem({ voucherCode: v.code, verificationCode: await client.lastOtp(v.code) });
    expect(redeemed.status, redeemed.text).toBe(200);
    const ecdsa = generateMerchantKey('secp256k1');
    const body = JSON.stringify(unknownVoucher('x'));
    expectEnvelope(
      await client.signedPost(m.merchant, m.token, '/topup-transactions/initiate-claim', body, {
        'x-signature': signText(ecdsa.privateKey, body),
      }),
      403,
    );
  });
});

describe('allowed origins, taken from X-Forwarded-For on loopback', () => {
  it('refuses an origin outside the list with 403 and accepts one inside it', async () => {
    const m = await readyMerchant(client, { allowedOrigins: ['127.0.0.1', '203.0.113.7'] });
    const v = await fresh();
    expectEnvelope(await m.initiate({ voucherCode: v.code, amount: 1 }, { 'x-forwarded-for': '198.51.100.1' }), 403);
    expectEnvelope(await client.loginAnswer(m.merchant.apiKey, { 'x-forwarded-for': '198.51.100.1, 127.0.0.1' }), 403);
    expect(
      (await m.initiate({ voucherCode: v.code, amount: 1 }, { 'x-forwarded-for': '203.0.113.7, 10.0.0.1' })).status,
    ).toBe(200);
    expectEnvelope(await m.detail(v.code, { 'x-forwarded-for': '10.0.0.1' }), 403);
  });
});

describe('validation and bad requests', () => {
  it.each([
    ['voucherCode missing', '{"amount":1,"idempotencyKey":"k"}'],
    ['voucherCode a number', '{"voucherCode":1,"amount":1,"idempotencyKey":"k"}'],
    ['amount a string', '{"voucherCode":"1","amount":"5","idempotencyKey":"k"}'],
    ['amount negative', '{"voucherCode":"1","amount":-5,"idempotencyKey":"k"}'],
    ['amount zero', '{"voucherCode":"1","amount":0,"idempotencyKey":"k"}'],
    ['amount not finite', '{"voucherCode":"1","amount":1e999,"idempotencyKey":"k"}'],
    ['amount with 7 places', '{"voucherCode":"1","amount":1.0000001,"idempotencyKey":"k"}'],
    ['amount beyond 2^53', '{"voucherCode":"1","amount":18014398509481984,"idempotencyKey":"k"}'],
    ['idempotencyKey missing', '{"voucherCode":"1","amount":1}'],
    ['idempotencyKey empty', '{"voucherCode":"1","amount":1,"idempotencyKey":""}'],
    ['metadata an object', '{"voucherCode":"1","amount":1,"idempotencyKey":"k","metadata":{}}'],
    ['body an array', '[1,2]'],
  ])('%s → 400', async (_, body) => {
    const m = await readyMerchant(client);
    expectEnvelope(await client.signedPost(m.merchant, m.token, '/topup-transactions/initiate-claim', body), 400);
  });

  it('malformed JSON → 400, wrong content type → 415, body over 64 KiB → 413', async () => {
    const m = await readyMerchant(client);
    const post = (body: string, type = 'application/json') =>
      httpCall(`${sandbox.url}/topup-transactions/initiate-claim`, {
        method: 'POST',
        headers: { 'content-type': type, 'x-api-token': m.token, 'x-signature': 'AA==' },
        body,
      });
    expectEnvelope(await post('{"voucherCode":'), 400);
    expectEnvelope(await post('voucherCode=1', 'application/x-www-form-urlencoded'), 415);
    expectEnvelope(await post(JSON.stringify({ voucherCode: '1', pad: 'x'.repeat(70_000) })), 413);
  });

  it('unknown route → 404, wrong method → 405 with Allow', async () => {
    expectEnvelope(await httpCall(`${sandbox.url}/topup-transactions/initiate-claim/more`, { method: 'POST' }), 404);
    // a path that exists for another method (GET /topup-transactions/:voucherCode) is a 405
    expectEnvelope(await httpCall(`${sandbox.url}/topup-transactions/initiate-claims`, { method: 'POST' }), 405);
    expectEnvelope(await httpCall(`${sandbox.origin}/`), 404);
    const wrong = await httpCall(`${sandbox.url}/auth/login`, { method: 'GET' });
    expectEnvelope(wrong, 405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });
});
