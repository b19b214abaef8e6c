/**
 * Authentication (merchant API v1.0 › Authentication, Steps 2, 4 and 5): the login, the access
 * token on every endpoint, its 300-second life, tokens that are missing, malformed or forged, and
 * callers outside the whitelisted origins. Refusal statuses the documents leave open come from
 * the target's expectations (docs/design.md › Behaviour where the API documents are silent › Authentication failures).
 */
import { MICRO_PER_UNIT } from '../lib/money';
import fc from 'fast-check';
import { endpointPath } from '../lib/endpoint-catalog';
import type { ApiResponse, MerchantClient } from '../lib/node/http-client';
import { loginBody } from '../lib/payloads';
import { defineCheck, fail, pass, skip } from './check';
import type { CheckDefinition, CheckOutcome } from './check';
import type { CertifyContext } from './context';
import { evidenceOf, refute } from './evidence';
import { httpProperty } from './http-property';
import {
  accessTokenOf,
  ALG_NONE_SPELLINGS,
  algNoneToken,
  describeAnswer,
  describeMisses,
  FORGERIES,
  forgeToken,
  insideLifetimeSeconds,
  loginAtStartOfSecond,
  MAX_BOUNDARY_ROUND_TRIP_MS,
  merchantAllowedFrom,
  missEvidence,
  probeEvery,
  reachedOperation,
  requireJwt,
  sendProbe,
  TOKEN_ENDPOINTS,
} from './auth-helpers';
import type { Miss } from './auth-helpers';

const API = 'omnivas-merchant-api-v1.0' as const;
const STEP_2 = 'Authentication › Step 2: Configure IP Whitelist';
const STEP_4 = 'Authentication › Step 4: Obtain Access Token';
const STEP_5 = 'Authentication › Step 5: Verify Configuration';
const AUTH_FAILURES = 'Behaviour where the API documents are silent › Authentication failures';
/** docs/design.md › Authentication failures: "a caller outside the allowed origins → HTTP 403". */
const ORIGIN_REFUSED_STATUS = 403;

/** POST /auth/login with exactly these bytes (undefined: no body at all). */
const sendLogin = (
  client: MerchantClient,
  body: string | undefined,
  headers: Record<string, string> = {},
): Promise<ApiResponse> =>
  client.send({ method: 'POST', path: endpointPath('login'), ...(body === undefined ? {} : { body }), headers });

/** A login refused: a client error and no token (Step 4 gives a token for the API key only). */
const loginRefused = (res: ApiResponse): boolean =>
  res.status >= 400 && res.status < 500 && accessTokenOf(res) === undefined;

/** A real access token of the target's own merchant, and the client that holds it. */
async function loggedIn(ctx: CertifyContext): Promise<{ client: MerchantClient; token: string }> {
  const client = ctx.merchant.client();
  const res = await client.login();
  const token = accessTokenOf(res);
  if (token === undefined) throw new Error(`the login answered ${describeAnswer(res)} without an accessToken`);
  return { client, token };
}

interface TokenRefusal {
  readonly client: MerchantClient;
  /** A real, fresh token of the target's merchant, to spoil. */
  readonly token: string;
  /** The status a bad token gets (expectations.invalidTokenStatus, 401 by default). */
  readonly status: number;
}

/** A check that a bad token is refused: its status is docs/design.md's (Authentication failures), not the documents'. */
function tokenRefusalCheck(
  id: string,
  title: string,
  run: (ctx: CertifyContext, refusal: TokenRefusal) => Promise<CheckOutcome>,
): CheckDefinition<CertifyContext> {
  return defineCheck<CertifyContext>({
    id,
    title,
    area: 'auth',
    source: { doc: 'docs/design.md', section: AUTH_FAILURES },
    basis: 'assumption',
    severity: 'critical',
    async run(ctx) {
      return run(ctx, { ...(await loggedIn(ctx)), status: ctx.expectations.invalidTokenStatus });
    },
  });
}

/** One verdict for "every endpoint answered as expected". */
const verdict = (misses: readonly Miss[], what: (described: string) => string) =>
  misses.length === 0 ? pass() : fail(what(describeMisses(misses)), missEvidence(misses));

/** The login body's cases that are not a JSON object with a string "key": `{KEY}` stands for the real API key. */
const MALFORMED_LOGIN_BODIES: readonly (string | null)[] = [
  null, // no body at all
  '',
  '{}',
  '{"key":""}',
  '{"key":null}',
  '{"key":12345}',
  '{"key":["{KEY}"]}',
  '{"key":{"key":"{KEY}"}}',
  '{"apiKey":"{KEY}"}',
  '["{KEY}"]',
  '"{KEY}"',
  'null',
  'key={KEY}',
  '{"key":"{KEY}"',
  '{"key":"{KEY}"}}',
];

