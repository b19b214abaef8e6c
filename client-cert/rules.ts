/**
 * The rules a merchant's client is graded by, each from the API documents (section cited), judged
 * on the exchanges the sandbox recorded. Registered once, by id, in RULES.
 */
import { base64DecodeLenient, base64Encode, base64Flavour, hexEncode, utf8Encode } from '../lib/bytes';
import { HarnessError } from '../lib/errors';
import { diagnoseBody, describeFinding } from '../lib/canonical-json';
import { derToP1363, looksLikeDer } from '../lib/ecdsa-signature';
import { importPrivateKeyPem } from '../lib/keys';
import { moneyFromJsonNumber } from '../lib/money';
import { scanJson, type JsonObjectNode } from '../lib/json-scan';
import { verifyMessageBytes } from '../lib/signature';
import { documentedRefusal, isTransient, isWrite, requestContent, tokenExpiry, type ClientExchange } from './exchange';
import { defineClientRule, perExchange, type ClientRule, type GradingContext, type Violation } from './rule';

const API = 'omnivas-merchant-api-v1.0' as const;
const STEP3 = { doc: API, section: 'Authentication › Step 3: Generate and Register Public Key' } as const;
/** A login this close to its token's expiry is an early renewal, not a login per request. */
const RENEWAL_MARGIN_S = 60;

const signatureBytes = (x: ClientExchange) =>
  x.signature === undefined ? undefined : base64DecodeLenient(x.signature.trim());

export const signatureOverSentBytes = defineClientRule({
  id: 'client.sig.over-sent-bytes',
  title: 'x-signature is a signature over exactly the bytes sent',
  area: 'signature',
  source: STEP3,
  basis: 'document',
  severity: 'critical',
  shouldHaveDone:
    'Serialise the body once (compact JSON), sign that exact string, and send that same string as the body.',
  judge: (ctx) =>
    perExchange(
      ctx,
      (x) => isWrite(x) && x.signature !== undefined,
      (x) => {
        const raw = signatureBytes(x);
        if (raw === undefined) return 'x-signature is not base64';
        const candidate = ctx.keyType === 'secp256k1' && looksLikeDer(raw) ? derToP1363(raw) : raw;
        if (candidate.length === 64 && verifyMessageBytes(ctx.publicKey, utf8Encode(x.body), candidate))
          return undefined;
        const pretty = x.json === undefined ? undefined : JSON.stringify(x.json, null, 2);
        const overPretty =
          pretty !== undefined && candidate.length === 64 && verifyMessageBytes(ctx.publicKey, pretty, candidate);
        return overPretty
          ? 'the signature is over the pretty-printed JSON, but the body sent is another string'
          : 'the signature does not verify over the bytes sent with the registered key';
      },
    ),
});

export const signatureEncoding = defineClientRule({
  id: 'client.sig.p1363-base64',
  title: 'x-signature is standard base64 of the 64-byte IEEE-P1363 signature, not DER',
  area: 'signature',
  source: STEP3,
  basis: 'document',
  severity: 'critical',
  shouldHaveDone:
    'Encode the signature as IEEE-P1363 r||s (Node: dsaEncoding "ieee-p1363"; Python: decode_dss_signature then r and s as 32 bytes each) and send standard base64.',
  judge: (ctx) =>
    perExchange(
      ctx,
      (x) => x.signature !== undefined && x.signature !== '',
      (x) => {
        const text = x.signature!.trim();
        if (base64Flavour(text) === 'base64url') return 'the signature is base64url, not standard base64';
        const raw = signatureBytes(x);
        if (raw === undefined) return 'the signature is not base64';
        if (ctx.keyType === 'secp256k1' && raw.length !== 64 && looksLikeDer(raw))
          return `the signature is DER-encoded (${raw.length} bytes), not the 64-byte IEEE-P1363 r||s`;
        return raw.length === 64 ? undefined : `the signature decodes to ${raw.length} bytes, not 64`;
      },
    ),
});

