import { describe, expect, it } from 'vitest';
import type { Exchange } from '../lib/node/http-client';
import type { EvidenceExchange } from '../suites/check-result';
import { BODY_LIMIT, clipText, evidenceText, replayText, requestText, responseText } from './evidence-text';
import { exchangeEvidence, makeResult } from './test-support/results';

// The HTTP client's recorded exchange is evidence as it is: checks pass it straight through.
// If the client's shape drifts away, the type checker says so here.
const clientExchangeIsEvidence = (x: Exchange): EvidenceExchange => x;

describe('evidence as text', () => {
  it('reads like HTTP messages', () => {
    const { exchange } = exchangeEvidence();
    expect(requestText(exchange!)).toBe(
      'POST http://127.0.0.1:40123/topup-transactions/redeem-gift\ncontent-type: application/json\n\n{"voucherCode":"GV-1","amount":50}',
    );
    expect(responseText(exchange!)).toBe(
      'HTTP 200 (4 ms)\ncontent-type: application/json\n\n{"statusCode":200,"success":true,"data":{}}',
    );
    expect(typeof clientExchangeIsEvidence).toBe('function');
  });

  it('says why no response came', () => {
    const x: EvidenceExchange = {
      method: 'GET',
      url: 'http://127.0.0.1:1/',
      requestHeaders: {},
      status: undefined,
      error: 'connection refused',
    };
    expect(responseText(x)).toBe('(no response: connection refused)');
    expect(requestText(x)).toBe('GET http://127.0.0.1:1/');
  });

  it('numbers each piece of evidence and ends with its replay command', () => {
    const text = evidenceText([{ note: 'first' }, exchangeEvidence({ label: 'second', curl: 'curl http://h/' })]);
    expect(text).toMatch(/^Evidence 1\nfirst\n\nEvidence 2: second\n> POST /);
    expect(text).toMatch(/\n< HTTP 200 \(4 ms\)\n/);
    expect(text.endsWith('replay: curl http://h/')).toBe(true);
  });

  it('cuts only what is over the limit, and says how much', () => {
    expect(clipText('x'.repeat(BODY_LIMIT))).toBe('x'.repeat(BODY_LIMIT));
    expect(clipText('abcdef', 4)).toBe('abcd\n… (2 more characters; the whole body is in summary.json)');
  });

  it('gives a property failure its replay data, and nothing for a check without it', () => {
    expect(replayText(makeResult({ id: 'auth.x', seed: 5, path: '1:2', counterexample: '[0]' }))).toBe(
      'seed 5, path "1:2", counterexample [0]',
    );
    expect(replayText(makeResult({ id: 'auth.x' }))).toBeUndefined();
  });
});
