import fc from 'fast-check';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeProblem, httpStatusOf } from '../lib/error-catalog';
import { startSandbox, type RunningSandbox } from './index';
import { readyMerchant, SandboxClient, signBody, type ReadyMerchant } from './testing';

let sandbox: RunningSandbox;
let client: SandboxClient;
let m: ReadyMerchant;
let voucherCode: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 17, requestTimeoutMs: 1500 });
  client = new SandboxClient(sandbox);
  m = await readyMerchant(client);
  voucherCode = (await client.createVoucher({ amount: 1_000_000 })).code;
});
afterAll(() => sandbox.close());

interface RawAnswer {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/**
 * Sends bytes on a fresh connection and reads the answer to the end; `stall` keeps the connection
 * open after them. An answer to HEAD has a content-length but no body (unless the parser refused
 * the request before it knew it was a HEAD).
 */
function rawExchange(request: Buffer, options: { stall?: boolean; head?: boolean } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(sandbox.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('the sandbox did not answer within 5 s'));
    }, 5000);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {}); // a reset after the answer was read is fine; no answer fails below
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const match = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      if (!match || split === -1) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const headers = text.slice(0, split);
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(headers)?.[1] ?? -1);
      const body = Buffer.from(text.slice(split + 4), 'latin1').toString('utf8');
      const bodyLength = Buffer.byteLength(body);
      if (length >= 0 && bodyLength !== length && !(options.head && bodyLength === 0))
        return reject(new Error(`truncated answer: ${JSON.stringify(text.slice(0, 300))}`));
      resolve({ status: Number(match[1]), headers, body });
    });
    if (options.stall) socket.write(request);
    else socket.end(request);
  });
}

const KNOWN_PATHS = [
  '/api/v1/merchant/client/auth/login',
  '/api/v1/merchant/client/test',
  '/api/v1/merchant/client/topup-transactions/initiate-claim',
  '/api/v1/merchant/client/topup-transactions/initiate-redeem',
  '/api/v1/merchant/client/topup-transactions/redeem-gift',
  '/api/v1/merchant/client/topup-transactions/VOUCHER',
  '/api/v1/merchant/client/topup-transactions/%E0%A4%A',
  '/api/v1/partner/vouchers',
  '/api/v1/partner/account',
  '/admin/state',
  '/admin/reset',
  '/',
];

const junk = (max: number) => fc.string({ unit: 'binary', maxLength: max });
/** A long string, cheaply: a random piece repeated (generating 70 KiB character by character is slow). */
const long = (min: number, max: number) =>
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 16 }), fc.integer({ min, max }))
    .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length));
const headerValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  long(1000, 20_000),
  fc.constantFrom('', ' ', '0', '-1', 'null', '{}'),
);

const bodyArb = (signedFields: boolean) =>
  fc.oneof(
    fc.constant(''),
    junk(200),
    fc.json({ maxDepth: 3 }),
    long(64 * 1024, 70 * 1024),
    fc
      .record(
        {
          voucherCode: fc.oneof(fc.constant('VOUCHER'), fc.string({ maxLength: 20 }), fc.integer()),
          amount: fc.oneof(
            fc.double(),
            fc.integer({ min: -10, max: 2_000_000 }),
            fc.constantFrom(0.1, 1e-7, 1e21, -0),
            fc.string({ maxLength: 5 }),
          ),
          idempotencyKey: fc.oneof(fc.string({ maxLength: 300 }), fc.constant('fixed-key'), fc.integer()),
          verificationCode: fc.oneof(fc.string({ maxLength: 8 }), fc.stringMatching(/^\d{6}$/)),
          metadata: fc.oneof(fc.string({ maxLength: 20 }), fc.object({ maxDepth: 1 })),
          msisdn: fc.string({ maxLength: 15 }),
          key: fc.string({ maxLength: 40 }),
        },
        { requiredKeys: signedFields ? ['voucherCode', 'idempotencyKey'] : [] },
      )
      .map((o) => JSON.stringify(o)),
  );

interface FuzzRequest {
  method: string;
  path: string;
  headers: [string, string][];
  body: string;
  contentType: string | undefined;
  token: 'valid' | 'junk' | 'none';
  signature: 'valid' | 'junk' | 'none';
  malformedLine: string | undefined;
}

const anyRequestArb: fc.Arbitrary<FuzzRequest> = fc.record({
  method: fc.oneof(
    fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    fc.stringMatching(/^[A-Z]{1,10}$/),
  ),
  path: fc.oneof(
    fc.constantFrom(...KNOWN_PATHS),
    fc
      .tuple(fc.constantFrom(...KNOWN_PATHS), fc.webSegment(), fc.webQueryParameters())
      .map(([p, s, q]) => `${p}/${s}?${q}`),
    fc.webPath(),
    fc.stringMatching(/^\/[\x21-\x7e]{0,300}$/),
  ),
  headers: fc.array(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/), headerValue), { maxLength: 4 }),
  body: fc.boolean().chain((signed) => bodyArb(signed)),
  contentType: fc.option(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'APPLICATION/JSON',
      'json',
    ),
    { nil: undefined },
  ),
  token: fc.constantFrom('valid', 'valid', 'junk', 'none'),
  signature: fc.constantFrom('valid', 'valid', 'junk', 'none'),
  // one request in twelve carries a line node's HTTP parser refuses
  malformedLine: fc.oneof(
    { weight: 11, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Bad Header',
        'x-a: b\x00c',
        ': empty-name',
        'Content-Length: abc',
        'Transfer-Encoding: chunked',
        'x\x7f: 1',
      ),
    },
  ),
});

