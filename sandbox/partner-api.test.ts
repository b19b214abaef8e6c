import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envelopeProblem } from '../lib/error-catalog';
import { startSandbox, type RunningSandbox } from './index';
import { generateMerchantKey, readyMerchant, SandboxClient, signText, type TestPartner } from './testing';

let sandbox: RunningSandbox;
let client: SandboxClient;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 11 });
  client = new SandboxClient(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => client.adminOk('POST', '/reset'));

const issue = (p: TestPartner, body: Record<string, unknown>, key: string, options = {}) =>
  client.partnerCall(p, 'POST', '/vouchers', body, { idempotencyKey: key, ...options });

/** Pins the sandbox clock on a whole second (later than now), so a timestamp's distance from it is exact. */
async function pinClock(): Promise<number> {
  const at = (await client.clockSeconds()) + 2;
  await client.adminOk('POST', '/clock', { set: at });
  return at;
}

describe('partner request authentication (onboarding › Request Authentication)', () => {
  it.each([
    [-300, 200],
    [300, 200],
    [-301, 401],
    [301, 401],
  ])('X-Timestamp %i s from the sandbox clock → %i', async (offset, status) => {
    const p = await client.createPartner();
    const now = await pinClock();
    const answer = await client.partnerCall(p, 'GET', '/account', undefined, { timestamp: String(now + offset) });
    expect(answer.status, answer.text).toBe(status);
    if (status !== 200) expect(envelopeProblem(answer.json)).toBeUndefined();
  });

  it('refuses a missing or unknown X-API-Key (401), a malformed timestamp (401), a bad signature (403)', async () => {
    const p = await client.createPartner();
    const stranger = { ...p, privateKey: generateMerchantKey('ed25519').privateKey };
    expect((await client.partnerCall(p, 'GET', '/account', undefined, { headers: { 'x-api-key': '' } })).status).toBe(
      401,
    );
    expect((await client.partnerCall({ ...p, apiKey: 'nope' }, 'GET', '/account')).status).toBe(401);
    expect(
      (await client.partnerCall(p, 'GET', '/account', undefined, { timestamp: '2025-12-19T00:00:00Z' })).status,
    ).toBe(401);
    expect(
      (await client.partnerCall(p, 'GET', '/account', undefined, { timestamp: `${await client.clockSeconds()}000` }))
        .status,
    ).toBe(401);
    expect((await client.partnerCall(stranger, 'GET', '/account')).status).toBe(403);
    expect((await client.partnerCall(p, 'GET', '/account', undefined, { headers: { 'x-signature': '' } })).status).toBe(
      403,
    );
  });

  it('the signature binds method, path and body', async () => {
    const p = await client.createPartner();
    const ts = String(await client.clockSeconds());
    const signedForOther = signText(p.privateKey, `${ts}.GET./api/v1/partner/vouchers.`);
    expect(
      (
        await client.partnerCall(p, 'GET', '/account', undefined, {
          timestamp: ts,
          headers: { 'x-signature': signedForOther },
        })
      ).status,
    ).toBe(403);
    const body = { amount: 5, ownerMsisdn: '251911000000' };
    const signedOtherBody = signText(
      p.privateKey,
      `${ts}.POST./api/v1/partner/vouchers.${JSON.stringify({ ...body, amount: 500 })}`,
    );
    expect((await issue(p, body, 'k', { timestamp: ts, headers: { 'x-signature': signedOtherBody } })).status).toBe(
      403,
    );
  });

  it('a company with its own signing template is verified against it', async () => {
    const template = '{apiKey}|{timestamp}|{method}|{path}|{idempotencyKey}|{body}';
    const p = await client.createPartner({ signingTemplate: template });
    expect((await issue(p, { amount: 5, ownerMsisdn: '251911000000' }, 'k1', { template })).status).toBe(200);
    expect((await issue(p, { amount: 5, ownerMsisdn: '251911000000' }, 'k2')).status).toBe(403);
  });

  it('refuses callers outside the allowed origins and companies whose API access is disabled (403)', async () => {
    const p = await client.createPartner({ allowedOrigins: ['198.51.100.9'] });
    expect((await client.partnerCall(p, 'GET', '/account')).status).toBe(403);
    expect(
      (await client.partnerCall(p, 'GET', '/account', undefined, { headers: { 'x-forwarded-for': '198.51.100.9' } }))
        .status,
    ).toBe(200);
    const q = await client.createPartner();
    await client.adminOk('POST', `/partners/${q.id}/disable`);
    expect((await client.partnerCall(q, 'GET', '/account')).status).toBe(403);
  });
});

