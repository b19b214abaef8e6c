/** `keys generate`: a key pair named as the API document names it, private key mode 0600, in a folder made 0700 if missing. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from '../lib/errors';
import { exportPrivateKeyPem, exportPublicKeyPem, generatePrivateKey } from '../lib/keys';
import type { KeyType } from '../lib/keys';
import { fileErrorReason } from '../lib/node/input-file';
import { writeNewFile } from '../lib/node/key-file';
import type { CommandIo } from './console-io';
import { EXIT } from './run-command';

export const KEY_FILE_NAMES: Record<KeyType, { priv: string; pub: string }> = {
  // The merchant API document's own file names (Authentication › Step 3).
  secp256k1: { priv: 'ec-secp256k1-priv-key.pem', pub: 'ec-secp256k1-pub-key.pem' },
  ed25519: { priv: 'ed25519-priv-key.pem', pub: 'ed25519-pub-key.pem' },
};

export interface GenerateKeysOptions {
  type: string;
  out: string;
  format?: string;
  force?: boolean;
}

export function parseKeyType(value: string, field = '--type'): KeyType {
  if (value === 'secp256k1' || value === 'ed25519') return value;
  throw new HarnessError('INVALID_ARGUMENT', `${field} expected secp256k1 or ed25519, got ${JSON.stringify(value)}`);
}

/** Creates --out (and its parents) when missing; a new folder is 0700, since it will hold a private key. An existing one is left as it is. */
async function makeKeyFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'EEXIST' ? 'it is a file' : fileErrorReason(err);
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--out ${dir} cannot be created: ${reason}; give a folder you can write to`,
      { cause: err },
    );
  }
}

export async function generateKeysCommand(options: GenerateKeysOptions, io: CommandIo): Promise<number> {
  const type = parseKeyType(options.type);
  const format = options.format ?? (type === 'secp256k1' ? 'sec1' : 'pkcs8');
  if (format !== 'sec1' && format !== 'pkcs8')
    throw new HarnessError('INVALID_ARGUMENT', `--format expected sec1 or pkcs8, got ${JSON.stringify(format)}`);
  if (format === 'sec1' && type === 'ed25519')
    throw new HarnessError('INVALID_ARGUMENT', '--format sec1 is for EC keys; an Ed25519 key is written as pkcs8');
  const key = generatePrivateKey(type);
  const names = KEY_FILE_NAMES[type];
  const privPath = join(options.out, names.priv);
  const pubPath = join(options.out, names.pub);
  const publicPem = exportPublicKeyPem(key);
  await makeKeyFolder(options.out);
  await writeNewFile(privPath, exportPrivateKeyPem(key, format), 0o600, options.force === true);
  await writeNewFile(pubPath, publicPem, 0o644, options.force === true);
  io.out(`private key: ${privPath} (mode 0600; keep it secret, sign with it)`);
  io.out(`public key:  ${pubPath} (register it in the portal's Manage APIs › Public Key field)`);
  io.out(publicPem.trimEnd());
  return EXIT.ok;
}
