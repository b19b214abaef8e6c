/**
 * The one place secrets are scrubbed before anything is logged, recorded or reported
 * (CONTRIBUTING.md › Secrets never leak). Runs in k6 too, so it is pure: no Buffer, no process.
 *
 * A redactor knows the secrets registered with it (API key, access tokens, private-key PEM) and
 * also scrubs what looks like a secret whether registered or not: JWT-shaped values, PEM private
 * key blocks, the headers that carry credentials and the JSON fields that do (the login body's
 * `key`). Redaction fails closed: if a registered secret would survive, the whole text is replaced.
 */
import { base64Encode, hexEncode } from './bytes';
import { HarnessError } from './errors';
import type { PrivateKey } from './keys';

/** `[REDACTED]`, or `[REDACTED:api-key]` when the kind of secret is known. Global: use with matchAll or replace, not test. */
export const REDACTION_MARKER = /\[REDACTED(?::([a-z0-9-]+))?\]/g;

export function redactionMarker(label?: string): string {
  return label === undefined ? '[REDACTED]' : `[REDACTED:${label}]`;
}

/**
 * Shorter secrets are replaced only where they are a whole value (a header, a JSON field, the
 * whole text): as substrings they would hit ordinary words and digits everywhere.
 */
export const MIN_SUBSTRING_SECRET_LENGTH = 6;

// Maps, not object literals: a name such as "constructor" or "__lookupSetter__" must not find Object.prototype.

/** Credential headers, always redacted whatever their value (lower-case names). */
const SECRET_HEADERS: ReadonlyMap<string, string> = new Map([
  ['x-api-token', 'access-token'], // merchant API v1.0 › Authentication › Step 4
  ['x-api-key', 'api-key'], // onboarding › Request Authentication
  ['authorization', 'authorization'],
  ['proxy-authorization', 'authorization'],
  ['cookie', 'cookie'],
  ['set-cookie', 'cookie'],
]);

/** JSON fields whose string value is a secret: `key` is the login body's API key (Authentication › Step 4). */
const SECRET_FIELDS: ReadonlyMap<string, string> = new Map([
  ['key', 'api-key'],
  ['apiKey', 'api-key'],
  ['accessToken', 'access-token'],
  ['token', 'access-token'],
  ['privateKey', 'private-key'],
  ['adminToken', 'admin-token'],
  ['password', 'password'],
  ['secret', 'secret'],
]);

/** Sets an own property even for "__proto__", which plain assignment would turn into a prototype change. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const JWT = 'eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*';
const PEM_PRIVATE_BLOCK = '-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----';
const SECRET_FIELD_IN_JSON = new RegExp(
  `"(${[...SECRET_FIELDS.keys()].join('|')})"(\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`,
  'g',
);
/**
 * Secrets known by their shape, registered or not: group 1 is a PEM private key block, group 2 a
 * JWT. Registered secrets go before them, non-capturing.
 */
const SHAPED_SECRETS = new RegExp(`(${PEM_PRIVATE_BLOCK})|(${JWT})`, 'g');
const LABEL = /^[a-z0-9-]+$/;

export type HeaderValue = string | number | readonly string[] | undefined;

export interface Redactor {
  /** Registers a secret; `label` (lower-case, digits, dashes) names its kind in the marker. */
  add(secret: string, label?: string): void;
  redactText(text: string): string;
  /** Credential headers become markers; other values are redacted as text. Arrays are joined with ", ". */
  redactHeaders(headers: Readonly<Record<string, HeaderValue>>): Record<string, string>;
  /**
   * A deep copy of plain objects, arrays and strings with secrets scrubbed from keys and values;
   * other objects (class instances) are returned as they are, so convert them first.
   */
  redactValue<T>(value: T): T;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How a secret may be spelled inside JSON text or a URL besides itself. */
function spellings(secret: string): string[] {
  const out = [secret, JSON.stringify(secret).slice(1, -1)];
  try {
    out.push(encodeURIComponent(secret));
  } catch {
    // a lone surrogate cannot be percent-encoded, so it cannot appear in a URL either
  }
  return out;
}

/** A PEM's base64 body lines, and the body joined, so a reflowed or partly quoted key is caught too. */
function pemParts(secret: string): string[] {
  if (!secret.includes('-----BEGIN ')) return [];
  const lines = secret
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('-----') && !line.includes(':'));
  return [...lines, lines.join('')];
}

