import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envelopeProblem } from '../lib/error-catalog';
import { listDefects, startSandbox, type RunningSandbox } from './index';
import { httpCall, readyMerchant, SandboxClient, signBody } from './testing';

let sandbox: RunningSandbox;
let client: SandboxClient;
const logs: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 5, log: (line) => logs.push(line) });
  client = new SandboxClient(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => client.adminOk('POST', '/reset'));

describe('admin access', () => {
  it('needs the bearer token on every /admin path, known or not (401)', async () => {
    for (const token of [undefined, 'wrong', `${sandbox.adminToken}x`]) {
      const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
      for (const path of ['/state', '/no-such-thing']) {
        const answer = await httpCall(`${sandbox.adminUrl}${path}`, { headers });
        expect(answer.status).toBe(401);
        expect(envelopeProblem(answer.json)).toBeUndefined();
      }
    }
  });

  it('judges loopback by the socket: X-Forwarded-For neither grants nor removes access', async () => {
    const answer = await httpCall(`${sandbox.adminUrl}/clock`, {
      headers: { authorization: `Bearer ${sandbox.adminToken}`, 'x-forwarded-for': '203.0.113.5' },
    });
    expect(answer.status).toBe(200);
  });
});

describe('merchants, partners and vouchers', () => {
  it('generates a key pair when no public key is given, shows the private key once, and it works', async () => {
    const created = await client.adminOk('POST', '/merchants', { keyType: 'ed25519', serviceFee: '0.5' });
    expect(created).toMatchObject({ id: 'merchant-1', keyType: 'ed25519', serviceFee: '0.500000' });
    expect(created.privateKeyPem).toContain('PRIVATE KEY');
    const privateKey = createPrivateKey(created.privateKeyPem);
    const token = await client.login({
      id: created.id,
      apiKey: created.apiKey,
      keyType: 'ed25519',
      privateKey,
      publicKeyPem: created.publicKeyPem,
    });
    const body = JSON.stringify({ voucherCode: '0000', idempotencyKey: 'k' });
    const answer = await httpCall(`${sandbox.url}/topup-transactions/initiate-claim`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-token': token, 'x-signature': signBody(privateKey, body) },
      body,
    });
    expect(answer.json.statusCode).toBe(4041);
    const state = (await client.admin('GET', '/state')).text;
    expect(state).not.toContain(created.apiKey);
    expect(state).not.toContain('PRIVATE KEY');
  });

  it.each([
    [
      'a private key as publicKeyPem',
      () => ({
        publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey.export({
          type: 'sec1',
          format: 'pem',
        }),
      }),
      'holds a private key',
    ],
    [
      'a P-256 key',
      () => ({
        publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
          type: 'spki',
          format: 'pem',
        }),
      }),
      'expected secp256k1 or ed25519',
    ],
    [
      'garbage PEM',
      () => ({ publicKeyPem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }),
      '"publicKeyPem" is not a PEM public key',
    ],
    ['a fee with 7 places', () => ({ serviceFee: '1.1234567' }), '"serviceFee"'],
    ['an unknown field', () => ({ fee: 1 }), '"fee" is not a known field'],
    ['origins not an array', () => ({ allowedOrigins: '127.0.0.1' }), '"allowedOrigins" expected an array'],
  ])('refuses %s with 400 naming the field', async (_, body, message) => {
    const sent: Record<string, unknown> = body();
    const answer = await client.admin('POST', '/merchants', sent);
    expect(answer.status).toBe(400);
    expect(answer.json.message).toContain(message);
    if (typeof sent.publicKeyPem === 'string' && sent.publicKeyPem.includes('PRIVATE'))
      expect(answer.text).not.toContain(sent.publicKeyPem.split('\n')[1]);
  });

  it('refuses duplicate ids and codes and references to nothing', async () => {
    await client.adminOk('POST', '/merchants', { id: 'shop' });
    expect((await client.admin('POST', '/merchants', { id: 'shop' })).json.message).toContain('already a merchant');
    await client.createVoucher({ code: '1111', amount: 1 });
    expect((await client.admin('POST', '/vouchers', { code: '1111', amount: 1 })).json.message).toContain(
      'already a voucher',
    );
    expect(
      (await client.admin('POST', '/vouchers', { amount: 1, restrictedMerchantId: 'ghost' })).json.message,
    ).toContain('restrictedMerchantId');
    expect((await client.admin('POST', '/vouchers', { amount: 1, partnerId: 'ghost' })).status).toBe(404);
    expect((await client.admin('POST', '/vouchers', { amount: 0 })).status).toBe(400);
    expect(
      (await client.admin('POST', '/vouchers', { amount: 1, expirationDate: '2025-12-21' })).json.message,
    ).toContain('ISO 8601');
    expect((await client.admin('DELETE', '/merchants/ghost')).status).toBe(404);
  });

  it('a voucher funded by a partner company debits it; one beyond its balance is refused', async () => {
    const partner = await client.createPartner({ reservedBalance: 50 });
    await client.createVoucher({ amount: 30, partnerId: partner.id });
    expect((await client.admin('POST', '/vouchers', { amount: 21, partnerId: partner.id })).status).toBe(409);
    const state = await client.adminOk('GET', '/state');
    expect(state.partners[0].reservedBalance).toBe('20.000000');
    expect(state.ledgerBalances[`partner:${partner.id}`]).toBe('20.000000');
    expect(state.ledgerBalances.external).toBe('-50.000000');
  });
});

