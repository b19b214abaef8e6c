/** Sign and verify throughput of lib/ (what k6 runs: the table signer for secp256k1 signatures, noble for the rest) beside Node's crypto (OpenSSL). */
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { utf8Encode } from '../lib/bytes';
import { exportPrivateKeyPem, exportPublicKeyPem, generatePrivateKey } from '../lib/keys';
import type { KeyType } from '../lib/keys';
import { signMessageBytes, verifyMessageBytes } from '../lib/signature';
import { opsPerSecond } from './measure';

export interface SigningBenchRow {
  algorithm: KeyType;
  operation: 'sign' | 'verify';
  libOpsPerSec: number;
  nodeOpsPerSec: number;
  ratio: number;
}

const BODY = '{"voucherCode":"3225118500682251","amount":500,"idempotencyKey":"unique-key-123","metadata":"{}"}';

export async function benchSigning(ms = 1_000): Promise<SigningBenchRow[]> {
  const message = utf8Encode(BODY);
  const nodeMessage = Buffer.from(BODY);
  const rows: SigningBenchRow[] = [];
  for (const algorithm of ['secp256k1', 'ed25519'] as const) {
    const key = generatePrivateKey(algorithm);
    const nodePriv = createPrivateKey(exportPrivateKeyPem(key, 'pkcs8'));
    const nodePub = createPublicKey(exportPublicKeyPem(key));
    const digest = algorithm === 'secp256k1' ? 'sha256' : null;
    const dsaEncoding = 'ieee-p1363' as const;
    const signature = signMessageBytes(key, message);
    const row = (operation: 'sign' | 'verify', lib: () => unknown, node: () => unknown): SigningBenchRow => {
      const libOpsPerSec = opsPerSecond(lib, ms);
      const nodeOpsPerSec = opsPerSecond(node, ms);
      return {
        algorithm,
        operation,
        libOpsPerSec: Math.round(libOpsPerSec),
        nodeOpsPerSec: Math.round(nodeOpsPerSec),
        ratio: Number((libOpsPerSec / nodeOpsPerSec).toFixed(2)),
      };
    };
    rows.push(
      row(
        'sign',
        () => signMessageBytes(key, message),
        () => nodeSign(digest, nodeMessage, { key: nodePriv, dsaEncoding }),
      ),
    );
    rows.push(
      row(
        'verify',
        () => verifyMessageBytes(key, message, signature),
        () => nodeVerify(digest, nodeMessage, { key: nodePub, dsaEncoding }, signature),
      ),
    );
  }
  return rows;
}
