/**
 * The pre-signed corpus: every signature verifies with Node's crypto (as the server verifies) over
 * the body exactly as written; each request is byte for byte what lib/ builds and signs for a live
 * request; redemptions are pre-signed only with a fixed OTP; the file holds no secret.
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  base64Encode,
  hexEncode,
  canonicalBody,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  formatMoney,
  generatePrivateKey,
  initiateClaimBody,
  merchantRequest,
  redeemGiftBody,
  type KeyType,
  type PrivateKey,
} from '../lib';
import { burstPlan, type PlanInput } from '../load/corpus-plans';
import { corpusEntries, type CorpusEntry, type SignedBody } from '../load/request-corpus';
import { buildRequestCorpus, writeRequestCorpus } from './request-corpus';

const PLAN: PlanInput = {
  vouchers: [
    { code: '3225118500682251', amount: formatMoney(100_000_000n) },
    { code: '3225118500682252', amount: formatMoney(50_000_000n) },
  ],
  vus: 6,
  seed: 11,
  fill: 2,
  flows: 0,
};

function nodeVerifies(key: PrivateKey, signed: SignedBody): boolean {
  const pub = createPublicKey(exportPublicKeyPem(key));
  const signature = Buffer.from(signed.signature, 'base64');
  // The server verifies over JSON.stringify(JSON.parse(body)): the corpus body must already be that string.
  const message = Buffer.from(canonicalBody(signed.body));
  return key.type === 'secp256k1'
    ? nodeVerify('sha256', message, { key: pub, dsaEncoding: 'ieee-p1363' }, signature)
    : nodeVerify(null, message, pub, signature);
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe.each<KeyType>(['secp256k1', 'ed25519'])('buildRequestCorpus with a %s key', (type) => {
  const key = generatePrivateKey(type);
  const slots = burstPlan(PLAN);

  it('signs one claim per slot, in plan order, verifiable by Node crypto, as lib/ would send it', () => {
    const { entries } = buildRequestCorpus({ scenario: 'same-voucher-burst', slots, key });
    expect(entries).toHaveLength(PLAN.vouchers.length * PLAN.vus);
    entries.forEach((entry: CorpusEntry, i) => {
      const slot = slots[i]!;
      expect(entry).toMatchObject({ index: i, voucherCode: slot.voucherCode, amount: slot.amount!.toString() });
      expect(entry.claim.idempotencyKey.startsWith(`${slot.claimKeyPrefix}-`)).toBe(true);
      expect(nodeVerifies(key, entry.claim)).toBe(true);
      const live = merchantRequest('initiate-claim', {
        accessToken: 't',
        key,
        body: initiateClaimBody({
          voucherCode: slot.voucherCode,
          amount: slot.amount,
          idempotencyKey: entry.claim.idempotencyKey,
        }),
      });
      expect(entry.claim.body).toBe(live.body);
      // Both algorithms sign deterministically (RFC 6979, Ed25519), so the live signature is the corpus's.
      expect(entry.claim.signature).toBe(live.headers['x-signature']);
      expect(entry.redeem).toBeUndefined();
    });
    expect(new Set(entries.map((e) => e.claim.idempotencyKey)).size).toBe(entries.length);
  });

  it('pre-signs redemptions only for a fixed OTP, with that OTP in the body', () => {
    const { entries } = buildRequestCorpus({ scenario: 'same-voucher-burst', slots, key, fixedOtp: '123456' });
    for (const entry of entries) {
      const redeem = entry.redeem!;
      expect(redeem.otp).toBe('123456');
      expect(redeem.body).toBe(
        redeemGiftBody({
          voucherCode: entry.voucherCode,
          verificationCode: '123456',
          idempotencyKey: redeem.idempotencyKey,
        }),
      );
      expect(nodeVerifies(key, redeem)).toBe(true);
      expect(redeem.idempotencyKey).not.toBe(entry.claim.idempotencyKey);
    }
  });
});

describe('the corpus file', () => {
  it('reads back as written and holds no secret: no private key in any encoding, no token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'omnivas-corpus-'));
    dirs.push(dir);
    const key = generatePrivateKey('secp256k1');
    const path = join(dir, 'corpus.json');
    const written = await writeRequestCorpus(path, {
      scenario: 'same-voucher-burst',
      slots: burstPlan(PLAN),
      key,
      fixedOtp: '654321',
    });
    expect(written.signatures).toBe(2 * PLAN.vouchers.length * PLAN.vus);
    const text = await readFile(path, 'utf8');
    const entries = corpusEntries(text, path);
    expect(entries).toHaveLength(PLAN.vouchers.length * PLAN.vus);
    expect(entries.every((e) => nodeVerifies(key, e.claim) && nodeVerifies(key, e.redeem!))).toBe(true);
    const pemBody = exportPrivateKeyPem(key)
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('-----'))
      .join('');
    for (const secret of [
      pemBody,
      'PRIVATE KEY',
      hexEncode(key.privateKey),
      base64Encode(key.privateKey),
      'x-api-token',
      'accessToken',
    ])
      expect(text).not.toContain(secret);
  });

  it('refuses a plan out of index order, and a file that is not a corpus', () => {
    const key = generatePrivateKey('ed25519');
    const [first, second] = burstPlan(PLAN);
    expect(() => buildRequestCorpus({ scenario: 's', slots: [second!, first!], key })).toThrow(
      expect.objectContaining({ code: 'INTERNAL' }),
    );
    expect(() => corpusEntries('{"entries":[]}', 'c.json')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/^c\.json is not a omnivas-request-corpus\/1 corpus/),
      }),
    );
    expect(() => corpusEntries('not json', 'c.json')).toThrow(expect.objectContaining({ code: 'INVALID_JSON' }));
  });
});
