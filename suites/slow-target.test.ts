/**
 * A slow test environment: every request and every answer 700 ms late (a proxy in front of the
 * sandbox). The token-lifetime check budgets for the round trip it measures, so the probe meant
 * to land inside the 300 s still does, and the one meant to land after them still does too.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../lib/node/target-file';
import { defaultSandboxTarget } from '../lib/target-config';
import { authChecks } from './auth.checks';
import { runCheck } from './check';
import { createCertifyContext } from './context';
import { startEmbeddedSandbox } from './embedded-sandbox';
import type { EmbeddedSandbox } from './embedded-sandbox';
import { SERVICE_FEE } from './embedded-sandbox';

const DELAY_MS = 700;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Forwards to `upstream` (loopback), holding each request and each answer DELAY_MS. */
function delayingProxy(upstream: string) {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      await sleep(DELAY_MS);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k),
        ),
      ) as Record<string, string>;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const answer = await fetch(`${upstream}${req.url}`, { method: req.method, headers, body });
      const text = Buffer.from(await answer.arrayBuffer());
      await sleep(DELAY_MS);
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(text);
    });
  });
}

describe('a target that answers every request 700 ms late', { timeout: 60_000 }, () => {
  let embedded: EmbeddedSandbox;
  let proxy: ReturnType<typeof delayingProxy>;
  let proxyOrigin: string;
  beforeAll(async () => {
    embedded = await startEmbeddedSandbox({ seed: 5, serviceFee: SERVICE_FEE });
    const upstream = new URL(embedded.urls.url).origin;
    proxy = delayingProxy(upstream);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyOrigin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy?.close(resolve));
    await embedded?.close();
  });

  it('gets no false failure on the token lifetime, and still sees the token expire', async () => {
    // The merchant API through the proxy; the sandbox's admin clock directly.
    const url = embedded.urls.url.replace(new URL(embedded.urls.url).origin, proxyOrigin);
    const target = await resolveTarget(defaultSandboxTarget({ url, adminUrl: embedded.urls.adminUrl }), {
      env: embedded.secretsEnv,
      baseDir: '.',
      origin: 'slow target',
    });
    const ctx = createCertifyContext({ target, seed: 5, sandbox: embedded.access });
    const check = authChecks.find((c) => c.id === 'auth.token-expires')!;
    const result = await runCheck(check, ctx);
    expect(result.status, result.message).toBe('pass');
  });
});
