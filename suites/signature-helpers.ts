/**
 * Signed requests as clients really make them (merchant API v1.0 › Authentication › Step 3):
 * bodies of the signed endpoints with unicode in their strings, written in the spellings careless
 * JSON libraries produce, signed right or in one of the usual wrong ways, and the verdict of the
 * target's signature guard on each. Every body names a voucher no target knows, so a request the
 * guard lets through ends in the documented 4041 and changes nothing.
 */
import fc from 'fast-check';
import { base64Encode, concatBytes } from '../lib/bytes';
import { canonicalBody, describeFinding, diagnoseBody } from '../lib/canonical-json';
import { endpointPath } from '../lib/endpoint-catalog';
import { isApiErrorCode } from '../lib/error-catalog';
import { p1363ToDer } from '../lib/ecdsa-signature';
import type { PrivateKey } from '../lib/keys';
import { moneyFromJsonNumber, moneyToJsonNumber } from '../lib/money';
import type { ApiResponse, MerchantClient } from '../lib/node/http-client';
import { newIdempotencyKey } from '../lib/payloads';
import { signMessage, signMessageBytes } from '../lib/signature';
import { apiCodeOf } from './api-answer';
import { describeAnswer, initiatePath } from './auth-helpers';
import type { CertifyContext } from './context';
import { refute } from './evidence';

// ---- bodies ------------------------------------------------------------------------------------

/** The signed endpoints: every POST under /topup-transactions (Step 3 › NOTE). */
export type SignedKind = 'initiate' | 'redeem';

export const signedPath = (ctx: CertifyContext, kind: SignedKind): string =>
  kind === 'initiate' ? initiatePath(ctx) : endpointPath('redeem-gift');

/** A body member as written: the documented fields are strings and numbers. */
export type Field = readonly [name: string, value: string | number];

export interface Payload {
  readonly kind: SignedKind;
  /** In the order they are written; `idempotencyKey` is filled in when sent (withFreshKey). */
  readonly fields: readonly Field[];
}

/** Strings that trip serialisers: escapes, non-ASCII (Amharic, accents, an emoji's surrogate pair), U+2028, a solidus. */
const TRICKY = [
  '/',
  'https://shop.example/p/1',
  'Café',
  'ቡና 1kg',
  '😀',
  '\u2028',
  '"quoted"',
  '\\',
  '\n\t',
  '\u0000',
  '</script>',
];

/** metadata is "an optional JSON string" (1. Initiate Claim › Request Body): JSON text with unicode keys and values. */
const metadataArb: fc.Arbitrary<string> = fc
  .dictionary(
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.oneof(fc.string({ unit: 'grapheme', maxLength: 24 }), fc.constantFrom(...TRICKY), fc.integer(), fc.boolean()),
    { maxKeys: 4 },
  )
  .map((value) => JSON.stringify(value));

/** Up to 10 000 units in micro-units, as a JSON number (lib/money keeps it exact). */
const amountArb = fc.bigInt({ min: 1n, max: 10_000_000_000n }).map((micro) => moneyToJsonNumber(micro));
/** 16 digits starting with 9: no target has issued it (see unknownVoucherCode). */
const unknownCodeArb = fc.stringMatching(/^9\d{15}$/);

const optional = <T>(name: string, arb: fc.Arbitrary<T>): fc.Arbitrary<readonly [string, T][]> =>
  fc.option(arb, { nil: undefined }).map((v) => (v === undefined ? [] : [[name, v]]));

const initiateFields: fc.Arbitrary<Field[]> = fc
  .tuple(unknownCodeArb, optional('amount', amountArb), optional('metadata', metadataArb))
  .map(([voucherCode, amount, metadata]) => [
    ['voucherCode', voucherCode],
    ...amount,
    ['idempotencyKey', ''],
    ...metadata,
  ]);

