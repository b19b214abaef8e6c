/**
 * The idempotency storm's second merchant (Node side): keys are scoped to the merchant that sent
 * them (docs/design.md › Idempotency), which only a second merchant can show. It is created through the
 * sandbox admin API with a key pair made here, and the same service fee as the run's merchant, so
 * the checker's conservation sums hold for its redemptions too. Its API key and private key go to
 * k6 in the process environment only, and are registered with the run's redactor.
 */
import { exportPrivateKeyPem, exportPublicKeyPem, generatePrivateKey } from '../../lib/keys';
import type { Micro } from '../../lib/money';
import { registerPrivateKey, type Redactor } from '../../lib/redact';
import type { SandboxAdminClient } from '../../lib/node/sandbox-admin-client';
import { LOAD_ENV } from '../load-env';

export async function provisionSecondMerchant(
  admin: SandboxAdminClient,
  serviceFee: Micro,
  redactor: Redactor,
): Promise<Record<string, string>> {
  const key = generatePrivateKey('secp256k1');
  const pem = exportPrivateKeyPem(key);
  const merchant = await admin.createMerchant({
    publicKeyPem: exportPublicKeyPem(key),
    keyType: 'secp256k1',
    name: 'harness second merchant',
    serviceFee,
  });
  redactor.add(merchant.apiKey, 'api-key');
  registerPrivateKey(redactor, key, pem);
  return { [LOAD_ENV.secondApiKey]: merchant.apiKey, [LOAD_ENV.secondPrivateKey]: pem };
}
