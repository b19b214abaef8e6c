/**
 * The description and the harness's own catalogs agree: the 22 documented codes and messages
 * (lib/error-catalog.ts), the endpoints and their request fields (lib/endpoint-catalog.ts), and
 * every example in the description validates against its own schema.
 */
import { describe, expect, it } from 'vitest';
import { API_ERRORS, httpStatusOf } from '../lib/error-catalog';
import { ENDPOINTS } from '../lib/endpoint-catalog';
import type { Exchange } from '../lib/node/http-client';
import { answerContract } from './answer-contract';
import { descriptionDocument } from './openapi-files';
import { operationsOf, resolveLocalRef } from './operations';

type Json = Record<string, unknown>;
const merchant = descriptionDocument('merchant');
const schemas = (merchant.components as Json).schemas as Record<string, Json>;

describe('the merchant description and the error catalog', () => {
  it('lists the 22 documented codes with their documented messages, endpoints and HTTP statuses', () => {
    const listed = (schemas.DocumentedErrorCode!.oneOf as Json[]).map((c) => ({
      code: c.const,
      message: c.title,
      endpoints: c['x-endpoints'],
      status: c['x-http-status'],
    }));
    expect(listed).toEqual(
      API_ERRORS.map((e) => ({
        code: e.code,
        message: e.message,
        endpoints: e.endpoints,
        status: httpStatusOf(e.code),
      })),
    );
    expect(listed).toHaveLength(22);
  });

  it('gives each coded endpoint an example for every code of its table, with the documented message', () => {
    for (const endpoint of ['initiate-claim', 'redeem-gift'] as const) {
      const op = operationsOf(merchant).find((o) => o.id === endpoint)!;
      const examples = ['4XX', '5XX'].flatMap((key) =>
        Object.values(
          (((op.responses[key]!.content as Json)['application/json'] as Json).examples ?? {}) as Record<string, Json>,
        ).map((e) => e.value as Json),
      );
      const expected = API_ERRORS.filter((e) => e.endpoints.includes(endpoint)).map((e) => ({
        statusCode: e.code,
        success: false,
        message: e.message,
        data: null,
      }));
      expect(examples).toEqual(expected);
    }
  });
});

describe('the merchant description and the endpoint catalog', () => {
  it('has every catalogued endpoint, at its path, with its method and operationId', () => {
    const ops = operationsOf(merchant).map((o) => `${o.id} ${o.method} ${o.template}`);
    expect(ops.sort()).toEqual(
      Object.values(ENDPOINTS)
        .map((e) => `${e.id} ${e.method} ${e.path.replace(':voucherCode', '{voucherCode}')}`)
        .sort(),
    );
  });

  it('asks for the documented request fields: the required ones required, with their types', () => {
    const paths = merchant.paths as Record<string, Record<string, Json>>;
    for (const endpoint of Object.values(ENDPOINTS).filter((e) => e.body.length > 0)) {
      const op = paths[endpoint.path]![endpoint.method.toLowerCase()]!;
      let body = op.requestBody as Json;
      if (typeof body.$ref === 'string') body = resolveLocalRef(merchant, body.$ref);
      const schema = resolveLocalRef(
        merchant,
        (((body.content as Json)['application/json'] as Json).schema as Json).$ref as string,
      );
      const properties = schema.properties as Record<string, Json>;
      const typeOf = (p: Json): unknown =>
        typeof p.$ref === 'string' ? resolveLocalRef(merchant, p.$ref).type : p.type;
      expect(Object.keys(properties).sort(), endpoint.id).toEqual(endpoint.body.map((f) => f.name).sort());
      for (const field of endpoint.body) expect(typeOf(properties[field.name]!), field.name).toBe(field.type);
      expect([...(schema.required as string[])].sort(), endpoint.id).toEqual(
        endpoint.body
          .filter((f) => f.required)
          .map((f) => f.name)
          .sort(),
      );
    }
  });
});

/** Every response example of the description, as an answer to its own operation. */
function exampleExchanges(): { name: string; exchange: Exchange }[] {
  const out: { name: string; exchange: Exchange }[] = [];
  for (const op of operationsOf(merchant))
    for (const [key, response] of Object.entries(op.responses)) {
      const media = (response.content as Json | undefined)?.['application/json'] as Json | undefined;
      const values = [
        ...(media?.example === undefined ? [] : [media.example]),
        ...Object.values((media?.examples ?? {}) as Record<string, Json>).map((e) => e.value),
      ];
      for (const value of values) {
        const code = (value as Json).statusCode;
        const status = key === '200' ? 200 : httpStatusOf(code as number);
        out.push({
          name: `${op.id} ${key} ${String(code ?? '')}`,
          exchange: {
            method: op.method,
            url: `https://tapi.example.invalid/api/v1/merchant/client${op.template.replace('{voucherCode}', '2585771156933526')}`,
            requestHeaders: {},
            // The document's own request example: the echo rules hold between the two.
            requestBody: JSON.stringify({
              voucherCode: '3225118500682251',
              idempotencyKey: 'unique-key-123',
              metadata: '{}',
            }),
            status,
            responseHeaders: {},
            responseBody: JSON.stringify(value),
            responseJson: value,
            startedAt: 0,
            endedAt: 1,
            error: undefined,
          },
        });
      }
    }
  return out;
}

describe("the description's own examples", () => {
  const examples = exampleExchanges();
  it('are many: every success and every documented code', () => expect(examples.length).toBeGreaterThan(30));
  it.each(examples.map((e) => [e.name, e.exchange] as const))('%s validates against its schema', (_name, exchange) => {
    expect(answerContract().validate(exchange)).toEqual([]);
  });
});
