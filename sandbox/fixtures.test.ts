import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHarnessError } from '../lib/errors';
import { loadSandboxFixtures, parseSandboxFixtures, startSandbox, type SandboxFixtures } from './index';
import { generateMerchantKey, SandboxClient } from './testing';

const merchantKey = generateMerchantKey('secp256k1');
const partnerKey = generateMerchantKey('ed25519');

function fixtures(): SandboxFixtures {
  return {
    merchants: [
      {
        id: 'shop-1',
        name: 'Shop One',
        apiKey: 'fixture-merchant-key',
        publicKeyPem: merchantKey.publicKeyPem,
        serviceFee: '1.000000',
      },
    ],
    partners: [
      { id: 'acme', apiKey: 'fixture-partner-key', publicKeyPem: partnerKey.publicKeyPem, reservedBalance: 1000 },
    ],
    vouchers: [
      { code: '3225118500682251', amount: 600, fixedOtp: '735191', partnerId: 'acme', restrictedMerchantId: 'shop-1' },
      { code: '2585771156933526', amount: '50.000000', expirationDate: '2030-12-21T22:10:17.000Z' },
    ],
    fixedOtp: '111111',
    clock: '2030-01-01T00:00:00.000Z',
  };
}

function refusal(json: unknown): string {
  try {
    parseSandboxFixtures(json);
  } catch (err) {
    if (isHarnessError(err) && err.code === 'SANDBOX_FIXTURES_INVALID') return err.message;
    throw err;
  }
  throw new Error('the fixtures were accepted');
}

describe('fixtures', () => {
  it('a sandbox starts with the fixtures, and returns to them on reset', async () => {
    const sandbox = await startSandbox({ fixtures: fixtures() });
    try {
      const client = new SandboxClient(sandbox);
      for (let round = 0; round < 2; round++) {
        const state = await client.adminOk('GET', '/state');
        expect(state.clock.startsWith('2030-01-01T00:00:0')).toBe(true);
        expect(state.fixedOtp).toBe('111111');
        expect(state.merchants).toMatchObject([{ id: 'shop-1', name: 'Shop One', serviceFee: '1.000000' }]);
        expect(state.partners).toMatchObject([{ id: 'acme', reservedBalance: '400.000000' }]);
        expect(state.vouchers).toMatchObject([
          {
            code: '3225118500682251',
            amount: '600.000000',
            partnerId: 'acme',
            restrictedMerchantId: 'shop-1',
            fixedOtp: '735191',
          },
          { code: '2585771156933526', amount: '50.000000', expirationDate: '2030-12-21T22:10:17.000Z' },
        ]);
        expect((await client.loginAnswer('fixture-merchant-key')).status).toBe(200);
        await client.adminOk('POST', '/merchants', {});
        await client.adminOk('POST', '/reset');
      }
    } finally {
      await sandbox.close();
    }
  });

  it.each([
    ['not an object', [], 'expected a JSON object'],
    ['an unknown top-level field', { merchant: [] }, '"merchant" is not a known field'],
    ['merchants not an array', { merchants: {} }, '"merchants" expected an array'],
    [
      'a merchant without apiKey',
      { merchants: [{ publicKeyPem: merchantKey.publicKeyPem }] },
      '"merchants[0].apiKey" is required',
    ],
    ['a merchant without publicKeyPem', { merchants: [{ apiKey: 'k' }] }, '"merchants[0].publicKeyPem" is required'],
    [
      'a partner with a secp256k1 key',
      { partners: [{ apiKey: 'k', publicKeyPem: merchantKey.publicKeyPem }] },
      '"partners[0].publicKeyPem" is a secp256k1 key; expected ed25519',
    ],
    [
      'a bad signing template',
      { partners: [{ apiKey: 'k', publicKeyPem: partnerKey.publicKeyPem, signingTemplate: '{timestamp}.{nonce}' }] },
      'unknown placeholder {nonce}',
    ],
    ['a voucher without amount', { vouchers: [{}] }, '"vouchers[0].amount" is required'],
    ['a negative amount', { vouchers: [{ amount: -5 }] }, '"vouchers[0].amount"'],
    ['an amount with 7 places', { vouchers: [{ amount: '1.0000001' }] }, 'more than 6 decimal places'],
    [
      'a date without a zone',
      { vouchers: [{ amount: 1, expirationDate: '2030-01-01T00:00:00' }] },
      '"vouchers[0].expirationDate" expected an ISO 8601 date-time with a zone',
    ],
    [
      'a 5-digit fixed OTP',
      { vouchers: [{ amount: 1, fixedOtp: '12345' }] },
      '"vouchers[0].fixedOtp" expected six digits',
    ],
    [
      'a restriction to an unknown merchant',
      { vouchers: [{ amount: 1, restrictedMerchantId: 'ghost' }] },
      '"vouchers[0].restrictedMerchantId" "ghost" is not the id of a merchant in this file',
    ],
    ['a voucher of an unknown partner', { vouchers: [{ amount: 1, partnerId: 'ghost' }] }, '"vouchers[0].partnerId"'],
    ['a clock that is not a date', { clock: 'tomorrow' }, '"clock" expected an ISO 8601 date-time'],
  ])('refuses %s, naming the field', (_, json, message) => {
    expect(refusal(json)).toContain(message);
  });

  it('refuses, at start, a partner too poor for its vouchers, naming the entry', async () => {
    const poor = { ...fixtures(), vouchers: [{ amount: 2000, partnerId: 'acme' }] };
    await expect(startSandbox({ fixtures: poor })).rejects.toMatchObject({
      code: 'SANDBOX_FIXTURES_INVALID',
      message: expect.stringContaining('fixtures vouchers[0]: Partner company reserved balance'),
    });
  });

  it('loads a file, and says what is wrong with an unreadable or non-JSON one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-fixtures-'));
    await writeFile(join(dir, 'ok.json'), JSON.stringify(fixtures()));
    await writeFile(join(dir, 'bad.json'), '{ merchants: [] }');
    expect((await loadSandboxFixtures(join(dir, 'ok.json'))).merchants).toHaveLength(1);
    await expect(loadSandboxFixtures(join(dir, 'bad.json'))).rejects.toMatchObject({
      code: 'INVALID_JSON',
      message: expect.stringContaining('not valid JSON'),
    });
    await expect(loadSandboxFixtures(join(dir, 'missing.json'))).rejects.toMatchObject({
      code: 'FILE_UNREADABLE',
      message: expect.stringContaining('cannot read --fixtures'),
    });
  });
});