/** Requests right in every layer but one random field, so the fuzz also reaches the operations. */
const nearlyRightArb: fc.Arbitrary<FuzzRequest> = fc.record({
  method: fc.constantFrom('POST', 'GET'),
  path: fc.constantFrom(KNOWN_PATHS[1]!, KNOWN_PATHS[2]!, KNOWN_PATHS[3]!, KNOWN_PATHS[4]!, KNOWN_PATHS[5]!),
  headers: fc.constant([]),
  body: fc
    .record({
      voucherCode: fc.constantFrom('VOUCHER', '0000'),
      amount: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.double({ min: -1, max: 100 })),
      idempotencyKey: fc.string({ minLength: 1, maxLength: 12 }),
      verificationCode: fc.stringMatching(/^\d{6}$/),
    })
    .map((o) => JSON.stringify(o)),
  contentType: fc.constant('application/json'),
  token: fc.constant('valid' as const),
  signature: fc.constantFrom('valid' as const, 'junk' as const),
  malformedLine: fc.constant(undefined),
});

const requestArb = fc.oneof({ weight: 3, arbitrary: anyRequestArb }, { weight: 1, arbitrary: nearlyRightArb });

function encode(r: FuzzRequest): Buffer {
  const path = r.path.replace('VOUCHER', voucherCode);
  const body = r.body.replace('VOUCHER', voucherCode);
  const lines = [`${r.method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  if (r.contentType !== undefined) lines.push(`Content-Type: ${r.contentType}`);
  if (r.token !== 'none') lines.push(`x-api-token: ${r.token === 'valid' ? m.token : 'eyJhbGciOiJub25lIn0.e30.'}`);
  let signature = 'AAAA';
  try {
    if (r.signature === 'valid') signature = signBody(m.merchant.privateKey, body);
  } catch {
    // not JSON: there is nothing a client could sign, so it sends junk
  }
  if (r.signature !== 'none') lines.push(`x-signature: ${signature}`);
  for (const [name, value] of r.headers) lines.push(`${name}: ${value.replace(/[\r\n]/g, ' ')}`);
  if (r.malformedLine !== undefined) lines.push(r.malformedLine);
  const bytes = Buffer.from(body);
  lines.push(`Content-Length: ${bytes.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]);
}

/** A documented success: the merchant API's `success: true` bodies, or /test's. */
function isDocumentedSuccess(json: Record<string, unknown>): boolean {
  return (json.success === true && json.statusCode === 200) || JSON.stringify(json) === '{"test":"successful"}';
}

describe('random requests (fuzz)', () => {
  it('every answer is a well-formed envelope with a 4xx status, or a documented success; nothing crashes or hangs', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArb, async (request) => {
        const answer = await rawExchange(encode(request), { head: request.method === 'HEAD' });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expect(answer.status).toBeGreaterThanOrEqual(200);
        expect(answer.status).toBeLessThan(500);
        if (request.method === 'HEAD' && answer.body === '') return;
        const json = JSON.parse(answer.body) as Record<string, unknown>;
        if (answer.status === 200) {
          expect(isDocumentedSuccess(json), answer.body).toBe(true);
        } else {
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(envelopeProblem(json), answer.body).toBeUndefined();
          expect(httpStatusOf(json.statusCode as number), answer.body).toBe(answer.status);
        }
      }),
      { numRuns: 2000 },
    );
    // the run reached deep: past the signature check to successes and documented codes, and the parser's refusals
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    for (const status of [400, 401, 403, 404, 405, 413])
      expect(statuses.get(status) ?? 0, `status ${status} among ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
    // and the sandbox still serves
    expect((await client.loginAnswer(m.merchant.apiKey)).status).toBe(200);
  });

  it('a client that stops mid-body is cut off with a 408 envelope, and others are served meanwhile', async () => {
    const stalled = rawExchange(
      Buffer.from(
        'POST /api/v1/merchant/client/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"key":',
      ),
      { stall: true },
    );
    expect((await client.loginAnswer(m.merchant.apiKey)).status).toBe(200);
    const answer = await stalled;
    expect(answer.status).toBe(408);
    expect(envelopeProblem(JSON.parse(answer.body))).toBeUndefined();
  });

  it('headers over 16 KiB get a 431 envelope', async () => {
    const answer = await rawExchange(
      Buffer.from(`GET /api/v1/merchant/client/test HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`),
    );
    expect(answer.status).toBe(431);
    expect(envelopeProblem(JSON.parse(answer.body))).toBeUndefined();
  });
});
