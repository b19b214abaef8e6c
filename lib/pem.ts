/**
 * PEM armour for key files (RFC 7468, with RFC 1421 headers as legacy OpenSSL writes them).
 * Tolerant of what real files carry (CRLF, indentation, text around the blocks, the EC PARAMETERS
 * block `openssl ecparam -genkey` writes before the key); refuses encrypted keys with the fix.
 */
import { base64Decode, base64Encode, base64Flavour } from './bytes';
import { describeValue, HarnessError } from './errors';

export interface PemBlock {
  readonly label: string;
  /** RFC 1421 headers such as `Proc-Type`; empty for RFC 7468 PEM. */
  readonly headers: Readonly<Record<string, string>>;
  readonly der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const DECRYPT_HINT = 'decrypt it first: openssl pkey -in KEY -out plain.pem';

export function keyGarbage(field: string, reason: string): HarnessError {
  return new HarnessError('KEY_GARBAGE', `"${field}" is not a usable key: ${reason}`);
}

/** Every PEM block in `text`, in order. Throws KEY_GARBAGE if there is none or one is damaged. */
export function parsePem(text: string, field = 'key'): PemBlock[] {
  if (typeof text !== 'string')
    throw new HarnessError('INVALID_ARGUMENT', `"${field}" expected PEM text, got ${describeValue(text)}`);
  const blocks = [...text.matchAll(BLOCK)].map(([, label, body, endLabel]) => {
    if (label !== endLabel)
      throw keyGarbage(field, `a BEGIN ${label} line is closed by END ${endLabel} (two files pasted together?)`);
    return parseBlock(label!, body!, field);
  });
  if (blocks.length === 0) {
    throw keyGarbage(
      field,
      text.includes('-----BEGIN ')
        ? 'a BEGIN line has no matching END line (truncated?)'
        : 'expected PEM text starting with a "-----BEGIN ...-----" line',
    );
  }
  if (text.split('-----BEGIN ').length - 1 !== blocks.length)
    throw keyGarbage(field, 'a BEGIN line has no matching END line (truncated?)');
  return blocks;
}

function parseBlock(label: string, body: string, field: string): PemBlock {
  const lines = body
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const headers: Record<string, string> = {};
  // RFC 1421 §4.6: "Name: value" lines precede the base64; base64 never contains a colon.
  while (lines[0]?.includes(':')) {
    const line = lines.shift()!;
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  if (label === 'ENCRYPTED PRIVATE KEY' || /ENCRYPTED/.test(headers['Proc-Type'] ?? '')) {
    throw new HarnessError('KEY_ENCRYPTED', `"${field}" is encrypted with a passphrase; ${DECRYPT_HINT}`);
  }
  const base64 = lines.join('');
  if (base64 === '' || base64Flavour(base64) !== 'base64') {
    const hint = base64.includes('\\n') ? ' (it holds literal \\n sequences: write real line breaks)' : '';
    throw keyGarbage(field, `the body of its ${label} block is not base64${hint}`);
  }
  return { label, headers, der: base64Decode(base64, field) };
}

/** PEM with 64-column lines and a final newline, as OpenSSL and Node write it. */
export function encodePem(label: string, der: Uint8Array): string {
  const base64 = base64Encode(der);
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