const redeemFields: fc.Arbitrary<Field[]> = fc
  .tuple(
    unknownCodeArb,
    fc.stringMatching(/^\d{6}$/),
    optional('msisdn', fc.stringMatching(/^2519\d{8}$/)),
    optional('metadata', metadataArb),
  )
  .map(([voucherCode, verificationCode, msisdn, metadata]) => [
    ['voucherCode', voucherCode],
    ['verificationCode', verificationCode],
    ...msisdn,
    ['idempotencyKey', ''],
    ...metadata,
  ]);

/** A valid body of a signed endpoint, its members in any order (the server keeps the order it was sent). */
export const payloadArb: fc.Arbitrary<Payload> = fc
  .constantFrom<SignedKind>('initiate', 'redeem')
  .chain((kind) =>
    (kind === 'initiate' ? initiateFields : redeemFields)
      .chain((fields) => fc.shuffledSubarray(fields, { minLength: fields.length, maxLength: fields.length }))
      .map((fields) => ({ kind, fields })),
  );

/** A fresh idempotency key per request: a key reused with another body would be refused for that (HTTP 422), not for its signature. */
export const withFreshKey = (ctx: CertifyContext, payload: Payload): Payload => ({
  kind: payload.kind,
  fields: payload.fields.map(([name, value]): Field =>
    name === 'idempotencyKey' ? [name, newIdempotencyKey(ctx.random, 'sig')] : [name, value],
  ),
});

/** Ways an attacker (or a proxy) changes a signed body while keeping it valid for the endpoint. */
export const TAMPERINGS = ['append-to-value', 'drop-optional-field', 'add-metadata'] as const;
export type Tampering = (typeof TAMPERINGS)[number];

const OPTIONAL_FIELDS: ReadonlySet<string> = new Set(['amount', 'metadata', 'msisdn']);

/** The members after tampering; always a different JSON value, so a different re-serialisation. */
export function tamper(fields: readonly Field[], how: Tampering, index: number, extra: string): Field[] {
  const optionalAt = fields.findIndex(([name]) => OPTIONAL_FIELDS.has(name));
  if (how === 'drop-optional-field' && optionalAt >= 0) return fields.filter((_, i) => i !== optionalAt);
  if (how === 'add-metadata' && !fields.some(([name]) => name === 'metadata'))
    return [...fields, ['metadata', JSON.stringify({ note: extra })]];
  const at = index % fields.length;
  return fields.map(([name, value], i): Field => {
    if (i !== at) return [name, value];
    // One more unit, exactly (lib/money): a float sum could add a seventh decimal and be refused as invalid instead.
    return [
      name,
      typeof value === 'number' ? moneyToJsonNumber(moneyFromJsonNumber(value) + 1_000_000n) : value + extra,
    ];
  });
}

// ---- spellings ---------------------------------------------------------------------------------

/** How a JSON library lays a body out: JavaScript's compact form, Python's json.dumps defaults, pretty printers. */
export const LAYOUTS = {
  compact: { open: '{', colon: ':', comma: ',', close: '}' },
  'python-default': { open: '{', colon: ': ', comma: ', ', close: '}' },
  spaced: { open: '{ ', colon: ' : ', comma: ' , ', close: ' }' },
  'indent-2': { open: '{\n  ', colon: ': ', comma: ',\n  ', close: '\n}' },
  'indent-tab': { open: '{\n\t', colon: ': ', comma: ',\n\t', close: '\n}' },
} as const;
export type Layout = keyof typeof LAYOUTS;

export interface Spelling {
  readonly layout: Layout;
  /** Python's json.dumps default ensure_ascii=True: every non-ASCII code unit as \uXXXX. */
  readonly asciiOnly: boolean;
  /** PHP's json_encode default: "/" as "\/". */
  readonly escapeSolidus: boolean;
  /** A Python float: 500.0 where JavaScript writes 500. */
  readonly integerAsFloat: boolean;
  /** What an editor or heredoc leaves at the end. */
  readonly trailing: '' | '\n' | '\r\n';
}