export const signatureOnEveryPost = defineClientRule({
  id: 'client.sig.on-every-post',
  title: 'Every POST under /topup-transactions carries x-signature',
  area: 'signature',
  source: { doc: API, section: 'Authentication › Step 3 › NOTE' },
  basis: 'document',
  severity: 'critical',
  shouldHaveDone:
    'Sign every POST under /topup-transactions (initiate-claim and redeem-gift); only GETs there go without x-signature.',
  judge: (ctx) =>
    perExchange(ctx, isWrite, (x) =>
      x.signature === undefined || x.signature === '' ? `POST ${x.path} was sent without x-signature` : undefined,
    ),
});

export const compactJson = defineClientRule({
  id: 'client.body.compact-json',
  title: 'Request bodies are compact JSON, exactly as JSON.stringify writes them',
  area: 'canonical',
  source: { doc: API, section: 'Authentication › Step 3 › IMPORTANT (server-side JSON.stringify(request.body))' },
  basis: 'document',
  severity: 'high',
  shouldHaveDone:
    'Send JSON.stringify(body) (Python: json.dumps(body, separators=(",", ":"), ensure_ascii=False)): no spaces, no line breaks, no escapes the server would not write.',
  judge: (ctx) =>
    perExchange(
      ctx,
      (x) => x.method === 'POST' && x.body !== '',
      (x) => {
        const diagnosis = diagnoseBody(x.body);
        return diagnosis.isCanonical
          ? undefined
          : `the body is not compact JSON: ${diagnosis.findings.map(describeFinding).join('; ')}`;
      },
    ),
});

/** The successful logins in order, each with the token it returned. */
function logins(ctx: GradingContext): { x: ClientExchange; token: string }[] {
  return ctx.exchanges.flatMap((x) =>
    x.endpoint === 'login' && typeof x.answer?.json?.accessToken === 'string'
      ? [{ x, token: x.answer.json.accessToken }]
      : [],
  );
}

export const tokenReused = defineClientRule({
  id: 'client.token.reused-while-valid',
  title: 'The access token is reused while valid: no login per request',
  area: 'auth',
  source: { doc: API, section: 'Authentication › Step 4: Obtain Access Token › NOTE (valid for 300 seconds)' },
  basis: 'document',
  severity: 'medium',
  shouldHaveDone: `Keep the token and send it with every request for its 300 s; log in again only when it is about to expire (within ${RENEWAL_MARGIN_S} s) or a request is refused with 401.`,
  judge(ctx) {
    const all = logins(ctx);
    const violations: Violation[] = [];
    for (let i = 1; i < all.length; i++) {
      const prev = all[i - 1]!;
      const now = all[i]!.x;
      if (prev.x.scenario !== now.scenario) continue; // a new till session per scenario is fine
      const exp = tokenExpiry(prev.token);
      const refused = ctx.exchanges.some(
        (x) => x.seq > prev.x.seq && x.seq < now.seq && x.token === prev.token && x.answer?.status === 401,
      );
      if (exp === undefined || refused || now.sandboxAt >= (exp - RENEWAL_MARGIN_S) * 1000) continue;
      const used = ctx.exchanges.filter((x) => x.seq > prev.x.seq && x.seq < now.seq && x.token === prev.token);
      // A token that served a whole flow before a new run of the client logged in is not a login per request.
      if (used.length > 1) continue;
      violations.push({
        message: `logged in again while the previous token had ${Math.round(exp - now.sandboxAt / 1000)} s left, after using it for ${used.length} request(s)`,
        exchanges: [prev.x, ...used, now],
      });
    }
    return { violations, judged: Math.max(0, all.length - 1) };
  },
});

/** Requests refused with 401 that carried a token. */
const refusedTokens = (ctx: GradingContext) =>
  ctx.exchanges.filter((x) => x.answer?.status === 401 && x.token !== undefined && x.endpoint !== 'login');

export const tokenRenewedOn401 = defineClientRule({
  id: 'client.token.renewed-upon-expiry',
  title: 'Upon a 401 the client logs in again before going on',
  area: 'auth',
  source: { doc: API, section: 'Authentication › Step 4: Obtain Access Token › NOTE (valid for 300 seconds)' },
  basis: 'document',
  severity: 'high',
  shouldHaveDone:
    'Treat 401 as "the token expired or is invalid": log in again (POST /auth/login) and resend the request with the new token.',
  judge(ctx) {
    const refused = refusedTokens(ctx);
    const all = logins(ctx);
    const violations = refused.flatMap((x) =>
      all.some((l) => l.x.seq > x.seq && l.x.scenario === x.scenario)
        ? []
        : [{ message: 'no login followed this 401 in the scenario: the token was never renewed', exchanges: [x] }],
    );
    return { violations, judged: refused.length };
  },
});

