/**
 * `openapi`: writes the API description the harness validates every answer against, for
 * generating clients, mocking (Prism) or fuzzing (Schemathesis): the merchant API v1.0, or with
 * --sandbox the sandbox's own partner endpoints (not OmniVAS's).
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { descriptionDocument, descriptionText } from '../contract/openapi-files';
import { HarnessError } from '../lib/errors';
import { fileErrorReason } from '../lib/node/input-file';
import type { CommandIo } from './console-io';
import { EXIT } from './run-command';

export interface OpenapiOptions {
  out?: string;
  format: string;
  sandbox?: boolean;
}

export async function openapiCommand(options: OpenapiOptions, io: CommandIo): Promise<number> {
  if (options.format !== 'yaml' && options.format !== 'json')
    throw new HarnessError('INVALID_ARGUMENT', `--format expected yaml or json, got ${JSON.stringify(options.format)}`);
  const name = options.sandbox === true ? 'sandbox-partner' : 'merchant';
  // YAML as shipped, comments and order kept; JSON from the same document.
  const text =
    options.format === 'yaml' ? descriptionText(name) : `${JSON.stringify(descriptionDocument(name), null, 2)}\n`;
  if (options.out === undefined) {
    // The description's examples ("YOUR_API_KEY", a sample token) would read as secrets: it is printed as written.
    io.document(text.trimEnd());
    return EXIT.ok;
  }
  const path = resolve(options.out);
  try {
    await writeFile(path, text);
  } catch (err) {
    throw new HarnessError('INVALID_ARGUMENT', `cannot write --out ${path}: ${fileErrorReason(err)}`, { cause: err });
  }
  io.err(`wrote ${path}`);
  return EXIT.ok;
}