describe('clock, SMS outbox, fixed OTP', () => {
  it('reads, advances and sets the clock, never backwards', async () => {
    const before = await client.adminOk('GET', '/clock');
    const advanced = await client.adminOk('POST', '/clock', { advanceSeconds: 3600 });
    expect(advanced.epochSeconds - before.epochSeconds).toBeGreaterThanOrEqual(3600);
    const set = await client.adminOk('POST', '/clock', { set: '2040-01-01T00:00:00.000Z' });
    expect(set.now.startsWith('2040-01-01T00:00:0')).toBe(true);
    expect((await client.admin('POST', '/clock', { set: before.epochSeconds })).status).toBe(400);
    expect((await client.admin('POST', '/clock', { advanceSeconds: -1 })).status).toBe(400);
    expect((await client.admin('POST', '/clock', {})).status).toBe(400);
  });

  it('the outbox holds each OTP, to the voucher owner, filterable by number', async () => {
    const m = await readyMerchant(client);
    const a = await client.createVoucher({ amount: 10, ownerMsisdn: '251911111111' });
    const b = await client.createVoucher({ amount: 10, ownerMsisdn: '251922222222' });
    await m.initiate({ voucherCode: a.code, amount: 1 });
    await m.initiate({ voucherCode: b.code, amount: 1 });
    const { messages } = await client.adminOk('GET', '/sms?to=251922222222');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ to: '251922222222', voucherCode: b.code });
    expect(messages[0].otp).toMatch(/^\d{6}$/);
    expect(messages[0].text).toContain(messages[0].otp);
  });

  it("a sandbox-wide fixed OTP applies, a voucher's own wins, null restores random OTPs", async () => {
    const m = await readyMerchant(client);
    await client.adminOk('PUT', '/fixed-otp', { otp: '111111' });
    const plain = await client.createVoucher({ amount: 10 });
    const own = await client.createVoucher({ amount: 10, fixedOtp: '735191' });
    await m.initiate({ voucherCode: plain.code, amount: 1 });
    await m.initiate({ voucherCode: own.code, amount: 1 });
    expect(await client.otps(plain.code)).toEqual(['111111']);
    expect(await client.otps(own.code)).toEqual(['735191']);
    await client.adminOk('PUT', '/fixed-otp', { otp: null });
    await m.initiate({ voucherCode: plain.code, amount: 1 });
    await m.initiate({ voucherCode: plain.code, amount: 1 });
    expect(new Set(await client.otps(plain.code)).size).toBeGreaterThan(1);
    expect((await client.admin('PUT', '/fixed-otp', { otp: '12345' })).status).toBe(400);
  });
});

