/**
 * Request signatures (merchant API v1.0 › Authentication › Step 3, its IMPORTANT and NOTE):
 * x-signature is required on every POST under /topup-transactions and not on GETs; it is standard
 * base64 of an IEEE-P1363 ECDSA secp256k1 SHA-256 signature (or Ed25519, for a portal key: the
 * onboarding document) over JSON.stringify(request.body). Anything else is refused (HTTP 403,
 * docs/design.md › Authentication failures); a body signed over its re-serialisation is accepted
 * however the client spelled it.
 */
import fc from 'fast-check';
import { canonicalBody } from '../lib/canonical-json';
import { endpointPath } from '../lib/endpoint-catalog';
import { privateKeyFromBytes } from '../lib/keys';
import type { KeyType } from '../lib/keys';
import type { ApiResponse, MerchantClient } from '../lib/node/http-client';
import { signMessage } from '../lib/signature';
import { defineCheck, fail, pass } from './check';
import type { CheckDefinition, CheckOutcome } from './check';
import { notApplicable } from './context';
import type { CertifyContext, MerchantHandle } from './context';
import { evidenceOf } from './evidence';
import { httpProperty } from './http-property';
import { describeAnswer, initiatePath, probeRequest, unknownVoucherCode } from './auth-helpers';
import {
  base64urlSignature,
  COMPACT,
  derSignature,
  describeSpelling,
  expectVerdict,
  guardVerdict,
  MANGLINGS,
  mangledSignature,
  payloadArb,
  render,
  signCanonical,
  spellingArb,
  tamper,
  TAMPERINGS,
  withFreshKey,
} from './signature-helpers';
import type { Payload, SignedAttempt } from './signature-helpers';

const API = 'omnivas-merchant-api-v1.0' as const;
const STEP_3 = 'Authentication › Step 3: Generate and Register Public Key';
const IMPORTANT = `${STEP_3} › IMPORTANT`;
const NOTE = `${STEP_3} › NOTE`;

/** The compact bytes of a payload with a fresh idempotency key: what the document's own snippets send. */
const compactBody = (ctx: CertifyContext, payload: Payload): string =>
  render(withFreshKey(ctx, payload).fields, COMPACT);

/**
 * A property over payloads: each run sends the attempt `attemptOf` makes and the target must
 * refuse it. The client holds the target's merchant; its key signs what the attempt signs right.
 */
function refusesEvery<T>(
  ctx: CertifyContext,
  arbitrary: fc.Arbitrary<T>,
  numRuns: number,
  attemptOf: (value: T, key: MerchantHandle['key']) => SignedAttempt,
  examples: readonly T[] = [],
): Promise<CheckOutcome> {
  const client = ctx.merchant.client();
  return httpProperty(ctx, arbitrary, { numRuns, examples }, (value) =>
    expectVerdict(ctx, client, attemptOf(value, ctx.merchant.key), 'refused'),
  );
}

/** DER applies to ECDSA only: an Ed25519 signature has one encoding. */
function requireEcdsa(ctx: CertifyContext): void {
  if (ctx.merchant.key.type !== 'secp256k1')
    throw notApplicable(
      `the target's merchant key is ${ctx.merchant.key.type}, which has no DER form; the DER check applies to secp256k1 ECDSA signatures`,
    );
}

/** Spellings accepted when signed over the server's re-serialisation: the whole point of Step 3 › IMPORTANT. */
function acceptsAnySpelling(
  ctx: CertifyContext,
  handle: MerchantHandle,
  client: MerchantClient,
  numRuns: number,
): Promise<CheckOutcome> {
  return httpProperty(
    ctx,
    fc.record({ payload: payloadArb, spelling: spellingArb }),
    { numRuns },
    async ({ payload, spelling }) => {
      const sent = render(withFreshKey(ctx, payload).fields, spelling);
      await expectVerdict(
        ctx,
        client,
        {
          kind: payload.kind,
          sent,
          signature: signCanonical(handle.key, sent),
          what: `a body spelled ${describeSpelling(spelling)}, signed over its re-serialisation by the ${handle.key.type} key`,
        },
        'accepted',
      );
    },
  );
}

/** The other key type than the target's merchant has: "both key types where the target supports them". */
const otherKeyType = (ctx: CertifyContext): KeyType =>
  ctx.merchant.key.type === 'secp256k1' ? 'ed25519' : 'secp256k1';

