import { describe, expect, it } from 'vitest';
import type { Exchange } from '../lib/node/http-client';
import { answerContract } from './answer-contract';
import { createAnswerCollector } from './answer-collector';
import { describeViolation } from './violation';

const BASE = 'http://127.0.0.1:9/api/v1/merchant/client';
const SENT = { voucherCode: '3225118500682251', amount: 5, idempotencyKey: 'k-1', metadata: '{"a": 1}' };
const INITIATED = {
  success: true,
  statusCode: 200,
  message: 'OTP Code has been sent to user Successfully',
  data: { message: 'OTP Code has been sent to user Successfully', idempotencyKey: 'k-1', metadata: '{"a": 1}' },
};
const VOUCHER = {
  statusCode: 200,
  success: true,
  message: 'Successful',
  data: {
    voucher: {
      id: 118,
      code: '2585771156933526',
      serialNumber: '1000000000046',
      amount: '50.000000',
      remainingBalance: '0.005000',
      status: 'ACTIVE',
      expirationDate: '2025-12-21T22:10:17.000Z',
    },
    serviceFee: '1.000000',
  },
};

function exchange(over: Partial<Exchange> & { responseJson: unknown }): Exchange {
  return {
    method: 'POST',
    url: `${BASE}/topup-transactions/initiate-claim`,
    requestHeaders: {},
    requestBody: JSON.stringify(SENT),
    status: 200,
    responseHeaders: {},
    responseBody: JSON.stringify(over.responseJson),
    startedAt: 0,
    endedAt: 1,
    error: undefined,
    ...over,
  };
}

const found = (x: Exchange, options = {}) =>
  answerContract(options)
    .validate(x)
    .map((v) => `${v.rule} ${v.path}: expected ${v.expected}, got ${v.actual}`);