export function createRedactor(secrets: Iterable<string> = []): Redactor {
  /** Every registered secret (any length) with its label, for whole-value matches. */
  const whole = new Map<string, string | undefined>();
  /** Long spellings, for substring replacement. */
  const substrings = new Map<string, string | undefined>();

  function add(secret: string, label?: string): void {
    if (typeof secret !== 'string')
      throw new HarnessError('INVALID_ARGUMENT', `"secret" expected a string, got type=${typeof secret}`);
    if (label !== undefined && !LABEL.test(label))
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `"label" expected lower-case letters, digits and dashes, got ${JSON.stringify(label)}`,
      );
    if (secret === '') return;
    whole.set(secret, label);
    for (const spelling of [...spellings(secret), ...pemParts(secret)]) {
      if (spelling.length >= MIN_SUBSTRING_SECRET_LENGTH) substrings.set(spelling, label);
    }
  }

  /**
   * One alternation of the secrets `text` holds, longest first, scanned once from the left: a
   * secret can then only survive where it overlaps a replaced one, which the fail-closed check
   * below catches. Built per text from only the secrets present (usually none), not from all of
   * them: every login registers a token, and an alternation of every token ever seen, rebuilt after
   * each, cost a certify run a third of its CPU time.
   */
  function scanner(text: string): RegExp {
    const present = [...substrings.keys()].filter((s) => text.includes(s));
    if (present.length === 0) return SHAPED_SECRETS;
    const known = present.sort((a, b) => b.length - a.length).map(escapeRegExp);
    return new RegExp([...known.map((s) => `(?:${s})`), SHAPED_SECRETS.source].join('|'), 'g');
  }

  function redactText(text: string): string {
    if (whole.has(text)) return redactionMarker(whole.get(text));
    const fieldsDone = text.replace(
      SECRET_FIELD_IN_JSON,
      (_, field: string, colon: string) => `"${field}"${colon}"${redactionMarker(SECRET_FIELDS.get(field))}"`,
    );
    const out = fieldsDone.replace(
      scanner(fieldsDone),
      (match: string, pem: string | undefined, jwt: string | undefined) => {
        if (pem !== undefined) return redactionMarker('private-key');
        return redactionMarker(jwt === undefined ? substrings.get(match) : 'jwt');
      },
    );
    for (const secret of substrings.keys()) if (out.includes(secret)) return redactionMarker();
    return out;
  }

  function redactHeaders(headers: Readonly<Record<string, HeaderValue>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : value.join(', ');
      const label = SECRET_HEADERS.get(name.toLowerCase());
      setOwn(out, name, label === undefined ? redactText(text) : redactionMarker(label));
    }
    return out;
  }

  function redactValue<T>(value: T): T {
    const copies = new Map<object, unknown>();
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return redactText(v);
      if (typeof v !== 'object' || v === null) return v;
      const done = copies.get(v);
      if (done !== undefined) return done;
      if (Array.isArray(v)) {
        const copy: unknown[] = [];
        copies.set(v, copy);
        for (const item of v) copy.push(walk(item));
        return copy;
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return v;
      const copy: Record<string, unknown> = {};
      copies.set(v, copy);
      for (const [key, item] of Object.entries(v)) {
        const label = SECRET_FIELDS.get(key);
        setOwn(
          copy,
          redactText(key),
          label !== undefined && (typeof item === 'string' || item instanceof Uint8Array)
            ? redactionMarker(label)
            : walk(item),
        );
      }
      return copy;
    };
    return walk(value) as T;
  }

  for (const secret of secrets) add(secret);
  return { add, redactText, redactHeaders, redactValue };
}

/**
 * Registers a private key's PEM (when known) and its raw bytes as base64 and hex, the forms a
 * debugging print would show them in.
 */
export function registerPrivateKey(redactor: Redactor, key: PrivateKey, pem?: string): void {
  if (pem !== undefined) redactor.add(pem, 'private-key');
  redactor.add(base64Encode(key.privateKey), 'private-key');
  redactor.add(hexEncode(key.privateKey), 'private-key');
}