export const refused401NotRepeated = defineClientRule({
  id: 'client.token.401-not-repeated',
  title: 'A request refused with 401 is not repeated with the same token',
  area: 'auth',
  source: { doc: API, section: 'Authentication › Step 4: Obtain Access Token' },
  basis: 'document',
  severity: 'high',
  shouldHaveDone: 'After a 401, never send that token again: log in and use the new token.',
  judge(ctx) {
    const refused = refusedTokens(ctx);
    const violations = refused.flatMap((x) => {
      const again = ctx.exchanges.filter((y) => y.seq > x.seq && y.token === x.token);
      return again.length === 0
        ? []
        : [{ message: `the refused token was sent again ${again.length} time(s)`, exchanges: [x, ...again] }];
    });
    // One violation per token, not per refusal of it.
    const seen = new Set<string>();
    return {
      violations: violations.filter((v) => !seen.has(v.exchanges[0]!.token!) && seen.add(v.exchanges[0]!.token!)),
      judged: refused.length,
    };
  },
});

export const freshKeyPerOperation = defineClientRule({
  id: 'client.idem.fresh-key-per-operation',
  title: 'Each new operation has its own idempotency key: never the same key for another body',
  area: 'idempotency',
  source: { doc: API, section: 'Gift Voucher Redemption › 1. Initiate Claim › Request Body (idempotencyKey)' },
  basis: 'document',
  severity: 'critical',
  shouldHaveDone:
    'Make a new idempotency key (a UUID) for every new claim or redemption — a changed amount or OTP is a new request — and keep it only for retries of that exact request.',
  judge(ctx) {
    const first = new Map<string, ClientExchange>();
    return perExchange(ctx, isWrite, (x) => {
      if (x.idempotencyKey === undefined || x.idempotencyKey === '') return 'the request has no idempotencyKey';
      const slot = `${x.endpoint}\n${x.idempotencyKey}`;
      const earlier = first.get(slot);
      if (earlier === undefined) {
        first.set(slot, x);
        return undefined;
      }
      return earlier.canonical === x.canonical
        ? undefined
        : `idempotency key "${x.idempotencyKey}" was first used (#${earlier.seq}) for another body: ${earlier.canonical} then ${x.canonical}`;
    });
  },
});

/** The next write to the same endpoint and voucher in the same scenario. */
function nextAttempt(ctx: GradingContext, x: ClientExchange): ClientExchange | undefined {
  return ctx.exchanges.find(
    (y) => y.seq > x.seq && y.endpoint === x.endpoint && y.voucherCode === x.voucherCode && y.scenario === x.scenario,
  );
}

const outcomeWord = (x: ClientExchange) =>
  x.answer === undefined ? 'no answer (timeout or cut connection)' : `HTTP ${x.answer.status}`;

export const sameKeyOnRetry = defineClientRule({
  id: 'client.idem.same-key-on-retry',
  title: 'After a 5xx, a timeout or a 409 the request is retried with the same idempotency key and body',
  area: 'idempotency',
  source: { doc: API, section: 'Gift Voucher Redemption › 3. Redeem Gift › Request Body (idempotencyKey)' },
  basis: 'document',
  severity: 'critical',
  shouldHaveDone:
    'When the outcome is unknown (5xx, 409, no answer), resend the very same body with the same idempotency key: the server then runs it at most once. A new key can redeem twice.',
  judge(ctx) {
    const transient = ctx.exchanges.filter((x) => isWrite(x) && isTransient(x));
    const violations = transient.flatMap((x) => {
      const retry = nextAttempt(ctx, x);
      if (retry === undefined || (retry.idempotencyKey === x.idempotencyKey && retry.canonical === x.canonical))
        return [];
      const what = retry.idempotencyKey !== x.idempotencyKey ? 'a new idempotency key' : 'another body';
      return [{ message: `after ${outcomeWord(x)} the retry used ${what}`, exchanges: [x, retry] }];
    });
    return { violations, judged: transient.length };
  },
});

