import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHarnessError } from '../lib/errors';
import { DEFECTS, type DefectName } from './defects';
import { listDefects, startSandbox, type RunningSandbox } from './index';
import { httpCall, readyMerchant, SandboxClient, signBody, signText, type ReadyMerchant } from './testing';

let sandbox: RunningSandbox;
let client: SandboxClient;
const agent = new Agent({ connections: 64 });

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 19 });
  client = new SandboxClient(sandbox);
});
afterAll(async () => {
  await sandbox.close();
  await agent.close();
});

/**
 * What a client observes in one small scenario: run against the correct sandbox it gives
 * `correct`, with the defect switched on it gives `defective`.
 */
interface Scenario {
  readonly observe: () => Promise<unknown>;
  readonly correct: unknown;
  readonly defective: unknown;
}

const voucher = (spec: Record<string, unknown> = {}) => client.createVoucher({ amount: 100, ...spec });

async function withClaim(m: ReadyMerchant, spec: Record<string, unknown> = {}, amount?: number) {
  const v = await voucher(spec);
  const initiated = await m.initiate(amount === undefined ? { voucherCode: v.code } : { voucherCode: v.code, amount });
  expect(initiated.status, initiated.text).toBe(200);
  return { code: v.code as string, otp: await client.lastOtp(v.code) };
}

const remaining = async (code: string) => (await client.voucher(code)).remainingBalance;
const testStatus = async (token: string) =>
  (await httpCall(`${sandbox.url}/test`, { method: 'POST', headers: { 'x-api-token': token } })).status;
const claimsReserved = async () => (await client.ledger()).filter((e) => e.kind === 'claim-reserved').length;

/** POST /test with a token that has aged `seconds` of sandbox clock. */
async function testStatusAfter(seconds: number): Promise<number> {
  const m = await readyMerchant(client);
  await client.advanceClock(seconds);
  return testStatus(m.token);
}

/** The balance left after redeeming 10 of 100 with a service fee of 1. */
async function remainingAfterFeeRedemption(): Promise<string> {
  const m = await readyMerchant(client, { serviceFee: 1 });
  const { code, otp } = await withClaim(m, {}, 10);
  await m.redeem({ voucherCode: code, verificationCode: otp });
  return remaining(code);
}

/** A signed initiate on a fresh voucher with the x-signature the caller makes from the body. */
async function initiateSignedWith(
  sign: (m: ReadyMerchant, body: string) => string,
  send: (body: string) => string = (b) => b,
): Promise<number> {
  const m = await readyMerchant(client);
  const v = await voucher();
  const body = JSON.stringify({ voucherCode: v.code, amount: 1, idempotencyKey: 'sig' });
  return (
    await client.signedPost(m.merchant, m.token, '/topup-transactions/initiate-claim', send(body), {
      'x-signature': sign(m, body),
    })
  ).status;
}

async function partnerAt(offsetSeconds: number): Promise<number> {
  const p = await client.createPartner();
  const now = await client.clockSeconds();
  return (await client.partnerCall(p, 'GET', '/account', undefined, { timestamp: String(now + offsetSeconds) })).status;
}

/** Bursts of 50 concurrent claims of 10 on a voucher of 100: does any burst reserve more than 100? */
async function overReservedInABurst(): Promise<boolean> {
  const m = await readyMerchant(client);
  for (let burst = 0; burst < 5; burst++) {
    const v = await voucher();
    const bodies = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({ voucherCode: v.code, amount: 10, idempotencyKey: `b${burst}-${i}` }),
    );
    const signed = bodies.map((body) => ({ body, signature: signBody(m.merchant.privateKey, body) }));
    const statuses = await Promise.all(
      signed.map(
        async ({ body, signature }) =>
          (
            await fetch(`${sandbox.url}/topup-transactions/initiate-claim`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-api-token': m.token, 'x-signature': signature },
              body,
              dispatcher: agent,
            })
          ).status,
      ),
    );
    if (statuses.filter((s) => s === 200).length > 10) return true;
  }
  return false;
}

