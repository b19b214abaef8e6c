/**
 * For tests that run a command against a loopback sandbox through a target file, as a merchant
 * would: a merchant registered with a key pair made here (only the public key given to the
 * sandbox), its API key, private key and the admin token in environment variables named
 * `${prefix}_KEY`, `_PEM`, `_ADMIN`, and the target file naming them. Never a secret in the file.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportPrivateKeyPem, exportPublicKeyPem, generatePrivateKey } from '../lib/keys';
import { createSandboxAdminClient } from '../lib/node/sandbox-admin-client';
import type { RunningSandbox } from './start';

export interface SandboxTargetFile {
  readonly path: string;
  /** Unsets the environment variables the file names. */
  clearEnv(): void;
}

export async function writeSandboxTargetFile(
  sandbox: RunningSandbox,
  options: { dir: string; name: string; prefix: string; otp?: Record<string, unknown> },
): Promise<SandboxTargetFile> {
  const env = { apiKey: `${options.prefix}_KEY`, pem: `${options.prefix}_PEM`, admin: `${options.prefix}_ADMIN` };
  const key = generatePrivateKey('secp256k1');
  const merchant = await createSandboxAdminClient(sandbox).createMerchant({
    publicKeyPem: exportPublicKeyPem(key),
    keyType: 'secp256k1',
    name: options.name,
    serviceFee: 1_000_000n,
  });
  Object.assign(process.env, {
    [env.apiKey]: merchant.apiKey,
    [env.pem]: exportPrivateKeyPem(key),
    [env.admin]: sandbox.adminToken,
  });
  const path = join(options.dir, 'target.json');
  await writeFile(
    path,
    JSON.stringify({
      name: options.name,
      baseUrl: sandbox.url,
      profile: 'merchant-v1',
      auth: { apiKeyEnv: env.apiKey, privateKeyEnv: env.pem, keyType: 'secp256k1' },
      otp: options.otp ?? { source: 'sandbox-outbox' },
      sandbox: { adminUrl: sandbox.adminUrl, adminTokenEnv: env.admin },
    }),
  );
  return {
    path,
    clearEnv: () => {
      for (const name of Object.values(env)) delete process.env[name];
    },
  };
}