export const retriedUntilOutcome = defineClientRule({
  id: 'client.retry.until-outcome',
  title: 'An operation whose outcome is unknown (5xx, 409, timeout) is retried until it has one',
  area: 'idempotency',
  source: { doc: API, section: 'Gift Voucher Redemption › 3. Redeem Gift › Error Codes (5031 Transfer failed)' },
  basis: 'document',
  severity: 'critical',
  shouldHaveDone:
    'Do not give up on a 409 or a timeout: the first request may still succeed and move money. Retry (same key and body, with a pause) until a final answer comes.',
  judge(ctx) {
    const transient = ctx.exchanges.filter((x) => isWrite(x) && isTransient(x));
    const violations = transient.flatMap((x) => {
      const later = ctx.exchanges.filter(
        (y) =>
          y.seq > x.seq &&
          y.endpoint === x.endpoint &&
          y.voucherCode === x.voucherCode &&
          y.scenario === x.scenario &&
          !isTransient(y) &&
          y.answer?.status !== 401,
      );
      return later.length > 0
        ? []
        : [{ message: `after ${outcomeWord(x)} the client never got a final answer: it gave up`, exchanges: [x] }];
    });
    // Report once per operation: the last attempt that was left unresolved.
    const last = new Map<string, Violation>();
    for (const v of violations) last.set(`${v.exchanges[0]!.endpoint}\n${v.exchanges[0]!.voucherCode}`, v);
    return { violations: [...last.values()], judged: transient.length };
  },
});

export const refusalNotRetried = defineClientRule({
  id: 'client.refusal.not-retried',
  title: 'A documented 4xxx refusal is final: the same request is not sent again',
  area: 'errors',
  source: { doc: API, section: 'Gift Voucher Redemption › Error Codes (4091, 4035, 4036 …)' },
  basis: 'document',
  severity: 'high',
  shouldHaveDone:
    'Show the refusal to the cashier (4091: amount exceeds the balance; 4035: wrong code; 4036: expired). Change something — amount, code — before asking again; never retry it as if it were transient.',
  judge(ctx) {
    const refused = ctx.exchanges.filter((x) => isWrite(x) && documentedRefusal(x) !== undefined);
    const violations = refused.flatMap((x) => {
      const again = ctx.exchanges.filter(
        (y) => y.seq > x.seq && y.endpoint === x.endpoint && requestContent(y) === requestContent(x),
      );
      return again.length === 0
        ? []
        : [{ message: `the request refused with ${documentedRefusal(x)} was sent again`, exchanges: [x, again[0]!] }];
    });
    const seen = new Set<string>();
    return {
      violations: violations.filter((v) => {
        const id = `${v.exchanges[0]!.endpoint}\n${requestContent(v.exchanges[0]!)}`;
        return !seen.has(id) && !!seen.add(id);
      }),
      judged: refused.length,
    };
  },
});

function amountToken(x: ClientExchange): string | undefined {
  try {
    const root = scanJson(x.body).root;
    if (root.type !== 'object') return undefined;
    const member = (root as JsonObjectNode).members.find((m) => m.key === 'amount');
    return member === undefined ? undefined : x.body.slice(member.value.start, member.value.end);
  } catch {
    return undefined;
  }
}

export const amountDecimals = defineClientRule({
  id: 'client.amount.six-decimals',
  title: 'Amounts are JSON numbers with at most 6 decimal places',
  area: 'canonical',
  source: { doc: API, section: 'Gift Voucher Redemption › 1. Initiate Claim › Request Body (amount: number)' },
  basis: 'document',
  severity: 'critical',
  shouldHaveDone:
    'Keep money as integer minor units or decimals, never binary floats; write the amount as a JSON number with at most 6 places (30.3, not 30.299999999999997).',
  judge: (ctx) =>
    perExchange(
      ctx,
      (x) => x.endpoint === 'initiate' && amountToken(x) !== undefined,
      (x) => {
        const token = amountToken(x)!;
        if (token.startsWith('"')) return `the amount is a string (${token}), not a JSON number`;
        const fraction = /\.(\d+)/.exec(token)?.[1] ?? '';
        if (fraction.length > 6) return `the amount ${token} has ${fraction.length} decimal places`;
        try {
          moneyFromJsonNumber(Number(token));
          return undefined;
        } catch {
          return `the amount ${token} is not a decimal with at most 6 places`;
        }
      },
    ),
});

