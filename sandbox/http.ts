/**
 * The HTTP plumbing every API shares: reading a body (64 KiB at most), parsing a JSON object,
 * the caller's origin, and writing replies. Error envelopes are written here and nowhere else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActiveDefects } from './defects';
import { refuse, type Refusal } from './refusal';

export const MAX_BODY_BYTES = 64 * 1024;

/** An answer as bytes will carry it; kept whole so an idempotent replay is byte-for-byte. */
export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export function jsonReply(value: unknown, status = 200): Reply {
  return { status, body: JSON.stringify(value) };
}

/** The one place error envelopes are made: `{statusCode, success: false, message, data: null}`. */
export function envelopeReply(refusal: Refusal, defects: ActiveDefects): Reply {
  const body = {
    statusCode: refusal.statusCode,
    success: defects.has('error-success-true'),
    message: refusal.message,
    data: defects.has('error-data-not-null') ? {} : null,
  };
  return {
    status: defects.has('error-http-status-200') ? 200 : refusal.httpStatus,
    body: JSON.stringify(body),
    headers: refusal.headers,
  };
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(reply.body),
  });
  res.end(reply.body);
}

/** Closes the connection after the reply: for bodies the sandbox will not read to the end. */
const closeAfter = { connection: 'close' } as const;

/** The whole body, refusing more than 64 KiB before or while reading it. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(bodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.pause();
        reject(bodyTooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function bodyTooLarge(): Refusal {
  return refuse(413, `Request body exceeds ${MAX_BODY_BYTES} bytes`, closeAfter);
}

/** No documented body nests more than two levels; this leaves room for any honest client. */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of [ and { outside strings, counted without parsing (linear, no recursion). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

const JSON_CONTENT_TYPE = /^application\/json\s*(?:;|$)/i;

/**
 * The body as a JSON object; an empty body is `{}` (POST /test carries none). Anything but JSON
 * with a JSON content type is refused: 415 for the type, 400 for the content.
 */
export function parseJsonObject(req: IncomingMessage, body: Buffer): { value: Record<string, unknown>; text: string } {
  if (body.length === 0) return { value: {}, text: '' };
  const type = req.headers['content-type'];
  if (type === undefined || !JSON_CONTENT_TYPE.test(type))
    throw refuse(
      415,
      `Content-Type must be application/json, got ${type === undefined ? 'none' : JSON.stringify(type.slice(0, 60))}`,
    );
  const text = body.toString('utf8');
  // JSON.parse takes any depth, but JSON.stringify (the signature's canonical form) and every
  // recursive walk after it overflow the stack around 6,000 levels: refuse before parsing.
  if (nestingDepth(text) > MAX_JSON_DEPTH)
    throw refuse(400, `Malformed JSON body: nested deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw refuse(400, `Malformed JSON body: ${err instanceof Error ? err.message.slice(0, 120) : 'unparseable'}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw refuse(400, 'The body must be a JSON object');
  return { value: value as Record<string, unknown>, text };
}

/**
 * Where the caller is. On loopback every caller is 127.0.0.1, so the sandbox stands in for the
 * gateway and takes the first address of X-Forwarded-For when there is one.
 */
export function callerOrigin(req: IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (typeof forwarded === 'string' && forwarded !== '') return forwarded.split(',')[0]!.trim();
  return req.socket.remoteAddress ?? '';
}

/** Allowed origins: an IP address or FQDN whitelist (API reference › Step 2; onboarding › Allowed origin). */
export function checkOrigin(req: IncomingMessage, allowed: ReadonlySet<string>, defects: ActiveDefects): void {
  if (defects.has('origin-not-checked')) return;
  const origin = callerOrigin(req);
  if (!allowed.has(origin))
    throw refuse(403, `Origin ${JSON.stringify(origin.slice(0, 64))} is not an allowed origin for these credentials`);
}