const SCENARIOS: Record<DefectName, Scenario> = {
  'signature-not-checked': { observe: () => initiateSignedWith(() => 'AAAA'), correct: 403, defective: 200 },
  'signature-over-raw-body': {
    // the client signs JSON.stringify(JSON.parse(sent)) as documented, and sends it pretty-printed
    observe: () =>
      initiateSignedWith(
        (m, body) => signText(m.merchant.privateKey, body),
        (body) => JSON.stringify(JSON.parse(body), null, 2),
      ),
    correct: 200,
    defective: 403,
  },
  'der-signature-accepted': {
    observe: () => initiateSignedWith((m, body) => signText(m.merchant.privateKey, body, 'der')),
    correct: 403,
    defective: 200,
  },
  'base64url-signature-accepted': {
    observe: () =>
      initiateSignedWith((m, body) => {
        let signature = signText(m.merchant.privateKey, body);
        while (!/[+/]/.test(signature)) signature = signText(m.merchant.privateKey, body);
        return Buffer.from(signature, 'base64').toString('base64url');
      }),
    correct: 403,
    defective: 200,
  },
  'token-never-expires': { observe: () => testStatusAfter(3600), correct: 401, defective: 200 },
  'token-lives-too-long': { observe: () => testStatusAfter(330), correct: 401, defective: 200 },
  'token-alg-none-accepted': {
    observe: async () => {
      const m = await readyMerchant(client);
      const payload = Buffer.from(JSON.stringify({ sub: m.merchant.id, iat: 0, exp: 9_999_999_999 })).toString(
        'base64url',
      );
      return testStatus(`${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`);
    },
    correct: 401,
    defective: 200,
  },
  'origin-not-checked': {
    observe: async () => {
      const m = await readyMerchant(client);
      return (await m.detail((await voucher()).code, { 'x-forwarded-for': '198.51.100.66' })).status;
    },
    correct: 403,
    defective: 200,
  },
  'partner-replay-window-10-minutes': { observe: () => partnerAt(-400), correct: 401, defective: 200 },
  'partner-future-timestamps-unbounded': { observe: () => partnerAt(3600), correct: 401, defective: 200 },
  'idempotency-ignored': {
    observe: async () => {
      const m = await readyMerchant(client);
      const body = { voucherCode: (await voucher()).code, amount: 1, idempotencyKey: 'twice' };
      await client.signedPost(m.merchant, m.token, '/topup-transactions/initiate-claim', body);
      await client.signedPost(m.merchant, m.token, '/topup-transactions/initiate-claim', body);
      return claimsReserved();
    },
    correct: 1,
    defective: 2,
  },
  'idempotency-different-body-accepted': {
    observe: async () => {
      const m = await readyMerchant(client);
      const code = (await voucher()).code;
      await client.signedPost(m.merchant, m.token, '/topup-transactions/initiate-claim', {
        voucherCode: code,
        amount: 1,
        idempotencyKey: 'k',
      });
      return (
        await client.signedPost(m.merchant, m.token, '/topup-transactions/initiate-claim', {
          voucherCode: code,
          amount: 2,
          idempotencyKey: 'k',
        })
      ).status;
    },
    correct: 422,
    defective: 200,
  },
  'idempotency-keys-global': {
    observe: async () => {
      const [a, b] = [await readyMerchant(client), await readyMerchant(client)];
      const body = { voucherCode: (await voucher()).code, amount: 1, idempotencyKey: 'shared' };
      await client.signedPost(a.merchant, a.token, '/topup-transactions/initiate-claim', body);
      await client.signedPost(b.merchant, b.token, '/topup-transactions/initiate-claim', body);
      return claimsReserved();
    },
    correct: 2,
    defective: 1,
  },
  'reservation-check-then-act': { observe: overReservedInABurst, correct: false, defective: true },
  'fee-not-deducted': { observe: remainingAfterFeeRedemption, correct: '89.000000', defective: '90.000000' },
  'fee-deducted-twice': { observe: remainingAfterFeeRedemption, correct: '89.000000', defective: '88.000000' },
  'money-in-floating-point': {
    observe: async () => {
      const m = await readyMerchant(client);
      const { code, otp } = await withClaim(m, { amount: '0.3' }, 0.1);
      await m.redeem({ voucherCode: code, verificationCode: otp });
      return remaining(code);
    },
    correct: '0.200000',
    defective: '0.199999',
  },
  'otp-reusable': {
    observe: async () => {
      const m = await readyMerchant(client);
      const { code, otp } = await withClaim(m, {}, 10);
      await m.redeem({ voucherCode: code, verificationCode: otp });
      return (await m.redeem({ voucherCode: code, verificationCode: otp })).json.statusCode;
    },
    correct: 4034,
    defective: 200,
  },
  'otp-not-bound-to-claim': {
    observe: async () => {
      const m = await readyMerchant(client);
      const code = (await voucher()).code;
      await m.initiate({ voucherCode: code, amount: 10 });
      await m.initiate({ voucherCode: code, amount: 20 });
      const [, second] = await client.otps(code);
      await m.redeem({ voucherCode: code, verificationCode: second! });
      return remaining(code);
    },
    correct: '80.000000',
    defective: '90.000000',
  },
  'otp-never-expires': {
    observe: async () => {
      const m = await readyMerchant(client);
      const { code, otp } = await withClaim(m, {}, 10);
      await client.advanceClock(301);
      const token = await client.login(m.merchant);
      return (
        await client.signedPost(m.merchant, token, '/topup-transactions/redeem-gift', {
          voucherCode: code,
          verificationCode: otp,
          idempotencyKey: 'late',
        })
      ).json.statusCode;
    },
    correct: 4034,
    defective: 200,
  },
  'expired-voucher-redeemable': {
    observe: async () => {
      const m = await readyMerchant(client);
      const { code, otp } = await withClaim(m, { expirationDate: new Date(Date.now() + 3000).toISOString() }, 10);
      await client.advanceClock(5);
      return (await m.redeem({ voucherCode: code, verificationCode: otp })).json.statusCode;
    },
    correct: 4036,
    defective: 200,
  },
  'restricted-voucher-any-merchant': {
    observe: async () => {
      const owner = await client.createMerchant();
      const m = await readyMerchant(client);
      const { code, otp } = await withClaim(m, { restrictedMerchantId: owner.id }, 10);
      return (await m.redeem({ voucherCode: code, verificationCode: otp })).json.statusCode;
    },
    correct: 4031,
    defective: 200,
  },
  'claim-kept-after-4096': {
    observe: async () => {
      const m = await readyMerchant(client, { serviceFee: 5 });
      const { code, otp } = await withClaim(m);
      expect((await m.redeem({ voucherCode: code, verificationCode: otp })).json.statusCode).toBe(4096);
      return (await m.initiate({ voucherCode: code, amount: 50 })).json.statusCode;
    },
    correct: 200,
    defective: 4091,
  },
  'status-not-redeemed-at-zero': {
    observe: async () => {
      const m = await readyMerchant(client);
      const { code, otp } = await withClaim(m);
      await m.redeem({ voucherCode: code, verificationCode: otp });
      return [
        (await m.detail(code)).json.data.voucher.status,
        (await m.initiate({ voucherCode: code, amount: 1 })).json.statusCode,
      ];
    },
    correct: ['REDEEMED', 4042],
    defective: ['ACTIVE', 4091],
  },
  'wrong-code-for-incorrect-otp': {
    observe: async () => {
      const m = await readyMerchant(client);
      const { code, otp } = await withClaim(m, {}, 10);
      return (await m.redeem({ voucherCode: code, verificationCode: otp === '000000' ? '000001' : '000000' })).json
        .statusCode;
    },
    correct: 4035,
    defective: 4034,
  },
  'error-success-true': {
    observe: async () =>
      (await (await readyMerchant(client)).initiate({ voucherCode: 'none', amount: 1 })).json.success,
    correct: false,
    defective: true,
  },
  'error-data-not-null': {
    observe: async () => (await (await readyMerchant(client)).initiate({ voucherCode: 'none', amount: 1 })).json.data,
    correct: null,
    defective: {},
  },
  'error-http-status-200': {
    observe: async () => (await (await readyMerchant(client)).initiate({ voucherCode: 'none', amount: 1 })).status,
    correct: 404,
    defective: 200,
  },
  'amount-over-balance-accepted': {
    observe: async () =>
      (await (await readyMerchant(client)).initiate({ voucherCode: (await voucher()).code, amount: 100.5 })).json
        .statusCode,
    correct: 4091,
    defective: 200,
  },
  'negative-amount-accepted': {
    observe: async () =>
      (await (await readyMerchant(client)).initiate({ voucherCode: (await voucher()).code, amount: -5 })).status,
    correct: 400,
    defective: 200,
  },
  'get-demands-signature': {
    observe: async () => (await (await readyMerchant(client)).detail((await voucher()).code)).status,
    correct: 200,
    defective: 403,
  },
  'detail-stale-balance': {
    observe: async () => {
      const m = await readyMerchant(client);
      const code = (await voucher()).code;
      await m.detail(code);
      await m.initiate({ voucherCode: code, amount: 10 });
      await m.redeem({ voucherCode: code, verificationCode: await client.lastOtp(code) });
      return (await m.detail(code)).json.data.voucher.remainingBalance;
    },
    correct: '90.000000',
    defective: '100.000000',
  },
  'detail-amounts-not-6-places': {
    observe: async () => (await (await readyMerchant(client)).detail((await voucher()).code)).json.data.voucher.amount,
    correct: '100.000000',
    defective: '100',
  },
  'detail-expiration-not-iso': {
    observe: async () =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(
        (await (await readyMerchant(client)).detail((await voucher()).code)).json.data.voucher.expirationDate,
      ),
    correct: true,
    defective: false,
  },
  'partner-overdraft': {
    observe: async () => {
      const p = await client.createPartner({ reservedBalance: 10 });
      return (
        await client.partnerCall(
          p,
          'POST',
          '/vouchers',
          { amount: 20, ownerMsisdn: '251911000000' },
          { idempotencyKey: 'big' },
        )
      ).status;
    },
    correct: 409,
    defective: 200,
  },
};