describe('answerContract', () => {
  it('passes a documented answer', () => {
    expect(found(exchange({ responseJson: INITIATED }))).toEqual([]);
    const detail = { method: 'GET', url: `${BASE}/topup-transactions/2585771156933526`, requestBody: undefined };
    expect(found(exchange({ ...detail, responseJson: VOUCHER }))).toEqual([]);
  });

  it('names a missing echoed field with the value the request sent', () => {
    const { idempotencyKey: _dropped, ...data } = INITIATED.data;
    expect(found(exchange({ responseJson: { ...INITIATED, data } }))).toEqual([
      `echo $.data.idempotencyKey: expected "k-1" (the request's idempotencyKey, exactly), got absent`,
    ]);
  });

  it('refuses metadata handed back parsed, or re-serialised: string equality with what was sent', () => {
    const parsed = { ...INITIATED, data: { ...INITIATED.data, metadata: { a: 1 } } };
    expect(found(exchange({ responseJson: parsed }))).toEqual([
      `echo $.data.metadata: expected "{\\"a\\": 1}" (the request's metadata, exactly), got {"a":1}`,
    ]);
    const compacted = { ...INITIATED, data: { ...INITIATED.data, metadata: '{"a":1}' } };
    expect(found(exchange({ responseJson: compacted }))).toHaveLength(1);
  });

  it('does not ask for metadata back when the request sent none', () => {
    const { metadata: _m, ...sent } = SENT;
    const { metadata: _n, ...data } = INITIATED.data;
    expect(found(exchange({ requestBody: JSON.stringify(sent), responseJson: { ...INITIATED, data } }))).toEqual([]);
  });

  it('names an amount that is not a 6-place string, unless the target file says amounts are numbers', () => {
    const detail = { method: 'GET', url: `${BASE}/topup-transactions/2585771156933526`, requestBody: undefined };
    const numeric = { ...VOUCHER, data: { ...VOUCHER.data, voucher: { ...VOUCHER.data.voucher, amount: 50 } } };
    expect(found(exchange({ ...detail, responseJson: numeric }))).toEqual([
      'schema $.data.voucher.amount: expected a value of type string, got 50',
    ]);
    const fourPlaces = structuredClone(VOUCHER);
    fourPlaces.data.serviceFee = '1.0000';
    expect(found(exchange({ ...detail, responseJson: fourPlaces }))[0]).toMatch(
      /^schema \$\.data\.serviceFee: expected a string matching/,
    );
    expect(found(exchange({ ...detail, responseJson: fourPlaces }), { amountFormat: 'decimal' })).toEqual([]);
  });

  it('checks the error envelope and its statusCode against the HTTP status and the documented message', () => {
    const envelope = { statusCode: 4041, success: false, message: 'No voucher found with specified code', data: null };
    expect(found(exchange({ status: 404, responseJson: envelope }))).toEqual([]);
    expect(found(exchange({ status: 400, responseJson: envelope }))).toEqual([
      'envelope $.statusCode: expected a code whose first three digits are the HTTP status 400, got 4041',
    ]);
    expect(found(exchange({ status: 404, responseJson: { ...envelope, message: 'not found' } }))).toEqual([
      'envelope $.message: expected "No voucher found with specified code" (the documented message of 4041), got "not found"',
    ]);
    expect(found(exchange({ status: 404, responseJson: { ...envelope, data: {} } }))).toEqual([
      'schema $.data: expected a value of type null, got {}',
    ]);
    // 5031 carries the provider's words in place of the placeholder.
    const transfer = { statusCode: 5031, success: false, message: 'Transfer failed: provider down', data: null };
    expect(
      found(exchange({ status: 503, responseJson: transfer, url: `${BASE}/topup-transactions/redeem-gift` })),
    ).toEqual([]);
  });

  it('says when a status or a body is not what the description has', () => {
    const error = { statusCode: 4041, success: false, message: 'No voucher found with specified code', data: null };
    expect(found(exchange({ status: 200, responseJson: error }))).toContain(
      'schema $.success: expected true, got false',
    );
    expect(found(exchange({ status: 302, responseJson: undefined }))).toEqual([
      'status $: expected one of the described statuses (200, 4XX, 5XX), got "HTTP 302"',
    ]);
    expect(found(exchange({ status: 502, responseJson: undefined, responseBody: '<html>bad gateway</html>' }))).toEqual(
      ['json $: expected a JSON body, got "<html>bad gateway</html>"'],
    );
  });

  it('leaves alone what no description has: another path, another method, no answer', () => {
    expect(found(exchange({ url: `${BASE}/nowhere`, status: 404, responseJson: 'x' }))).toEqual([]);
    expect(found(exchange({ method: 'PUT', status: 405, responseJson: 'x' }))).toEqual([]);
    expect(found(exchange({ status: undefined, responseJson: undefined }))).toEqual([]);
  });

  it('knows the endpoint of an exchange by its method and the end of its path', () => {
    const { endpointOf } = answerContract();
    expect(endpointOf({ method: 'GET', url: `${BASE}/topup-transactions/123` })).toBe('voucher-detail');
    expect(endpointOf({ method: 'POST', url: `${BASE}/topup-transactions/redeem-gift` })).toBe('redeem-gift');
    expect(
      endpointOf({ method: 'POST', url: 'https://gw.example.invalid/v1/topup-transactions/initiate-redeem' }),
    ).toBe('initiate-redeem');
    const partnerRead = { method: 'GET', url: 'http://127.0.0.1:9/api/v1/partner/vouchers/ABC' };
    // The sandbox's partner endpoints are its own: known only when asked for.
    expect(endpointOf(partnerRead)).toBeUndefined();
    expect(answerContract({ sandboxPartner: true }).endpointOf(partnerRead)).toBe('partner-voucher');
    expect(endpointOf({ method: 'DELETE', url: `${BASE}/topup-transactions/123` })).toBeUndefined();
  });

  it('describes a violation on one line with the operation, status, field, expected and actual', () => {
    const { idempotencyKey: _dropped, ...data } = INITIATED.data;
    const [v] = answerContract().validate(exchange({ responseJson: { ...INITIATED, data } }));
    expect(describeViolation(v!)).toBe(
      `initiate-claim HTTP 200: $.data.idempotencyKey expected "k-1" (the request's idempotencyKey, exactly), got absent`,
    );
    expect(v!.exchange.url).toBe(`${BASE}/topup-transactions/initiate-claim`);
  });
});

describe('createAnswerCollector', () => {
  it('validates what it is handed, keeps the first violations and counts them all, and times every endpoint', () => {
    const collector = createAnswerCollector({ violationLimit: 2 });
    const { idempotencyKey: _dropped, ...data } = INITIATED.data;
    for (let i = 0; i < 3; i++)
      collector.onExchange(exchange({ responseJson: { ...INITIATED, data }, startedAt: 0, endedAt: 10 * (i + 1) }));
    collector.onExchange(exchange({ url: `${BASE}/nowhere`, status: 404, responseJson: {}, endedAt: 5 }));
    expect(collector.validated()).toBe(3);
    expect(collector.violationCount()).toBe(3);
    expect(collector.violations()).toHaveLength(2);
    expect(collector.latency()).toEqual([
      { endpoint: 'initiate-claim', count: 3, p50Ms: 20, p95Ms: 30, maxMs: 30 },
      { endpoint: 'other', count: 1, p50Ms: 5, p95Ms: 5, maxMs: 5 },
    ]);
  });
});
