/** `verify`: valid, or why not (DER, base64url, body not canonical, another key). Exit 0 only when valid. */
import { readPublicKeyFile } from '../lib/node/key-file';
import { diagnoseSignature } from '../lib/signature';
import { readBodyOption } from './body-input';
import type { CommandIo } from './console-io';
import { EXIT } from './run-command';

export interface VerifyOptions {
  pub: string;
  body?: string;
  bodyFile?: string;
  signature: string;
  signedOver?: string;
  json?: boolean;
}

export async function verifyCommand(options: VerifyOptions, io: CommandIo): Promise<number> {
  const key = await readPublicKeyFile(options.pub, '--pub');
  const body = await readBodyOption(options);
  const diagnosis = diagnoseSignature(key, body, options.signature, options.signedOver);
  const valid = diagnosis.verdict === 'valid';
  if (options.json) io.out(JSON.stringify({ valid, ...diagnosis }));
  else {
    io.out(valid ? `valid: ${key.type} signature over ${diagnosis.canonical}` : `invalid: ${diagnosis.verdict}`);
    for (const reason of diagnosis.reasons) io.out(`  - ${reason}`);
  }
  return valid ? EXIT.ok : EXIT.verdictFailed;
}