export const voucherCodeString = defineClientRule({
  id: 'client.voucher.code-is-string',
  title: 'Voucher codes are sent as JSON strings',
  area: 'canonical',
  source: { doc: API, section: 'Gift Voucher Redemption › 1. Initiate Claim › Request Body (voucherCode: string)' },
  basis: 'document',
  severity: 'high',
  shouldHaveDone:
    'Send voucherCode as a string ("3225118500682251"): as a number, codes lose leading zeros and digits beyond 2^53.',
  judge: (ctx) =>
    perExchange(
      ctx,
      (x) => isWrite(x) && x.json?.voucherCode !== undefined,
      (x) =>
        typeof x.json!.voucherCode === 'string'
          ? undefined
          : `voucherCode is a ${typeof x.json!.voucherCode}, not a string`,
    ),
});

export const registeredOrigin = defineClientRule({
  id: 'client.origin.registered',
  title: 'Requests come from the registered origin (IP whitelist)',
  area: 'auth',
  source: { doc: API, section: 'Authentication › Step 2: Configure IP Whitelist' },
  basis: 'document',
  severity: 'high',
  shouldHaveDone:
    'Call the API only from the addresses registered in Manage APIs (here 127.0.0.1); a proxy or NAT in between must present a whitelisted address.',
  judge: (ctx) =>
    perExchange(
      ctx,
      () => true,
      (x) =>
        ctx.allowedOrigins.includes(x.origin)
          ? undefined
          : `the request came from ${x.origin}, not a registered origin (${ctx.allowedOrigins.join(', ')})`,
    ),
});

const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/;

function privateKeyForms(pem: string | undefined): string[] {
  if (pem === undefined) return [];
  const key = importPrivateKeyPem(pem);
  const body = pem
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('-----'))
    .join('');
  return [body, base64Encode(key.privateKey), hexEncode(key.privateKey)];
}

export const metadataWithoutSecrets = defineClientRule({
  id: 'client.metadata.no-secrets',
  title: 'metadata holds no API key, private key or access token',
  area: 'auth',
  source: { doc: API, section: 'Security Best Practices › Credential Management (never expose API keys in logs)' },
  basis: 'document',
  severity: 'critical',
  shouldHaveDone:
    'Put only business context in metadata (till, cashier, basket); credentials travel in their own headers or body fields and nowhere else, because metadata is stored and echoed back.',
  judge(ctx) {
    const keyForms = privateKeyForms(ctx.privateKeyPem);
    return perExchange(
      ctx,
      (x) => typeof x.json?.metadata === 'string',
      (x) => {
        const metadata = x.json!.metadata as string;
        const found = [
          metadata.includes(ctx.apiKey) && 'the API key',
          (ctx.tokens.some((t) => metadata.includes(t)) || JWT.test(metadata)) && 'an access token',
          (metadata.includes('PRIVATE KEY') || keyForms.some((f) => f !== '' && metadata.includes(f))) &&
            'a private key',
        ].filter((f): f is string => typeof f === 'string');
        return found.length === 0 ? undefined : `metadata holds ${found.join(' and ')}`;
      },
    );
  },
});

/** Every rule, in report order. */
export const RULES: readonly ClientRule[] = [
  signatureOverSentBytes,
  signatureEncoding,
  signatureOnEveryPost,
  compactJson,
  tokenReused,
  tokenRenewedOn401,
  refused401NotRepeated,
  freshKeyPerOperation,
  sameKeyOnRetry,
  retriedUntilOutcome,
  refusalNotRetried,
  amountDecimals,
  voucherCodeString,
  registeredOrigin,
  metadataWithoutSecrets,
];

// Ids are how the README table and CI history name a rule: a duplicate is a bug.
if (new Set(RULES.map((r) => r.id)).size !== RULES.length)
  throw new HarnessError('INTERNAL', 'client-cert: two rules share an id; every rule id must be unique');