async function observeWith(defects: readonly DefectName[], scenario: Scenario): Promise<unknown> {
  await client.adminOk('POST', '/reset');
  await client.adminOk('PUT', '/defects', { active: defects });
  return scenario.observe();
}

describe('seeded defects', () => {
  it('are at least 25, each with a rule, a section, an area and a severity', () => {
    expect(listDefects().length).toBeGreaterThanOrEqual(25);
    for (const d of listDefects()) {
      expect(d.rule.length, d.name).toBeGreaterThan(20);
      expect(d.section.length, d.name).toBeGreaterThan(5);
      expect([
        'auth',
        'signature',
        'canonical',
        'replay',
        'idempotency',
        'errors',
        'detail',
        'state-machine',
        'money',
        'concurrency',
      ]).toContain(d.area);
      expect(['critical', 'high', 'medium', 'low']).toContain(d.severity);
    }
    expect(new Set(listDefects().map((d) => d.name)).size).toBe(listDefects().length);
  });

  it.each(DEFECTS.map((d) => [d.name] as const))('%s makes an observable difference', async (name) => {
    const scenario = SCENARIOS[name];
    expect(await observeWith([], scenario)).toEqual(scenario.correct);
    expect(await observeWith([name], scenario)).toEqual(scenario.defective);
  });

  it('an unknown name is refused with SANDBOX_UNKNOWN_DEFECT listing the valid ones', async () => {
    const err = await startSandbox({ defects: ['fee-not-deducted', 'fees-not-deducted'] }).catch((e: unknown) => e);
    expect(isHarnessError(err) && err.code).toBe('SANDBOX_UNKNOWN_DEFECT');
    for (const d of DEFECTS) expect((err as Error).message).toContain(d.name);
  });
});
