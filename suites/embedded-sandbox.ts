/**
 * The default target: a sandbox started in-process on loopback, with a merchant registered the
 * way the API document says (a key pair made locally, only the public key given to the server).
 */
import { HarnessError } from '../lib/errors';
import { exportPrivateKeyPem, exportPublicKeyPem, generatePrivateKey } from '../lib/keys';
import type { Micro } from '../lib/money';
import { createSandboxAdminClient } from '../lib/node/sandbox-admin-client';
import type { SandboxAdminClient } from '../lib/node/sandbox-admin-client';
import { resolveTarget } from '../lib/node/target-file';
import type { ResolvedTarget } from '../lib/node/target-file';
import { SANDBOX_SECRET_ENV, defaultSandboxTarget } from '../lib/target-config';
import { startSandbox } from '../sandbox';
import type { SandboxAccess } from './context';

/** What the embedded sandbox charges its merchant per redemption: 1.000000. */
export const SERVICE_FEE = 1_000_000n;

export interface EmbeddedSandbox {
  readonly target: ResolvedTarget;
  readonly admin: SandboxAdminClient;
  readonly access: SandboxAccess;
  /** The merchant's credentials, for handing to vitest workers through the environment. */
  readonly secretsEnv: Readonly<Record<string, string>>;
  readonly urls: { readonly url: string; readonly adminUrl: string };
  close(): Promise<void>;
}

export async function startEmbeddedSandbox(options: {
  defects?: readonly string[];
  seed?: number;
  serviceFee: Micro;
}): Promise<EmbeddedSandbox> {
  // Test hooks on: a fault then rides on its own request (docs/test-hooks.md), so the errors area's
  // fault checks run side by side instead of one at a time on the shared admin queue.
  const sandbox = await startSandbox({ defects: options.defects ?? [], seed: options.seed, testHooks: true });
  try {
    const admin = createSandboxAdminClient({ adminUrl: sandbox.adminUrl, adminToken: sandbox.adminToken });
    const key = generatePrivateKey('secp256k1');
    const merchant = await admin.createMerchant({
      publicKeyPem: exportPublicKeyPem(key),
      keyType: 'secp256k1',
      name: 'harness merchant',
      serviceFee: options.serviceFee,
    });
    const secretsEnv = {
      [SANDBOX_SECRET_ENV.apiKey]: merchant.apiKey,
      [SANDBOX_SECRET_ENV.privateKey]: exportPrivateKeyPem(key),
    };
    const target = await resolveTarget(defaultSandboxTarget({ url: sandbox.url, adminUrl: sandbox.adminUrl }), {
      env: secretsEnv,
      baseDir: process.cwd(),
      origin: 'the embedded sandbox',
    });
    target.redactor.add(sandbox.adminToken, 'admin-token');
    const access = { adminUrl: sandbox.adminUrl, adminToken: sandbox.adminToken, merchantId: merchant.id };
    return {
      target,
      admin,
      access,
      secretsEnv,
      urls: { url: sandbox.url, adminUrl: sandbox.adminUrl },
      close: () => sandbox.close(),
    };
  } catch (err) {
    await sandbox.close();
    throw err instanceof Error ? err : new HarnessError('INTERNAL', String(err));
  }
}