export const authChecks: readonly CheckDefinition<CertifyContext>[] = [
  defineCheck<CertifyContext>({
    id: 'auth.login-succeeds',
    title:
      'Logging in with the API key answers the documented body: accessToken, success true, statusCode 200, "Login Successful"',
    area: 'auth',
    source: { doc: API, section: STEP_4 },
    basis: 'document',
    severity: 'high',
    async run(ctx) {
      const res = await sendLogin(ctx.merchant.client(), loginBody(ctx.target.apiKey));
      const body = (res.json ?? {}) as Record<string, unknown>;
      const problems = [
        res.status === 200 ? undefined : `HTTP ${res.status}`,
        accessTokenOf(res) === undefined ? 'no "accessToken" string' : undefined,
        body.success === true ? undefined : `"success": ${JSON.stringify(body.success)}`,
        body.statusCode === 200 ? undefined : `"statusCode": ${JSON.stringify(body.statusCode)}`,
        body.message === 'Login Successful' ? undefined : `"message": ${JSON.stringify(body.message)}`,
      ].filter((p) => p !== undefined);
      if (problems.length === 0) return pass();
      return fail(
        `the login with the target's own API key answered with ${problems.join(', ')}; Step 4 documents HTTP 200 with {"accessToken", "success": true, "statusCode": 200, "message": "Login Successful"}`,
        [evidenceOf('login', res)],
      );
    },
  }),

  defineCheck<CertifyContext>({
    id: 'auth.login-refuses-bad-key',
    title: 'A login with a wrong API key is refused and gets no token',
    area: 'auth',
    source: { doc: API, section: STEP_4 },
    basis: 'document',
    severity: 'critical',
    run(ctx) {
      const client = ctx.merchant.client();
      // The real key is joined in at run time, so a counterexample in the report never holds it.
      const badKey = fc.record({
        text: fc.oneof(
          fc.stringMatching(/^[\x21-\x7e]{1,64}$/),
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
        ),
        joined: fc.constantFrom('alone', 'before-real-key', 'after-real-key'),
      });
      return httpProperty(ctx, badKey, { numRuns: 15 }, async ({ text, joined }) => {
        const key =
          joined === 'alone'
            ? text
            : joined === 'before-real-key'
              ? text + ctx.target.apiKey
              : ctx.target.apiKey + text;
        const res = await sendLogin(client, JSON.stringify({ key }));
        if (!loginRefused(res))
          refute(
            `a login with a wrong API key (${joined === 'alone' ? 'an unrelated string' : `the real key with characters added ${joined === 'before-real-key' ? 'before' : 'after'} it`}) answered ${describeAnswer(res)}${accessTokenOf(res) ? ' with an accessToken' : ''}; only the API key from the portal obtains a token (Step 4)`,
            ['login', res],
          );
      });
    },
  }),

  defineCheck<CertifyContext>({
    id: 'auth.login-refuses-malformed-body',
    title:
      'A login whose body is missing, not JSON, or has no string "key" is refused with a client error and no token',
    area: 'auth',
    source: { doc: API, section: STEP_4 },
    basis: 'document',
    severity: 'high',
    run(ctx) {
      const client = ctx.merchant.client();
      const randomJson = fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value));
      const body = fc.oneof(fc.constantFrom(...MALFORMED_LOGIN_BODIES), randomJson);
      return httpProperty(ctx, body, { numRuns: 20, examples: MALFORMED_LOGIN_BODIES }, async (template) => {
        const sent = template === null ? undefined : template.replaceAll('{KEY}', ctx.target.apiKey);
        const res = await sendLogin(client, sent);
        if (!loginRefused(res))
          refute(
            `a login with ${sent === undefined ? 'no body' : 'a malformed body'} answered ${describeAnswer(res)}${accessTokenOf(res) ? ' with an accessToken' : ''}; Step 4's body is {"key": "YOUR_API_KEY"}, and anything else must be refused with a 4xx`,
            ['login', res],
          );
      });
    },
  }),

  defineCheck<CertifyContext>({
    id: 'auth.token-works-everywhere',
    title: 'One access token is accepted on every endpoint: test, initiate, voucher detail and redeem',
    area: 'auth',
    source: { doc: API, section: `${STEP_4}; Gift Voucher Redemption › Request Headers (x-api-token)` },
    basis: 'document',
    severity: 'high',
    async run(ctx) {
      const { client, token } = await loggedIn(ctx);
      // A real voucher: initiate reserves one unit, detail shows it, redeem with a wrong code gets its documented 4035.
      const voucherCode = await ctx.voucher({ amount: MICRO_PER_UNIT });
      const misses = await probeEvery(ctx, client, { token, voucherCode }, reachedOperation);
      return verdict(
        misses,
        (m) =>
          `a fresh access token did not get through on ${m}; the token from POST /auth/login is what every endpoint takes in x-api-token`,
      );
    },
  }),

  defineCheck<CertifyContext>({
    id: 'auth.test-endpoint',
    title: 'POST /test with a valid token answers {"test": "successful"}',
    area: 'auth',
    source: { doc: API, section: STEP_5 },
    basis: 'document',
    severity: 'medium',
    async run(ctx) {
      const res = await ctx.merchant.client().test();
      if (res.status === 200 && (res.json as { test?: unknown } | undefined)?.test === 'successful') return pass();
      return fail(
        `POST /test answered ${describeAnswer(res)} with ${res.text.slice(0, 200)}; Step 5 documents the answer {"test": "successful"}`,
        [evidenceOf('test', res)],
      );
    },
  }),

  tokenRefusalCheck(
    'auth.token-required',
    'Every endpoint refuses a request without x-api-token with HTTP 401',
    async (ctx, { client, status }) => {
      const misses = await probeEvery(ctx, client, { token: null }, (res) => res.status === status);
      return verdict(
        misses,
        (m) =>
          `requests without x-api-token were not refused with HTTP ${status}: ${m}; every endpoint requires the token (Request Headers: x-api-token, Required: Yes)`,
      );
    },
  ),

  tokenRefusalCheck(
    'auth.rejects-malformed-token',
    'A malformed x-api-token (random text, "Bearer …", truncated, an extra segment) is refused with HTTP 401',
    (ctx, { client, token, status }) => {
      const malformed = fc.record({
        how: fc.constantFrom('random-text', 'bearer-prefix', 'truncated', 'extra-segment'),
        text: fc.stringMatching(/^[\x21-\x7e]{1,80}$/),
        cut: fc.integer({ min: 4, max: 400 }),
        endpoint: fc.constantFrom(...TOKEN_ENDPOINTS),
      });
      return httpProperty(ctx, malformed, { numRuns: 25 }, async ({ how, text, cut, endpoint }) => {
        // Truncation drops at least four characters: fewer could leave a lenient base64url decoder the same bytes.
        const sent = {
          'random-text': text,
          'bearer-prefix': `Bearer ${token}`,
          truncated: token.slice(0, Math.max(0, token.length - cut)),
          'extra-segment': `${token}.${text.replace(/\./g, '')}`,
        }[how];
        const res = await sendProbe(ctx, client, endpoint, { token: sent });
        if (res.status !== status)
          refute(`${endpoint} with a ${how} access token answered ${describeAnswer(res)}, not HTTP ${status}`, [
            endpoint,
            res,
            `x-api-token: ${how} (redacted here; a replay sends your own token)`,
          ]);
      });
    },
  ),

  tokenRefusalCheck(
    'auth.rejects-forged-token',
    'A forged token (claims tampered, re-signed with another key, HS256, signature stripped or truncated) is refused with HTTP 401',
    (ctx, { client, token, status }) => {
      const jwt = requireJwt(token);
      const forged = fc.record({
        forgery: fc.constantFrom(...FORGERIES),
        extendSeconds: fc.integer({ min: 1, max: 31_536_000 }),
        endpoint: fc.constantFrom(...TOKEN_ENDPOINTS),
      });
      const everyForgeryOnce = FORGERIES.map((forgery) => ({
        forgery,
        extendSeconds: 3600,
        endpoint: 'test' as const,
      }));
      return httpProperty(
        ctx,
        forged,
        { numRuns: 25, examples: everyForgeryOnce },
        async ({ forgery, extendSeconds, endpoint }) => {
          const res = await sendProbe(ctx, client, endpoint, { token: forgeToken(jwt, forgery, extendSeconds) });
          if (res.status !== status)
            refute(
              `${endpoint} with a token forged by ${forgery} answered ${describeAnswer(res)}, not HTTP ${status}: the server must verify its own ES256 signature over the token's claims`,
              [endpoint, res, `x-api-token: the real token, ${forgery} (redacted here; a replay sends your own token)`],
            );
        },
      );
    },
  ),

  tokenRefusalCheck(
    'auth.rejects-alg-none',
    'A token re-headed with "alg": "none" (any spelling, signature kept or stripped) is refused with HTTP 401',
    async (ctx, { client, token, status }) => {
      const jwt = requireJwt(token);
      const misses: Miss[] = [];
      for (const alg of ALG_NONE_SPELLINGS) {
        for (const keepSignature of [false, true]) {
          const variant = `the real token's claims under {"alg":"${alg}"}, its signature ${keepSignature ? 'kept' : 'stripped'}`;
          misses.push(
            ...(await probeEvery(
              ctx,
              client,
              { token: algNoneToken(jwt, alg, keepSignature) },
              (res) => res.status === status,
              variant,
            )),
          );
        }
      }
      return verdict(
        misses,
        (m) =>
          `unsigned tokens were not refused with HTTP ${status}: ${m}; the document's tokens are ES256 (Step 4), and an unsigned token proves nothing`,
      );
    },
  ),

  defineCheck<CertifyContext>({
    id: 'auth.token-expires',
    title:
      'An access token is accepted 299 s after login and refused with HTTP 401 on every endpoint at 301 s (valid 300 s, not a minute longer)',
    area: 'auth',
    source: { doc: API, section: `${STEP_4} › NOTE` },
    basis: 'document',
    severity: 'critical',
    needs: ['clock'],
    async run(ctx) {
      const lifetime = ctx.expectations.tokenLifetimeSeconds;
      const status = ctx.expectations.invalidTokenStatus;
      const client = ctx.merchant.client();
      const { token, roundTripMs } = await loginAtStartOfSecond(ctx, client);
      if (roundTripMs > MAX_BOUNDARY_ROUND_TRIP_MS)
        return skip(
          `the login took ${Math.round(roundTripMs)} ms; a round trip over ${MAX_BOUNDARY_ROUND_TRIP_MS} ms leaves the 1 s edges of the token lifetime unmeasurable on this target`,
        );
      // The round trip the login measured comes off the wait, so the probe arrives inside the lifetime.
      const inside = insideLifetimeSeconds(lifetime, roundTripMs);
      await ctx.advanceClock(inside);
      const stillValid = await sendProbe(ctx, client, 'test', { token });
      if (stillValid.status !== 200)
        return fail(
          `a token at most ${lifetime - 1} s old (${inside.toFixed(3)} s after a login that took ${Math.round(roundTripMs)} ms) was refused on POST /test (${describeAnswer(stillValid)}); Step 4 says tokens are valid for ${lifetime} seconds`,
          [evidenceOf('test', stillValid)],
        );
      // Sent at least lifetime + 1 s after the login answered, so after the token's end whatever the round trip.
      await ctx.advanceClock(lifetime + 1 - inside);
      const misses = await probeEvery(ctx, client, { token }, (res) => res.status === status);
      return verdict(
        misses,
        (m) =>
          `a token ${lifetime + 1} s old was not refused with HTTP ${status}: ${m}; Step 4 says tokens are valid for ${lifetime} seconds (5 minutes)`,
      );
    },
  }),

  defineCheck<CertifyContext>({
    id: 'auth.origin-checked',
    title: 'A merchant whose whitelist excludes the caller is refused with HTTP 403 at login and on every endpoint',
    area: 'auth',
    source: { doc: API, section: `${STEP_2}; partner-and-merchant-onboarding › Allowed origin` },
    basis: 'document',
    severity: 'critical',
    needs: ['admin'],
    async run(ctx) {
      // Documentation addresses (RFC 5737). The sandbox takes a caller's origin from the first
      // X-Forwarded-For address, else the socket (sandbox/README.md › Allowed origins): from
      // here, without the header, the caller is loopback, which this merchant does not allow.
      const allowed = '198.51.100.23';
      const outsider = '203.0.113.9';
      const { client, apiKey } = await merchantAllowedFrom(ctx, [allowed]);
      const body = loginBody(apiKey);
      const fromHere = await sendLogin(client, body);
      const fromOutsider = await sendLogin(client, body, { 'x-forwarded-for': outsider });
      const fromAllowed = await sendLogin(client, body, { 'x-forwarded-for': allowed });
      const logins: [string, ApiResponse][] = [
        ['login from loopback', fromHere],
        [`login from ${outsider}`, fromOutsider],
      ];
      const leaked = logins.filter(
        ([, res]) => res.status !== ORIGIN_REFUSED_STATUS || accessTokenOf(res) !== undefined,
      );
      if (leaked.length > 0) {
        return fail(
          `logins from outside the merchant's whitelist (${allowed} only) were not refused with HTTP ${ORIGIN_REFUSED_STATUS}: ${leaked.map(([label, res]) => `${label}: ${describeAnswer(res)}`).join('; ')}; Step 2 restricts API calls to the whitelisted addresses`,
          leaked.map(([label, res]) => evidenceOf(label, res)),
        );
      }
      const token = accessTokenOf(fromAllowed);
      if (token === undefined)
        return fail(
          `the merchant could not log in from its whitelisted address ${allowed} (${describeAnswer(fromAllowed)}), so the refusals above may have another cause`,
          [evidenceOf(`login from ${allowed}`, fromAllowed)],
        );
      const misses = await probeEvery(ctx, client, { token }, (res) => res.status === ORIGIN_REFUSED_STATUS);
      return verdict(
        misses,
        (m) =>
          `with a valid token, requests from outside the whitelist were not refused with HTTP ${ORIGIN_REFUSED_STATUS}: ${m}`,
      );
    },
  }),
];
