/** `sign`: the canonical payload the server verifies, and the x-signature header value for it. */
import { describeFinding, diagnoseBody } from '../lib/canonical-json';
import { readPrivateKeyFile } from '../lib/node/key-file';
import { signBody } from '../lib/signature';
import { readBodyOption } from './body-input';
import type { CommandIo } from './console-io';
import { EXIT } from './run-command';

export interface SignOptions {
  key: string;
  body?: string;
  bodyFile?: string;
  json?: boolean;
}

export async function signCommand(options: SignOptions, io: CommandIo): Promise<number> {
  const key = await readPrivateKeyFile(options.key, '--key');
  const body = await readBodyOption(options);
  const { canonical, signature } = signBody(key, body);
  const notes = diagnoseBody(body).findings.map(describeFinding);
  if (options.json) {
    // The payload is the user's own body, to be sent byte for byte (a login's "key" included).
    io.document(JSON.stringify({ keyType: key.type, payload: canonical, signature, notes }));
    return EXIT.ok;
  }
  for (const note of notes) io.err(`note: ${note}`);
  if (notes.length > 0) io.err('note: the signature is over the payload below; send exactly these bytes as the body');
  io.document(`payload: ${canonical}`);
  io.out(`x-signature: ${signature}`);
  return EXIT.ok;
}