export const signatureChecks: readonly CheckDefinition<CertifyContext>[] = [
  defineCheck<CertifyContext>({
    id: 'sig.required-on-posts',
    title:
      'Every POST under /topup-transactions (initiate-claim, initiate-redeem, redeem-gift) without x-signature, or with an empty one, is refused with HTTP 403',
    area: 'signature',
    source: { doc: API, section: NOTE },
    basis: 'document',
    severity: 'critical',
    async run(ctx) {
      const client = ctx.merchant.client();
      const status = ctx.expectations.invalidSignatureStatus;
      const initiate = probeRequest(ctx, 'initiate', unknownVoucherCode(ctx.random));
      // The initiate path the target file does not name may not exist there (doc.initiate-path reports which).
      const aliases = [endpointPath('initiate-claim'), endpointPath('initiate-redeem')].filter(
        (path) => path !== initiate.path,
      );
      const requests = [
        initiate,
        ...aliases.map((path) => ({ ...initiate, path })),
        probeRequest(ctx, 'redeem', unknownVoucherCode(ctx.random)),
      ];
      const failures: [string, ApiResponse][] = [];
      const unserved = new Set<string>();
      for (const request of requests) {
        for (const sign of [false, { signature: '' }] as const) {
          const res = await client.send({ ...request, sign });
          const verdict = guardVerdict(ctx, res);
          if (aliases.includes(request.path) && res.status === 404 && verdict !== 'accepted')
            unserved.add(request.path);
          else if (verdict !== 'refused')
            failures.push([
              `${request.path} ${sign === false ? 'without x-signature' : 'with an empty x-signature'}`,
              res,
            ]);
        }
      }
      if (failures.length > 0) {
        return fail(
          `unsigned requests were not refused with HTTP ${status}: ${failures.map(([label, res]) => `${label}: ${describeAnswer(res)}`).join('; ')}; x-signature is required on every POST under /topup-transactions (Step 3 › NOTE; the endpoints' Request Headers say Required: Yes)`,
          failures.map(([label, res]) => evidenceOf(label, res)),
        );
      }
      return pass(unserved.size === 0 ? undefined : `${[...unserved].join(', ')} not served (HTTP 404)`);
    },
  }),

  defineCheck<CertifyContext>({
    id: 'sig.not-required-on-get',
    title: 'GET /topup-transactions/:voucherCode without x-signature is answered (200)',
    area: 'signature',
    source: { doc: API, section: NOTE },
    basis: 'document',
    severity: 'high',
    async run(ctx) {
      const voucherCode = await ctx.voucher({ amount: 0n });
      const res = await ctx.merchant
        .client()
        .send({ method: 'GET', path: endpointPath('voucher-detail', { voucherCode }), sign: false });
      if (res.status === 200) return pass();
      return fail(
        `GET /topup-transactions/${voucherCode} without x-signature answered ${describeAnswer(res)}; Step 3 › NOTE: GET endpoints under topup transactions do not require x-signature`,
        [evidenceOf('voucher detail', res)],
      );
    },
  }),

  defineCheck<CertifyContext>({
    id: 'sig.accepts-reserialised',
    title:
      'Any valid body, in any whitespace, key order and escaping the client sends, is accepted when signed over JSON.stringify(JSON.parse(body))',
    area: 'signature',
    source: { doc: API, section: IMPORTANT },
    basis: 'document',
    severity: 'high',
    run: (ctx) => acceptsAnySpelling(ctx, ctx.merchant, ctx.merchant.client(), 40),
  }),

  defineCheck<CertifyContext>({
    id: 'sig.rejects-tampered',
    title:
      'A signed body changed after signing (any field: a value extended, an optional field dropped or added) is refused with HTTP 403',
    area: 'signature',
    source: { doc: API, section: IMPORTANT },
    basis: 'document',
    severity: 'critical',
    run(ctx) {
      const tampered = fc.record({
        payload: payloadArb,
        how: fc.constantFrom(...TAMPERINGS),
        index: fc.nat(),
        extra: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
      });
      return refusesEvery(ctx, tampered, 30, ({ payload, how, index, extra }, key) => {
        const original = withFreshKey(ctx, payload);
        const changed = tamper(original.fields, how, index, extra);
        return {
          kind: payload.kind,
          sent: render(changed, COMPACT),
          signature: signCanonical(key, render(original.fields, COMPACT)),
          what: `a body tampered after signing (${how})`,
        };
      });
    },
  }),

  defineCheck<CertifyContext>({
    id: 'sig.rejects-other-body',
    title: 'A valid signature made for another body (a signature replayed onto a new request) is refused with HTTP 403',
    area: 'signature',
    source: { doc: API, section: NOTE },
    basis: 'document',
    severity: 'critical',
    run: (ctx) =>
      refusesEvery(ctx, fc.record({ signed: payloadArb, sent: payloadArb }), 15, ({ signed, sent }, key) => ({
        kind: sent.kind,
        sent: compactBody(ctx, sent),
        signature: signCanonical(key, compactBody(ctx, signed)),
        what: 'the signature of another body',
      })),
  }),

  defineCheck<CertifyContext>({
    id: 'sig.rejects-other-key',
    title: 'A signature over the right body made with another key (secp256k1 or Ed25519) is refused with HTTP 403',
    area: 'signature',
    source: { doc: API, section: `${STEP_3} (the registered public key verifies)` },
    basis: 'document',
    severity: 'critical',
    run(ctx) {
      // The key comes from generated bytes, so a failure replays from its seed; the first byte keeps it a valid secp256k1 scalar.
      const otherKey = fc.record({
        payload: payloadArb,
        type: fc.constantFrom<KeyType>('secp256k1', 'ed25519'),
        secret: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      });
      return refusesEvery(ctx, otherKey, 15, ({ payload, type, secret }) => {
        const bytes = Uint8Array.from(secret, (b, i) => (i === 0 ? 1 + (b % 0x7f) : b));
        const sent = compactBody(ctx, payload);
        return {
          kind: payload.kind,
          sent,
          signature: signCanonical(privateKeyFromBytes(type, bytes), sent),
          what: `a signature by another ${type} key`,
        };
      });
    },
  }),

  defineCheck<CertifyContext>({
    id: 'sig.rejects-der',
    title:
      "A DER-encoded ECDSA signature (Node's and OpenSSL's default) is refused with HTTP 403: the API wants IEEE-P1363 r||s",
    area: 'signature',
    source: { doc: API, section: IMPORTANT },
    basis: 'document',
    severity: 'high',
    run(ctx) {
      requireEcdsa(ctx);
      return refusesEvery(ctx, payloadArb, 10, (payload, key) => {
        const sent = compactBody(ctx, payload);
        return {
          kind: payload.kind,
          sent,
          signature: derSignature(key, canonicalBody(sent)),
          what: 'a DER-encoded signature over the right body',
        };
      });
    },
  }),

  defineCheck<CertifyContext>({
    id: 'sig.rejects-base64url',
    title:
      'A base64url signature (- and _, padding dropped or kept) is refused with HTTP 403: the API wants standard base64',
    area: 'signature',
    source: { doc: API, section: IMPORTANT },
    basis: 'document',
    severity: 'medium',
    run: (ctx) =>
      refusesEvery(
        ctx,
        fc.record({ payload: payloadArb, keepPadding: fc.boolean() }),
        10,
        ({ payload, keepPadding }, key) => {
          const sent = compactBody(ctx, payload);
          return {
            kind: payload.kind,
            sent,
            signature: base64urlSignature(key, canonicalBody(sent), keepPadding),
            what: `a base64url signature${keepPadding ? ' with padding' : ''} over the right body`,
          };
        },
      ),
  }),

  defineCheck<CertifyContext>({
    id: 'sig.rejects-mangled',
    title: 'A damaged signature (truncated, extended, a bit flipped, hex, not base64, empty) is refused with HTTP 403',
    area: 'signature',
    source: { doc: API, section: IMPORTANT },
    basis: 'document',
    severity: 'critical',
    run(ctx) {
      const mangled = fc.record({ payload: payloadArb, how: fc.constantFrom(...MANGLINGS), n: fc.nat() });
      return refusesEvery(ctx, mangled, 20, ({ payload, how, n }, key) => {
        const sent = compactBody(ctx, payload);
        return {
          kind: payload.kind,
          sent,
          signature: mangledSignature(key, canonicalBody(sent), how, n),
          what: `a ${how} signature over the right body`,
        };
      });
    },
  }),

  defineCheck<CertifyContext>({
    id: 'sig.other-key-type',
    title:
      'A merchant registered with the other key type (Ed25519 for a secp256k1 target) signs accepted requests, and a signature of the wrong type is refused',
    area: 'signature',
    source: {
      doc: 'partner-and-merchant-onboarding',
      section: 'Merchant Redemption Onboarding › Redemption Readiness (Ed25519 keypair)',
    },
    basis: 'document',
    severity: 'high',
    async run(ctx) {
      const type = otherKeyType(ctx);
      const other = await ctx.otherMerchant({ keyType: type });
      const client = other.client();
      const accepted = await acceptsAnySpelling(ctx, other, client, 10);
      if (accepted.status !== 'pass') return accepted;
      // The target merchant's key signs for this one: right body, wrong key and type.
      const sent = compactBody(ctx, {
        kind: 'initiate',
        fields: [
          ['voucherCode', unknownVoucherCode(ctx.random)],
          ['amount', 1],
          ['idempotencyKey', ''],
          ['metadata', '{}'],
        ],
      });
      const res = await client.send({
        method: 'POST',
        path: initiatePath(ctx),
        body: sent,
        sign: { signature: signMessage(ctx.merchant.key, canonicalBody(sent)) },
      });
      if (guardVerdict(ctx, res) === 'refused')
        return pass(`${type} merchant: accepted signed requests, refused a ${ctx.merchant.key.type} signature`);
      return fail(
        `an ${type} merchant's request signed with a ${ctx.merchant.key.type} key (not the one it registered) answered ${describeAnswer(res)}, not HTTP ${ctx.expectations.invalidSignatureStatus}: the registered public key verifies (Step 3)`,
        [evidenceOf('initiate', res)],
      );
    },
  }),
];
