/**
 * A slow test environment: every request and every answer 700 ms late (a proxy in front of the
 * sandbox). The token-lifetime check budgets for the round trip it measures, so the probe meant
 * to land inside the 300 s still does, and the one meant to land after them still does too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../lib/node/target-file';
import type { RunningProxy } from '../sandbox/mutating-proxy';
import { delayEvery, startMutatingProxy } from '../sandbox/mutating-proxy';
import { defaultSandboxTarget } from '../lib/target-config';
import { authChecks } from './auth.checks';
import { runCheck } from './check';
import { createCertifyContext } from './context';
import { startEmbeddedSandbox } from './embedded-sandbox';
import type { EmbeddedSandbox } from './embedded-sandbox';
import { SERVICE_FEE } from './embedded-sandbox';

const DELAY_MS = 700;

describe('a target that answers every request 700 ms late', { timeout: 60_000 }, () => {
  let embedded: EmbeddedSandbox;
  let proxy: RunningProxy;
  beforeAll(async () => {
    embedded = await startEmbeddedSandbox({ seed: 5, serviceFee: SERVICE_FEE });
    proxy = await startMutatingProxy(new URL(embedded.urls.url).origin, delayEvery(DELAY_MS, DELAY_MS));
  });
  afterAll(async () => {
    await proxy?.close();
    await embedded?.close();
  });

  it('gets no false failure on the token lifetime, and still sees the token expire', async () => {
    // The merchant API through the proxy; the sandbox's admin clock directly.
    const url = embedded.urls.url.replace(new URL(embedded.urls.url).origin, proxy.url);
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