describe("issuing vouchers from the reserved balance (the sandbox's own partner endpoints)", () => {
  it('debits the reserved balance, writes the ledger, and the voucher can be read back and redeemed', async () => {
    const p = await client.createPartner({ reservedBalance: '100.5' });
    const answer = await issue(p, { amount: 40.25, ownerMsisdn: '251911000000' }, 'first');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({
      statusCode: 200,
      success: true,
      data: {
        reservedBalance: '60.250000',
        voucher: { amount: '40.250000', remainingBalance: '40.250000', status: 'ACTIVE', ownerMsisdn: '251911000000' },
      },
    });
    const code = answer.json.data.voucher.code as string;
    expect((await client.ledger()).filter((e) => e.kind === 'voucher-issued')).toMatchObject([
      { from: `partner:${p.id}`, to: `voucher:${code}`, amount: '40.250000' },
    ]);
    expect((await client.partnerCall(p, 'GET', `/vouchers/${code}`)).json.data.voucher.code).toBe(code);
    expect((await client.partnerCall(p, 'GET', '/vouchers')).json.data.vouchers).toHaveLength(1);
    expect((await client.partnerCall(p, 'GET', '/account')).json.data.reservedBalance).toBe('60.250000');

    const m = await readyMerchant(client);
    await m.initiate({ voucherCode: code, amount: 40.25 });
    expect((await m.redeem({ voucherCode: code, verificationCode: await client.lastOtp(code) })).status).toBe(200);
    expect((await client.partnerCall(p, 'GET', `/vouchers/${code}`)).json.data.voucher.status).toBe('REDEEMED');
  });

  it('refuses a voucher beyond the reserved balance, with no debit', async () => {
    const p = await client.createPartner({ reservedBalance: 10 });
    const answer = await issue(p, { amount: 10.000001, ownerMsisdn: '251911000000' }, 'big');
    expect(answer.status).toBe(409);
    expect(envelopeProblem(answer.json)).toBeUndefined();
    expect((await client.partnerCall(p, 'GET', '/account')).json.data.reservedBalance).toBe('10.000000');
  });

  it('needs an Idempotency-Key on writes; the same key replays, a different body under it is 422', async () => {
    const p = await client.createPartner({ reservedBalance: 100 });
    const body = { amount: 10, ownerMsisdn: '251911000000' };
    expect((await client.partnerCall(p, 'POST', '/vouchers', body)).status).toBe(400);
    const first = await issue(p, body, 'once');
    const again = await issue(p, body, 'once');
    expect(again.text).toBe(first.text);
    expect((await issue(p, { ...body, amount: 11 }, 'once')).status).toBe(422);
    expect((await client.partnerCall(p, 'GET', '/account')).json.data.reservedBalance).toBe('90.000000');
  });

  it('a company sees only its own vouchers', async () => {
    const p = await client.createPartner();
    const q = await client.createPartner();
    const code = (await issue(p, { amount: 1, ownerMsisdn: '251911000000' }, 'k')).json.data.voucher.code;
    expect((await client.partnerCall(q, 'GET', `/vouchers/${code}`)).json.statusCode).toBe(4041);
    expect((await client.partnerCall(q, 'GET', '/vouchers')).json.data.vouchers).toEqual([]);
  });

  it('refuses bad fields with 400 naming the field', async () => {
    const p = await client.createPartner();
    const answer = await issue(p, { amount: -1, ownerMsisdn: '251911000000' }, 'neg');
    expect(answer.status).toBe(400);
    expect(answer.json.message).toContain('"amount"');
    expect((await issue(p, { amount: 1 }, 'no-owner')).json.message).toContain('"ownerMsisdn"');
    expect(
      (await issue(p, { amount: 1, ownerMsisdn: '251911000000', fixedOtp: '123456' }, 'extra')).json.message,
    ).toContain('"fixedOtp" is not a known field');
  });
});