export const COMPACT: Spelling = {
  layout: 'compact',
  asciiOnly: false,
  escapeSolidus: false,
  integerAsFloat: false,
  trailing: '',
};

export const spellingArb: fc.Arbitrary<Spelling> = fc.record({
  layout: fc.constantFrom(...(Object.keys(LAYOUTS) as Layout[])),
  asciiOnly: fc.boolean(),
  escapeSolidus: fc.boolean(),
  integerAsFloat: fc.boolean(),
  trailing: fc.constantFrom('' as const, '\n' as const, '\r\n' as const),
});

/** A spelling in words, for failure messages: "indent-2, ensure_ascii escapes, a trailing newline". */
export function describeSpelling(spelling: Spelling): string {
  const traits = [
    spelling.asciiOnly ? 'ensure_ascii \\uXXXX escapes' : undefined,
    spelling.escapeSolidus ? '"\\/" escapes' : undefined,
    spelling.integerAsFloat ? 'integers written as floats (500.0)' : undefined,
    spelling.trailing === '' ? undefined : `a trailing ${spelling.trailing === '\n' ? 'newline' : 'CRLF'}`,
  ].filter((t) => t !== undefined);
  return [spelling.layout, ...traits].join(', ');
}

function writeString(text: string, spelling: Spelling): string {
  let out = JSON.stringify(text);
  // Per UTF-16 code unit, as Python does: an emoji becomes its two surrogate escapes.
  if (spelling.asciiOnly)
    out = out.replace(/[\u0080-\uffff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (spelling.escapeSolidus) out = out.replace(/\//g, '\\/');
  return out;
}

function writeValue(value: string | number, spelling: Spelling): string {
  if (typeof value === 'string') return writeString(value, spelling);
  const text = JSON.stringify(value);
  return spelling.integerAsFloat && Number.isInteger(value) ? `${text}.0` : text;
}

/** The bytes a client with this spelling sends for these members, in this order. */
export function render(fields: readonly Field[], spelling: Spelling): string {
  const { open, colon, comma, close } = LAYOUTS[spelling.layout];
  return `${open}${fields.map(([name, value]) => writeString(name, spelling) + colon + writeValue(value, spelling)).join(comma)}${close}${spelling.trailing}`;
}

// ---- signatures, right and wrong ---------------------------------------------------------------

/** x-signature over the server's re-serialisation of `sent` (Step 3 › IMPORTANT). */
export const signCanonical = (key: PrivateKey, sent: string): string => signMessage(key, canonicalBody(sent));

/** DER (Node's and OpenSSL's default) where the API wants IEEE-P1363 r||s. */
export const derSignature = (key: PrivateKey, message: string): string =>
  base64Encode(p1363ToDer(signMessageBytes(key, message)));

/** base64url (- and _, padding optional) of a valid signature; never the same text as standard base64. */
export function base64urlSignature(key: PrivateKey, message: string, keepPadding: boolean): string {
  const url = signMessage(key, message).replace(/\+/g, '-').replace(/\//g, '_');
  return keepPadding && /[-_]/.test(url) ? url : url.replace(/=+$/, '');
}

/** Ways a signature gets damaged on its way into a header. */
export const MANGLINGS = [
  'bytes-truncated',
  'byte-appended',
  'bit-flipped',
  'text-truncated',
  'hex-encoded',
  'not-base64',
  'empty',
] as const;
export type Mangling = (typeof MANGLINGS)[number];

/** A valid signature over `message`, then damaged `how`; `n` picks where. */
export function mangledSignature(key: PrivateKey, message: string, how: Mangling, n: number): string {
  const raw = signMessageBytes(key, message);
  switch (how) {
    case 'bytes-truncated':
      return base64Encode(raw.slice(0, 1 + (n % (raw.length - 1))));
    case 'byte-appended':
      return base64Encode(concatBytes(raw, Uint8Array.of(n % 256)));
    case 'bit-flipped': {
      const flipped = raw.slice();
      const bit = n % (raw.length * 8);
      flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
      return base64Encode(flipped);
    }
    case 'text-truncated':
      return base64Encode(raw).slice(0, -(1 + (n % 8)));
    case 'hex-encoded':
      return Array.from(raw, (b) => b.toString(16).padStart(2, '0')).join('');
    case 'not-base64':
      return `*${base64Encode(raw)}`;
    case 'empty':
      return '';
  }
}

// ---- the guard's verdict -----------------------------------------------------------------------

/**
 * accepted: the request reached the operation (a success or a documented code: 4041 here);
 * refused: the expected signature refusal (HTTP 403 by docs/design.md, and no documented code — 4031
 * also travels as 403); other: anything else, which neither verdict explains.
 */
export type GuardVerdict = 'accepted' | 'refused' | 'other';

export function guardVerdict(ctx: CertifyContext, res: ApiResponse): GuardVerdict {
  const code = apiCodeOf(res);
  if (res.status < 300 || isApiErrorCode(code)) return 'accepted';
  return res.status === ctx.expectations.invalidSignatureStatus ? 'refused' : 'other';
}

export interface SignedAttempt {
  readonly kind: SignedKind;
  /** The exact bytes sent. */
  readonly sent: string;
  /** The x-signature header value. */
  readonly signature: string;
  /** What the attempt is, for the failure message: "a body signed with another secp256k1 key". */
  readonly what: string;
}

export const sendAttempt = (
  ctx: CertifyContext,
  client: MerchantClient,
  attempt: SignedAttempt,
): Promise<ApiResponse> =>
  client.send({
    method: 'POST',
    path: signedPath(ctx, attempt.kind),
    body: attempt.sent,
    sign: { signature: attempt.signature },
  });

/** How the bytes sent differ from what the server verifies against: the fix a merchant needs. */
export function spellingFindings(sent: string): string {
  const findings = diagnoseBody(sent).findings.map(describeFinding);
  return findings.length === 0
    ? 'nothing: they are already compact JSON as JSON.stringify writes it'
    : findings.join('; ');
}

const STEP_3 =
  'Step 3 (IMPORTANT) verifies x-signature, standard base64 of an IEEE-P1363 signature, over JSON.stringify(request.body)';

/** Why an answer is not `want`, or undefined when it is. */
export function verdictProblem(
  ctx: CertifyContext,
  attempt: SignedAttempt,
  res: ApiResponse,
  want: 'accepted' | 'refused',
): string | undefined {
  const got = guardVerdict(ctx, res);
  if (got === want) return undefined;
  const where = `POST ${signedPath(ctx, attempt.kind)}`;
  if (got === 'other')
    return `${where} with ${attempt.what} answered ${describeAnswer(res)}: neither a documented answer (accepted) nor the signature refusal, HTTP ${ctx.expectations.invalidSignatureStatus}`;
  if (want === 'refused')
    return `${where} with ${attempt.what} got past the signature check (${describeAnswer(res)}); ${STEP_3}, and anything else must be refused with HTTP ${ctx.expectations.invalidSignatureStatus}`;
  return `${where} with ${attempt.what} was refused (${describeAnswer(res)}), though its x-signature is over JSON.stringify(JSON.parse(body)), the string Step 3 (IMPORTANT) says the server verifies; the bytes sent differ from that string in: ${spellingFindings(attempt.sent)}`;
}

/** One property run: sends the attempt and fails the run unless the guard answers `want`. */
export async function expectVerdict(
  ctx: CertifyContext,
  client: MerchantClient,
  attempt: SignedAttempt,
  want: 'accepted' | 'refused',
): Promise<void> {
  const res = await sendAttempt(ctx, client, attempt);
  const problem = verdictProblem(ctx, attempt, res, want);
  if (problem !== undefined) refute(problem, [attempt.kind, res]);
}
