import { describe, expect, it } from 'vitest';
import type { TappedExchange } from '../sandbox';
import { documentedRefusal, isTransient, requestContent, toClientExchange, tokenExpiry } from './exchange';

const BASE = '/api/v1/merchant/client';

function tapped(path: string, body: string, answer?: { status: number; body: string }): TappedExchange {
  return {
    request: {
      seq: 1,
      method: 'POST',
      url: `${BASE}${path}`,
      headers: { 'x-api-token': 'eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDB9.c2ln' },
      body: new TextEncoder().encode(body),
      origin: '127.0.0.1',
      arrivedAt: 0,
      sandboxAt: 0,
    },
    answer: answer && { ...answer, headers: {}, sentAt: 1 },
    closedAt: answer ? undefined : 1,
  };
}

describe('a recorded exchange as the rules read it', () => {
  it('tells a 409 still in flight (transient) from 4091, which also travels as HTTP 409 (final)', () => {
    const body = '{"voucherCode":"1","amount":80,"idempotencyKey":"k"}';
    const inFlight = toClientExchange(
      tapped('/topup-transactions/initiate-claim', body, { status: 409, body: '{"statusCode":409}' }),
      's',
    );
    const overBalance = toClientExchange(
      tapped('/topup-transactions/initiate-claim', body, { status: 409, body: '{"statusCode":4091}' }),
      's',
    );
    const lost = toClientExchange(tapped('/topup-transactions/redeem-gift', body), 's');
    expect([isTransient(inFlight), isTransient(overBalance), isTransient(lost)]).toEqual([true, false, true]);
    expect(documentedRefusal(overBalance)).toBe(4091);
    expect(documentedRefusal(inFlight)).toBeUndefined();
    expect(inFlight.endpoint).toBe('initiate');
    expect(lost.endpoint).toBe('redeem');
  });

  it('compares what two requests ask for without their keys and metadata, in any key order', () => {
    const a = toClientExchange(
      tapped(
        '/topup-transactions/initiate-redeem',
        '{"voucherCode":"1","amount":80,"idempotencyKey":"a","metadata":"x"}',
      ),
      's',
    );
    const b = toClientExchange(
      tapped('/topup-transactions/initiate-claim', '{"amount":80,"voucherCode":"1","idempotencyKey":"b"}'),
      's',
    );
    const c = toClientExchange(
      tapped('/topup-transactions/initiate-claim', '{"amount":50,"voucherCode":"1","idempotencyKey":"a"}'),
      's',
    );
    expect(requestContent(a)).toBe(requestContent(b));
    expect(requestContent(a)).not.toBe(requestContent(c));
    expect(a.endpoint).toBe('initiate'); // the end-to-end example's path is the same operation
  });

  it("reads a token's exp without verifying it, and nothing from a value that is not a JWT", () => {
    expect(tokenExpiry('eyJhbGciOiJFUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDB9.c2ln')).toBe(1_700_000_300);
    expect(tokenExpiry('not-a-token')).toBeUndefined();
    expect(tokenExpiry(undefined)).toBeUndefined();
  });
});