describe('faults and defects', () => {
  it('refuses a fault on an unknown endpoint, with an undocumented code or of an unknown kind', async () => {
    expect((await client.admin('POST', '/faults', { endpoint: 'nowhere', kind: 'reset' })).json.message).toContain(
      '"endpoint"',
    );
    expect(
      (await client.admin('POST', '/faults', { endpoint: 'redeem-gift', kind: 'error', code: 4999 })).json.message,
    ).toContain('documented error code');
    expect(
      (await client.admin('POST', '/faults', { endpoint: 'redeem-gift', kind: 'explode' })).json.message,
    ).toContain('"kind"');
    await client.adminOk('POST', '/faults', { endpoint: 'initiate-redeem', kind: 'delay', delayMs: 5, count: 3 });
    expect((await client.adminOk('GET', '/faults')).faults).toMatchObject([
      { endpoint: 'initiate-claim', remaining: 3 },
    ]);
    await client.adminOk('DELETE', '/faults');
    expect((await client.adminOk('GET', '/faults')).faults).toEqual([]);
  });

  it('lists the defects, switches them, and refuses unknown names listing the valid ones', async () => {
    const listed = await client.adminOk('GET', '/defects');
    expect(listed.available).toEqual(listDefects());
    expect(listed.active).toEqual([]);
    await client.adminOk('POST', '/defects/fee-not-deducted');
    await client.adminOk('PUT', '/defects', { active: ['otp-reusable', 'error-success-true'] });
    await client.adminOk('DELETE', '/defects/error-success-true');
    expect((await client.adminOk('GET', '/defects')).active).toEqual(['otp-reusable']);
    const unknown = await client.admin('POST', '/defects/no-such-bug');
    expect(unknown.status).toBe(400);
    expect(unknown.json.message).toContain('signature-not-checked');
    // admin errors are never subject to the API's seeded defects
    await client.adminOk('PUT', '/defects', { active: ['error-success-true', 'error-http-status-200'] });
    expect((await client.admin('POST', '/defects/no-such-bug')).status).toBe(400);
  });
});

describe('reset, state and ledger', () => {
  it('reset empties the state, invalidates tokens and returns to the start', async () => {
    const m = await readyMerchant(client);
    await client.createVoucher({ amount: 10 });
    await client.adminOk('POST', '/reset');
    const state = await client.adminOk('GET', '/state');
    expect(state).toMatchObject({ merchants: [], partners: [], vouchers: [], defects: [] });
    expect(
      (await httpCall(`${sandbox.url}/test`, { method: 'POST', headers: { 'x-api-token': m.token } })).status,
    ).toBe(401);
    expect((await client.ledger()).length).toBe(0);
  });

  it('the ledger dump has sequence numbers, times, kinds, accounts and exact amounts', async () => {
    const m = await readyMerchant(client, { serviceFee: '0.1' });
    const v = await client.createVoucher({ amount: '0.3' });
    await m.initiate({ voucherCode: v.code, amount: 0.1 });
    await m.redeem({ voucherCode: v.code, verificationCode: await client.lastOtp(v.code) });
    const entries = await client.ledger();
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(entries.map((e) => [e.kind, e.from, e.to, e.amount])).toEqual([
      ['voucher-issued', 'external', `voucher:${v.code}`, '0.300000'],
      ['claim-reserved', `voucher:${v.code}`, null, '0.100000'],
      ['claim-released', `voucher:${v.code}`, null, '0.100000'],
      ['redemption', `voucher:${v.code}`, `merchant:${m.merchant.id}`, '0.100000'],
      ['service-fee', `voucher:${v.code}`, 'omnivas:fees', '0.100000'],
    ]);
    expect((await client.voucher(v.code)).remainingBalance).toBe('0.100000');
  });
});

describe('secrets never leak', () => {
  it('logs, state dumps and error answers carry no API key, access token, admin token or private key', async () => {
    logs.length = 0;
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 10 });
    await m.initiate({ voucherCode: v.code, amount: 1 });
    await client.adminOk('POST', '/merchants', {});
    await client.adminOk('PUT', '/defects', { active: ['fee-not-deducted'] });
    await client.adminOk('DELETE', `/merchants/${m.merchant.id}`);
    await client.advanceClock(10);
    const answers = [
      await client.loginAnswer(`${m.merchant.apiKey}x`),
      await httpCall(`${sandbox.url}/test`, { method: 'POST', headers: { 'x-api-token': `${m.token}x` } }),
      await client.admin('GET', '/state'),
      await client.admin('GET', '/ledger'),
    ];
    const seen = [...logs, ...answers.map((a) => a.text)].join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [m.merchant.apiKey, m.token, m.token.split('.')[2]!, sandbox.adminToken, 'PRIVATE KEY'])
      expect(seen).not.toContain(secret);
  });
});
