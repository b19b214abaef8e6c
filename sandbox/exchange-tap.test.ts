import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TappedExchange } from './exchange-tap';
import { startSandbox, type RunningSandbox } from './index';
import { readyMerchant, SandboxClient } from './testing';

let sandbox: RunningSandbox;
let client: SandboxClient;
const seen: TappedExchange[] = [];
const arrivals: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({
    seed: 5,
    tap: { arrived: (r) => void arrivals.push(r.url), completed: (x) => void seen.push(x) },
  });
  client = new SandboxClient(sandbox);
});
afterAll(() => sandbox.close());

const INITIATE = '/topup-transactions/initiate-claim';
const until = async (what: () => boolean) => {
  for (let i = 0; i < 200 && !what(); i++) await sleep(10);
};

describe('the exchange tap', () => {
  it('records the raw bytes and headers a client sent and the answer it got, never the admin API', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 100 });
    const pretty = JSON.stringify({ voucherCode: v.code, amount: 1, idempotencyKey: 'tap-1' }, null, 2);
    const answer = await client.signedPost(m.merchant, m.token, INITIATE, pretty, { 'x-forwarded-for': '127.0.0.1' });
    await until(() => seen.some((x) => x.request.url.endsWith(INITIATE)));
    const x = seen.find((e) => e.request.url.endsWith(INITIATE))!;
    expect(new TextDecoder().decode(x.request.body)).toBe(pretty);
    expect(x.request.headers['x-api-token']).toBe(m.token);
    expect(x.request.origin).toBe('127.0.0.1');
    expect(x.answer?.status).toBe(answer.status);
    expect(x.answer?.body).toBe(answer.text);
    expect(x.answer!.sentAt).toBeGreaterThanOrEqual(x.request.arrivedAt);
    expect(seen.every((e) => !e.request.url.startsWith('/admin'))).toBe(true);
    expect(arrivals).toContain(x.request.url);
  });

  it('lost-answer: the client gets no answer, a retry meanwhile 409, afterwards the first answer', async () => {
    const m = await readyMerchant(client);
    const v = await client.createVoucher({ amount: 100 });
    await client.adminOk('POST', '/faults', { endpoint: 'initiate-claim', kind: 'lost-answer', delayMs: 400 });
    const body = { voucherCode: v.code, amount: 2, idempotencyKey: 'lost-1' };
    await expect(client.signedPost(m.merchant, m.token, INITIATE, body)).rejects.toThrow();
    expect((await client.signedPost(m.merchant, m.token, INITIATE, body)).status).toBe(409);
    await sleep(600);
    const after = await client.signedPost(m.merchant, m.token, INITIATE, body);
    expect(after.status).toBe(200);
    expect(await client.otps(v.code)).toHaveLength(1);
    await until(() => seen.filter((e) => e.request.url.endsWith(INITIATE)).length >= 4);
    const lost = seen.find((e) => new TextDecoder().decode(e.request.body).includes('lost-1'))!;
    expect(lost.answer).toBeUndefined();
    expect(lost.closedAt).toBeDefined();
  });
});
