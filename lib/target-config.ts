/**
 * The one target file format (docs/target-config.md) and its validation. A target file says where
 * the API is, which authentication profile it speaks (docs/design.md › Two authentication profiles),
 * where the secrets are (never the secrets themselves: environment variable names and a key file
 * path), how to get OTPs, which vouchers the tester holds, and where the target departs from the
 * behaviour docs/design.md assumes. Pure, so k6 scenarios can read a parsed target too; lib/node/target-file.ts
 * reads the file and resolves the secrets.
 */
import { ENDPOINTS, MERCHANT_BASE_PATH } from './endpoint-catalog';
import type { EndpointId } from './endpoint-catalog';
import { describeValue, HarnessError, isHarnessError } from './errors';
import type { KeyType } from './keys';
import { DEFAULT_SIGNING_TEMPLATE, validateSigningTemplate } from './signing-template';
import { formatMoney, moneyFromJson } from './money';
import type { Micro } from './money';

export type TargetProfile = 'merchant-v1' | 'partner';
export type InitiatePath = 'initiate-claim' | 'initiate-redeem';

export interface TargetAuth {
  /** Name of the environment variable holding the API key (login `key`, or the partner's X-API-Key). */
  readonly apiKeyEnv: string;
  /** Path of the PEM private key file, relative to the target file. Exactly one of this and `privateKeyEnv`. */
  readonly privateKeyFile?: string;
  /** Name of the environment variable holding the PEM private key. */
  readonly privateKeyEnv?: string;
  /** The key's type: secp256k1 (merchant API reference) or ed25519 (portal-generated; always for partner). */
  readonly keyType: KeyType;
}

/** Where the harness gets the OTP the voucher owner receives by SMS after initiate-claim. */
export type OtpSource =
  /** The embedded or a remote sandbox: read from its admin SMS outbox (needs `sandbox.adminUrl`). */
  | { readonly source: 'sandbox-outbox' }
  /** A test voucher whose OTP is always the same six digits. */
  | { readonly source: 'fixed'; readonly code: string }
  /** GET this URL after initiating; the body (text, or JSON `{ "otp": "123456" }`) is the OTP. */
  | { readonly source: 'http'; readonly url: string }
  /** Run this command (argv, no shell) after initiating; its standard output is the OTP. */
  | { readonly source: 'command'; readonly command: readonly string[] }
  /** No OTP can be had: checks that need a redemption report "not run". */
  | { readonly source: 'none' };

/**
 * What a fixture voucher is for: `ordinary` vouchers are spent by the checks; the others stand for
 * states no outside request can make (an expired voucher, one restricted to another merchant, one
 * already spent to zero, one funded by a disabled partner company) and are only ever refused.
 */
export const VOUCHER_KINDS = ['ordinary', 'expired', 'restricted', 'redeemed', 'disabled-partner'] as const;
export type VoucherKind = (typeof VOUCHER_KINDS)[number];

export interface VoucherFixture {
  /** A voucher code the tester holds on this target. */
  readonly code: string;
  /** The phone number of the voucher owner, sent as redeem-gift `msisdn`. */
  readonly msisdn?: string;
  /** Default `ordinary`. */
  readonly kind?: VoucherKind;
}

/** Credentials of another merchant or partner on the same target: where its secrets are, never the secrets. */
export interface CredentialsFixture {
  readonly apiKeyEnv: string;
  readonly privateKeyFile?: string;
  readonly privateKeyEnv?: string;
  readonly keyType: KeyType;
}

export interface PartnerFixture extends CredentialsFixture {
  /** The partner API's base URL on this target. */
  readonly baseUrl: string;
  readonly signingTemplate: string;
}

export interface Fixtures {
  readonly vouchers: readonly VoucherFixture[];
  /** A second merchant: per-merchant idempotency scope, a voucher restricted to someone else. */
  readonly secondMerchant?: CredentialsFixture;
  /** Partner credentials beside a merchant target's own: the replay-window checks. */
  readonly partner?: PartnerFixture;
}

export type AmountFormat = 'decimal-6' | 'decimal' | 'number';

/** A p95 budget in milliseconds: one for every endpoint, or per endpoint (endpoints not named have none). */
export type LatencyBudget = number | Readonly<Partial<Record<EndpointId, number>>>;

/** What the suites expect where the API documents are silent or the target may differ. */
export interface Expectations {
  readonly idempotencyConflictStatus: number;
  readonly inFlightStatus: number | 'wait';
  readonly missingIdempotencyKeyStatus: number;
  readonly invalidTokenStatus: number;
  readonly invalidSignatureStatus: number;
  readonly validationErrorStatus: number;
  readonly replayWindowSeconds: number;
  readonly tokenLifetimeSeconds: number;
  readonly otpLifetimeSeconds: number;
  readonly amountFormat: AmountFormat;
  /** undefined: no budget; the harness then reports a p95 above 1 s as a finding. */
  readonly latencyP95Ms: LatencyBudget | undefined;
}

export interface SandboxAdmin {
  /** Base URL of the sandbox's admin interface (fault injection, SMS outbox, state). */
  readonly adminUrl?: string;
  /** Name of the environment variable holding the admin token, when the admin interface wants one. */
  readonly adminTokenEnv?: string;
}

/** A voucher a remote load run spends: listed by the tester, never provisioned by the harness. */
export interface LoadVoucher {
  readonly code: string;
  /** Its balance as the API's 6-place decimal ("20.000000"). */
  readonly amount: string;
}

/**
 * The target's consent to load runs and their limits. A load run against a target that is not
 * this machine is refused unless `allowed`; every load run stays within the limits.
 */
export interface LoadConsent {
  readonly allowed: boolean;
  /** Flows started per second, at most. */
  readonly maxArrivalRate: number;
  readonly maxVus: number;
  /** The longest run, in seconds. */
  readonly maxDurationSeconds: number;
  /** Without sandbox powers, the vouchers the run spends (at most their whole balance). */
  readonly vouchers: readonly LoadVoucher[];
}

interface TargetConfigBase {
  /** A name for reports. */
  readonly name: string;
  /** http(s) URL without a trailing slash; for merchant-v1 it includes /api/v1/merchant/client. */
  readonly baseUrl: string;
  readonly auth: TargetAuth;
  /** The endpoint that starts a claim: the reference says initiate-claim, the end-to-end example initiate-redeem. */
  readonly initiatePath: InitiatePath;
  readonly otp: OtpSource;
  readonly fixtures: Fixtures;
  readonly expectations: Expectations;
  /** The target honours the test-hook header (docs/test-hooks.md) on this environment. */
  readonly testHooks: boolean;
  /** Set when the target is a sandbox with admin powers. */
  readonly sandbox: SandboxAdmin | undefined;
  /** Consent to load runs and their limits (docs/target-config.md › load). */
  readonly load: LoadConsent | undefined;
}

export interface MerchantTargetConfig extends TargetConfigBase {
  readonly profile: 'merchant-v1';
}

export interface PartnerTargetConfig extends TargetConfigBase {
  readonly profile: 'partner';
  /** The partner string-to-sign (lib/signing-template.ts); the onboarding document does not say it. */
  readonly signingTemplate: string;
}

export type TargetConfig = MerchantTargetConfig | PartnerTargetConfig;

export interface ExpectationSpec<V> {
  readonly default: V;
  /** Whether the default comes from the API documents or is the sandbox's choice where they are silent. */
  readonly basis: 'document' | 'assumption';
  readonly source: string;
  readonly read: (value: unknown, path: string) => V;
}

/** Environment variable names the embedded sandbox target reads its credentials from. */
export const SANDBOX_SECRET_ENV = {
  apiKey: 'OMNIVAS_SANDBOX_API_KEY',
  privateKey: 'OMNIVAS_SANDBOX_PRIVATE_KEY',
} as const;

// ---- the error every check throws -------------------------------------------------------------

function invalid(path: string, message: string): HarnessError {
  return new HarnessError('CONFIG_INVALID', `"${path}" ${message}`);
}

// ---- readers: each returns the checked value or throws naming the field ---------------------

type Json = Readonly<Record<string, unknown>>;

/** The value for an error message: short strings echoed, anything else by its type. Not for secret fields. */
function got(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return 'an object';
  if (typeof value === 'string' && inlineSecretKind(value) !== undefined) return 'a string that looks like a secret';
  return describeValue(value);
}

/** The type only, for fields that may hold a secret by mistake. */
const typeName = (value: unknown): string =>
  value === undefined
    ? 'nothing (the field is missing)'
    : value === null
      ? 'null'
      : Array.isArray(value)
        ? 'an array'
        : typeof value === 'object'
          ? 'an object'
          : `a ${typeof value}`;

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(path, `expected a JSON object, got ${typeName(value)}`);
  return value as Json;
}

function string(value: unknown, path: string, what = 'a non-empty string'): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw invalid(path, `expected ${what}, got ${typeof value === 'string' ? 'an empty string' : typeName(value)}`);
  return value;
}

function oneOf<const V extends string>(value: unknown, path: string, choices: readonly V[]): V {
  if ((choices as readonly unknown[]).includes(value)) return value as V;
  const hint = typeof value === 'string' ? closest(value, choices) : undefined;
  throw invalid(
    path,
    `expected one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, got ${got(value)}${hint ? `; did you mean "${hint}"?` : ''}`,
  );
}

function httpStatus(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599) return value;
  throw invalid(path, `expected an HTTP status code (an integer from 100 to 599), got ${got(value)}`);
}

function seconds(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 86_400) return value;
  throw invalid(path, `expected a whole number of seconds from 1 to 86400, got ${got(value)}`);
}

function milliseconds(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 600_000) return value;
  throw invalid(path, `expected a whole number of milliseconds from 1 to 600000, got ${got(value)}`);
}

/** One budget for every endpoint, or one per endpoint id of the merchant API (lib/endpoint-catalog.ts). */
function latencyBudget(value: unknown, path: string): LatencyBudget {
  if (typeof value === 'number') return milliseconds(value, path);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(path, `expected milliseconds, or an object of milliseconds by endpoint, got ${got(value)}`);
  const budgets = value as Json;
  onlyKnownFields(budgets, path, Object.keys(ENDPOINTS));
  return Object.fromEntries(Object.entries(budgets).map(([id, ms]) => [id, milliseconds(ms, `${path}.${id}`)]));
}

/** Field names (lower-cased) that can only mean a secret written where its variable's name belongs. */
const INLINE_SECRET_FIELDS = [
  'apikey',
  'api_key',
  'key',
  'privatekey',
  'private_key',
  'privatekeypem',
  'token',
  'accesstoken',
  'secret',
  'password',
  'admintoken',
];

/** Refuses fields not in `allowed`, with a did-you-mean, and a pointed message for inline secrets. */
function onlyKnownFields(obj: Json, prefix: string, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (INLINE_SECRET_FIELDS.includes(key.toLowerCase())) {
      throw invalid(
        path,
        `would hold a secret inline; secrets are never written in the target file: put it in an environment variable and name the variable (auth.apiKeyEnv, auth.privateKeyEnv) or give a key file (auth.privateKeyFile)`,
      );
    }
    const hint = closest(key, allowed);
    throw invalid(
      path,
      `is not a known field${hint ? `; did you mean "${hint}"?` : ''} (allowed here: ${allowed.join(', ')})`,
    );
  }
}

/** The allowed name nearest to `name` (case-insensitive: edit distance at most 2, or a prefix of it), if any. */
function closest(name: string, allowed: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  const lower = name.toLowerCase();
  for (const candidate of allowed) {
    const distance =
      lower.length >= 3 && candidate.toLowerCase().startsWith(lower) ? 1 : editDistance(lower, candidate.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = row;
  }
  return previous[b.length]!;
}

// ---- secrets written inline ---------------------------------------------------------------------

/** What kind of secret `text` looks like, if any: PEM, JWT, or a long key-like base64/hex run. */
function inlineSecretKind(text: string): string | undefined {
  if (text.includes('-----BEGIN ')) return 'a PEM block';
  if (/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./.test(text)) return 'a JWT';
  // Runs of base64 characters; paths and URLs are split at . : and the like, and rarely mix cases and digits this long.
  for (const run of text.match(/[A-Za-z0-9+/=_-]{32,}/g) ?? []) {
    if (/[a-z]/.test(run) && /[A-Z]/.test(run) && /[0-9]/.test(run)) return 'a long base64 string';
  }
  for (const run of text.match(/[0-9a-fA-F]{40,}/g) ?? []) {
    if (/[a-fA-F]/.test(run) && /[0-9]/.test(run)) return 'a long hex string';
  }
  return undefined;
}

/** Every string in the file, with its path, so that no field can carry a secret unnoticed. */
function refuseInlineSecrets(value: unknown, path: string): void {
  if (typeof value === 'string') {
    const kind = inlineSecretKind(value);
    if (kind !== undefined)
      throw invalid(
        path,
        `holds what looks like a secret (${kind}); secrets are never written in the target file: put it in an environment variable and name the variable (auth.apiKeyEnv, auth.privateKeyEnv, sandbox.adminTokenEnv)`,
      );
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => refuseInlineSecrets(item, `${path}[${i}]`));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) refuseInlineSecrets(item, path === '' ? key : `${path}.${key}`);
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** An environment variable name; a value that is a secret is refused without being echoed. */
function envName(value: unknown, path: string, holds: string): string {
  const what = `the NAME of an environment variable holding ${holds} (secrets are never written inline)`;
  if (typeof value !== 'string' || value === '')
    throw invalid(path, `expected ${what}, got ${typeof value === 'string' ? 'an empty string' : typeName(value)}`);
  const kind = inlineSecretKind(value);
  // Conventional names are upper case; a long mixed-case run with digits is a key pasted in.
  const looksLikeKey = kind !== undefined || (value.length >= 20 && /[a-z]/.test(value) && /[0-9]/.test(value));
  if (looksLikeKey)
    throw invalid(
      path,
      `expected ${what}, got a string that looks like a key; put the key in a variable (export OMNIVAS_API_KEY=…) and write its name here`,
    );
  if (!ENV_NAME.test(value))
    throw invalid(
      path,
      `expected ${what}: letters, digits and _ only, not starting with a digit, such as "OMNIVAS_API_KEY"`,
    );
  return value;
}

// ---- URLs, parsed by hand: k6's VM has no URL class -----------------------------------------

interface HttpUrl {
  readonly scheme: 'http' | 'https';
  readonly userinfo: boolean;
  /** Lower-cased; IPv6 without brackets. */
  readonly host: string;
  readonly path: string;
  readonly query: string;
  readonly fragment: string;
}

const HTTP_URL =
  /^(https?):\/\/(?:([^@/?#\s]*)@)?(\[[0-9A-Fa-f:.]+\]|[^\s/?#:[\]@]+)(?::(\d{1,5}))?(\/[^?#\s]*)?(\?[^#\s]*)?(#\S*)?$/i;

function parseHttpUrl(text: string): HttpUrl | undefined {
  const m = HTTP_URL.exec(text);
  if (!m) return undefined;
  if (m[4] !== undefined && (Number(m[4]) < 1 || Number(m[4]) > 65_535)) return undefined;
  const host = m[3]!.toLowerCase();
  return {
    scheme: m[1]!.toLowerCase() as 'http' | 'https',
    userinfo: m[2] !== undefined,
    host: host.startsWith('[') ? host.slice(1, -1) : host,
    path: m[5] ?? '',
    query: m[6] ?? '',
    fragment: m[7] ?? '',
  };
}

/**
 * An IPv4 address in any spelling the WHATWG URL parser (and so undici) accepts: one to four
 * parts, each decimal, 0x-hex or 0-led octal, the last filling the remaining bytes ("127.1",
 * "0x7f.1", "2130706433"). Undefined when `host` is not one.
 */
function ipv4Number(host: string): number | undefined {
  const parts = host.split('.');
  if (parts.at(-1) === '') parts.pop(); // a trailing dot is allowed
  if (parts.length === 0 || parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const m = /^(?:0[xX]([0-9a-fA-F]*)|(0[0-7]+)|(0|[1-9]\d*))$/.exec(part);
    if (!m) return undefined;
    const n =
      m[1] !== undefined
        ? m[1] === ''
          ? 0
          : parseInt(m[1], 16)
        : m[2] !== undefined
          ? parseInt(m[2], 8)
          : Number(m[3]);
    if (!Number.isSafeInteger(n)) return undefined;
    numbers.push(n);
  }
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return undefined;
  return numbers.reduce((sum, n, i) => sum + n * 256 ** (3 - i), 0) + last;
}

/** The eight 16-bit groups of an IPv6 address ("::" expanded, a dotted IPv4 tail included), or undefined. */
function ipv6Groups(host: string): number[] | undefined {
  let text = host;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = dotted[2]!.split('.').map(Number);
    if (v4.some((n) => n > 255)) return undefined;
    tail.push(v4[0]! * 256 + v4[1]!, v4[2]! * 256 + v4[3]!);
    text = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined) => (half === undefined || half === '' ? [] : half.split(':'));
  const [head, rest] = [groups(halves[0]), groups(halves[1])];
  if (![...head, ...rest].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  return [
    ...head.map((g) => parseInt(g, 16)),
    ...Array<number>(8 - known).fill(0),
    ...rest.map((g) => parseInt(g, 16)),
    ...tail,
  ];
}

/** This machine: localhost, 127.0.0.0/8 in any IPv4 spelling, ::1, and IPv4-mapped 127/8 (::ffff:127.x.y.z). */
function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost') return true;
  const v4 = ipv4Number(name);
  if (v4 !== undefined) return Math.floor(v4 / 2 ** 24) === 127;
  const v6 = ipv6Groups(name);
  if (v6 === undefined) return false;
  if (v6.slice(0, 7).every((g) => g === 0)) return v6[7] === 1;
  return v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff && v6[6]! >> 8 === 127;
}

/**
 * True when `url` is an http(s) URL whose host is this machine (localhost, 127.0.0.0/8, ::1).
 * Load and stress runs call it: they target loopback only (CONTRIBUTING.md › Only this machine).
 */
export function isLoopbackUrl(url: string): boolean {
  const parsed = typeof url === 'string' ? parseHttpUrl(url) : undefined;
  return parsed !== undefined && isLoopbackHost(parsed.host);
}

function httpUrl(value: unknown, path: string, options: { query: boolean }): string {
  const text = string(value, path, 'an http:// or https:// URL');
  const url = parseHttpUrl(text);
  if (url === undefined)
    throw invalid(
      path,
      `expected an http:// or https:// URL such as "https://tapi.telesend.et${MERCHANT_BASE_PATH}", got ${got(text)}`,
    );
  if (url.userinfo)
    throw invalid(
      path,
      'must not carry a user name or password; credentials come from environment variables (auth.apiKeyEnv)',
    );
  if (url.fragment !== '') throw invalid(path, 'must not have a #fragment');
  if (!options.query && url.query !== '')
    throw invalid(path, 'must not have a ?query; give the base URL the endpoint paths are appended to');
  // The API key and tokens would cross the network in clear text (merchant API v1.0 › Security Best Practices).
  if (url.scheme === 'http' && !isLoopbackHost(url.host))
    throw invalid(
      path,
      `uses http:// to ${url.host}, which is not this machine: credentials would travel unencrypted; use https://`,
    );
  return text;
}

// ---- sections -----------------------------------------------------------------------------------

const TOP_LEVEL = [
  'name',
  'baseUrl',
  'profile',
  'auth',
  'signingTemplate',
  'initiatePath',
  'otp',
  'fixtures',
  'expectations',
  'testHooks',
  'sandbox',
  'load',
] as const;
const PROFILES = ['merchant-v1', 'partner'] as const;
const KEY_TYPES = ['secp256k1', 'ed25519'] as const;
const INITIATE_PATHS = ['initiate-claim', 'initiate-redeem'] as const;

function readBaseUrl(value: unknown, profile: TargetProfile): string {
  const text = httpUrl(value, 'baseUrl', { query: false }).replace(/\/+$/, '');
  const { path } = parseHttpUrl(text)!;
  if (profile === 'merchant-v1' && path === '') {
    throw invalid(
      'baseUrl',
      `has no path; the merchant API's base URL includes ${MERCHANT_BASE_PATH} (merchant API v1.0 › Base URLs): write "${text}${MERCHANT_BASE_PATH}"`,
    );
  }
  return text;
}

function readAuth(value: unknown, profile: TargetProfile, at = 'auth', extra: readonly string[] = []): TargetAuth {
  const auth = object(value, at);
  onlyKnownFields(auth, at, ['apiKeyEnv', 'privateKeyFile', 'privateKeyEnv', 'keyType', ...extra]);
  const apiKeyEnv = envName(auth.apiKeyEnv, `${at}.apiKeyEnv`, 'the API key');
  // The merchant API reference generates secp256k1 keys; partner keys are Ed25519 (onboarding › API Access Setup).
  const keyType =
    auth.keyType === undefined
      ? profile === 'partner'
        ? 'ed25519'
        : 'secp256k1'
      : oneOf(auth.keyType, `${at}.keyType`, KEY_TYPES);
  if (profile === 'partner' && keyType !== 'ed25519')
    throw invalid(
      `${at}.keyType`,
      'must be "ed25519" for the partner profile: X-Signature is an Ed25519 signature (onboarding › Request Authentication)',
    );
  const hasFile = auth.privateKeyFile !== undefined;
  if (hasFile === (auth.privateKeyEnv !== undefined)) {
    throw invalid(
      at,
      `expected exactly one of "privateKeyFile" (path of the PEM key file) and "privateKeyEnv" (name of a variable holding the PEM), got ${hasFile ? 'both' : 'neither'}`,
    );
  }
  if (!hasFile)
    return {
      apiKeyEnv,
      privateKeyEnv: envName(auth.privateKeyEnv, `${at}.privateKeyEnv`, 'the PEM private key'),
      keyType,
    };
  const file = string(auth.privateKeyFile, `${at}.privateKeyFile`, 'the path of a PEM private key file');
  if (inlineSecretKind(file) !== undefined) {
    throw invalid(
      `${at}.privateKeyFile`,
      'expected the PATH of a PEM key file, got what looks like the key itself (secrets are never written inline): save the key to a file, chmod 600 it, and give its path',
    );
  }
  return { apiKeyEnv, privateKeyFile: file, keyType };
}

function readSigningTemplate(value: unknown, profile: TargetProfile): string | undefined {
  if (profile !== 'partner') {
    if (value !== undefined)
      throw invalid(
        'signingTemplate',
        'applies to the partner profile only; the merchant-v1 profile signs the JSON body (merchant API v1.0 › Authentication › Step 3): remove it',
      );
    return undefined;
  }
  if (value === undefined) return DEFAULT_SIGNING_TEMPLATE;
  try {
    return validateSigningTemplate(value as string, 'signingTemplate');
  } catch (err) {
    if (isHarnessError(err)) throw new HarnessError('CONFIG_INVALID', err.message, { cause: err });
    throw err;
  }
}

const OTP_SOURCES = ['sandbox-outbox', 'fixed', 'http', 'command', 'none'] as const;

function readOtp(value: unknown, sandbox: SandboxAdmin | undefined): OtpSource {
  if (value === undefined) return sandbox?.adminUrl !== undefined ? { source: 'sandbox-outbox' } : { source: 'none' };
  const otp = object(value, 'otp');
  const source = oneOf(otp.source, 'otp.source', OTP_SOURCES);
  switch (source) {
    case 'sandbox-outbox':
      onlyKnownFields(otp, 'otp', ['source']);
      if (sandbox?.adminUrl === undefined)
        throw invalid('otp.source', '"sandbox-outbox" reads the sandbox\'s SMS outbox: set "sandbox.adminUrl" too');
      return { source };
    case 'fixed': {
      onlyKnownFields(otp, 'otp', ['source', 'code']);
      const code = otp.code;
      if (typeof code !== 'string' || !/^\d{6}$/.test(code))
        throw invalid('otp.code', `expected the six-digit OTP as a string such as "735191", got ${got(code)}`);
      return { source, code };
    }
    case 'http':
      onlyKnownFields(otp, 'otp', ['source', 'url']);
      return { source, url: httpUrl(otp.url, 'otp.url', { query: true }) };
    case 'command': {
      onlyKnownFields(otp, 'otp', ['source', 'command']);
      const command: unknown = otp.command;
      if (!Array.isArray(command) || command.length === 0)
        throw invalid(
          'otp.command',
          `expected the program and its arguments as an array of strings such as ["./get-otp.sh", "--voucher"], got ${typeName(command)}`,
        );
      command.forEach((arg: unknown, i) => {
        if (typeof arg !== 'string') throw invalid(`otp.command[${i}]`, `expected a string, got ${typeName(arg)}`);
      });
      return {
        source,
        command: [string(command[0], 'otp.command[0]', 'the program to run'), ...(command.slice(1) as string[])],
      };
    }
    case 'none':
      onlyKnownFields(otp, 'otp', ['source']);
      return { source };
  }
}

function readVoucherFixtures(value: unknown): VoucherFixture[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw invalid('fixtures.vouchers', `expected an array of { "code": "…", "msisdn": "…" }, got ${typeName(value)}`);
  return value.map((item, i) => {
    const path = `fixtures.vouchers[${i}]`;
    const voucher = object(item, path);
    onlyKnownFields(voucher, path, ['code', 'msisdn', 'kind']);
    const code = string(
      voucher.code,
      `${path}.code`,
      'the voucher code as a string (codes such as "3225118500682251" exceed what a JSON number holds exactly)',
    );
    const kind = voucher.kind === undefined ? undefined : oneOf(voucher.kind, `${path}.kind`, VOUCHER_KINDS);
    const msisdn = voucher.msisdn;
    if (msisdn !== undefined && (typeof msisdn !== 'string' || !/^\+?\d{6,15}$/.test(msisdn)))
      throw invalid(
        `${path}.msisdn`,
        `expected a phone number of 6 to 15 digits, optionally starting with +, got ${got(msisdn)}`,
      );
    return {
      code,
      ...(msisdn === undefined ? {} : { msisdn: msisdn as string }),
      ...(kind === undefined || kind === 'ordinary' ? {} : { kind }),
    };
  });
}

function readPartnerFixture(value: unknown): PartnerFixture {
  const at = 'fixtures.partner';
  const auth = readAuth(value, 'partner', at, ['baseUrl', 'signingTemplate']);
  const raw = value as Json;
  const baseUrl = httpUrl(raw.baseUrl, `${at}.baseUrl`, { query: false }).replace(/\/+$/, '');
  let signingTemplate = DEFAULT_SIGNING_TEMPLATE;
  if (raw.signingTemplate !== undefined) {
    try {
      signingTemplate = validateSigningTemplate(raw.signingTemplate as string, `${at}.signingTemplate`);
    } catch (err) {
      if (isHarnessError(err)) throw new HarnessError('CONFIG_INVALID', err.message, { cause: err });
      throw err;
    }
  }
  return { ...auth, baseUrl, signingTemplate };
}

function readFixtures(value: unknown, profile: TargetProfile): Fixtures {
  if (value === undefined) return { vouchers: [] };
  const fixtures = object(value, 'fixtures');
  onlyKnownFields(fixtures, 'fixtures', ['vouchers', 'secondMerchant', 'partner']);
  if (fixtures.partner !== undefined && profile === 'partner')
    throw invalid(
      'fixtures.partner',
      'is for a merchant-v1 target; a partner target\'s own credentials ("auth") already serve the partner checks: remove it',
    );
  return {
    vouchers: readVoucherFixtures(fixtures.vouchers),
    ...(fixtures.secondMerchant === undefined
      ? {}
      : { secondMerchant: readAuth(fixtures.secondMerchant, profile, 'fixtures.secondMerchant') }),
    ...(fixtures.partner === undefined ? {} : { partner: readPartnerFixture(fixtures.partner) }),
  };
}

/**
 * The expectations, their defaults and where each default comes from. Reports say which checks
 * rest on an assumption (docs/design.md › Behaviour where the API documents are silent).
 */
export const EXPECTATIONS: { readonly [K in keyof Expectations]: ExpectationSpec<Expectations[K]> } = {
  idempotencyConflictStatus: {
    default: 422,
    basis: 'assumption',
    source: 'docs/design.md › Idempotency: same key, different body',
    read: httpStatus,
  },
  inFlightStatus: {
    default: 409,
    basis: 'assumption',
    source: 'docs/design.md › Idempotency: a key whose first request is still in flight',
    read: (value, path) =>
      value === 'wait' ? 'wait' : typeof value === 'number' ? httpStatus(value, path) : oneOf(value, path, ['wait']),
  },
  missingIdempotencyKeyStatus: {
    default: 400,
    basis: 'assumption',
    source: 'docs/design.md › Idempotency: a request without a key',
    read: httpStatus,
  },
  invalidTokenStatus: {
    default: 401,
    basis: 'assumption',
    source: 'docs/design.md › Authentication failures: missing, malformed or expired token',
    read: httpStatus,
  },
  invalidSignatureStatus: {
    default: 403,
    basis: 'assumption',
    source: 'docs/design.md › Authentication failures: missing or invalid signature',
    read: httpStatus,
  },
  validationErrorStatus: {
    default: 400,
    basis: 'assumption',
    source: 'docs/design.md › Authentication failures: validation errors',
    read: httpStatus,
  },
  replayWindowSeconds: {
    default: 300,
    basis: 'document',
    source: 'onboarding › Request Authentication: X-Timestamp, <= 5 minutes clock skew',
    read: seconds,
  },
  tokenLifetimeSeconds: {
    default: 300,
    basis: 'document',
    source: 'merchant API v1.0 › Authentication › Step 4: tokens valid 300 seconds',
    read: seconds,
  },
  otpLifetimeSeconds: {
    default: 300,
    basis: 'assumption',
    source: 'docs/design.md › Balance reservation: OTP valid 300 s',
    read: seconds,
  },
  amountFormat: {
    default: 'decimal-6',
    basis: 'document',
    source: 'merchant API v1.0 › 2. Get Voucher Detail: "amount": "50.000000"',
    read: (value, path) => oneOf(value, path, ['decimal-6', 'decimal', 'number'] as const),
  },
  latencyP95Ms: {
    default: undefined,
    basis: 'assumption',
    source: 'the harness: without a budget, a p95 above 1000 ms is reported as a finding',
    read: latencyBudget,
  },
};

function readExpectations(value: unknown): Expectations {
  const given = value === undefined ? {} : object(value, 'expectations');
  const names = Object.keys(EXPECTATIONS) as (keyof Expectations)[];
  onlyKnownFields(given, 'expectations', names);
  const read = <K extends keyof Expectations>(name: K): Expectations[K] =>
    given[name] === undefined
      ? EXPECTATIONS[name].default
      : EXPECTATIONS[name].read(given[name], `expectations.${name}`);
  return Object.fromEntries(names.map((name) => [name, read(name)])) as unknown as Expectations;
}

function readTestHooks(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw invalid(
      'testHooks',
      `expected true (the target honours the x-omnivas-test-fault header, docs/test-hooks.md) or false, got ${got(value)}`,
    );
  return value;
}

function readSandbox(value: unknown): SandboxAdmin | undefined {
  if (value === undefined) return undefined;
  const sandbox = object(value, 'sandbox');
  onlyKnownFields(sandbox, 'sandbox', ['adminUrl', 'adminTokenEnv']);
  return {
    ...(sandbox.adminUrl === undefined
      ? {}
      : { adminUrl: httpUrl(sandbox.adminUrl, 'sandbox.adminUrl', { query: false }).replace(/\/+$/, '') }),
    ...(sandbox.adminTokenEnv === undefined
      ? {}
      : { adminTokenEnv: envName(sandbox.adminTokenEnv, 'sandbox.adminTokenEnv', 'the sandbox admin token') }),
  };
}

function limit(value: unknown, path: string, max: number, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max) return value;
  throw invalid(path, `expected ${what}, a whole number from 1 to ${max}, got ${got(value)}`);
}

function readLoadVouchers(value: unknown): LoadVoucher[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw invalid(
      'load.vouchers',
      `expected an array of { "code": "…", "amount": "20.000000" }, got ${typeName(value)}`,
    );
  return value.map((item, i) => {
    const path = `load.vouchers[${i}]`;
    const voucher = object(item, path);
    onlyKnownFields(voucher, path, ['code', 'amount']);
    const code = string(voucher.code, `${path}.code`, 'the voucher code as a string');
    let amount: Micro;
    try {
      amount = moneyFromJson(voucher.amount, `${path}.amount`);
    } catch {
      amount = 0n;
    }
    if (amount <= 0n)
      throw invalid(
        `${path}.amount`,
        `expected the voucher's balance as a decimal string such as "20.000000", got ${got(voucher.amount)}`,
      );
    return { code, amount: formatMoney(amount) };
  });
}

function readLoad(value: unknown): LoadConsent | undefined {
  if (value === undefined) return undefined;
  const load = object(value, 'load');
  onlyKnownFields(load, 'load', ['allowed', 'maxArrivalRate', 'maxVus', 'maxDurationSeconds', 'vouchers']);
  if (typeof load.allowed !== 'boolean')
    throw invalid(
      'load',
      `"allowed" expected true (load runs may target this environment) or false, got ${got(load.allowed)}`,
    );
  return {
    allowed: load.allowed,
    maxArrivalRate: limit(load.maxArrivalRate, 'load.maxArrivalRate', 10_000, 'the most flows started per second'),
    maxVus: limit(load.maxVus, 'load.maxVus', 10_000, 'the most virtual users'),
    maxDurationSeconds: limit(load.maxDurationSeconds, 'load.maxDurationSeconds', 86_400, 'the longest run in seconds'),
    vouchers: readLoadVouchers(load.vouchers),
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/**
 * Validates a parsed target file and fills in every default. Every problem is a HarnessError
 * CONFIG_INVALID naming the field path and the fix, prefixed with `origin` (the file) when given.
 * Returns a deeply frozen object.
 */
export function parseTargetConfig(json: unknown, origin?: string): TargetConfig {
  try {
    const raw = object(json, '(top level)');
    onlyKnownFields(raw, '', TOP_LEVEL);
    const profile = oneOf(raw.profile, 'profile', PROFILES);
    const sandbox = readSandbox(raw.sandbox);
    const base = {
      name: string(raw.name, 'name', 'a non-empty name for reports'),
      baseUrl: readBaseUrl(raw.baseUrl, profile),
      auth: readAuth(raw.auth, profile),
      initiatePath:
        raw.initiatePath === undefined ? 'initiate-claim' : oneOf(raw.initiatePath, 'initiatePath', INITIATE_PATHS),
      otp: readOtp(raw.otp, sandbox),
      fixtures: readFixtures(raw.fixtures, profile),
      expectations: readExpectations(raw.expectations),
      testHooks: readTestHooks(raw.testHooks),
      sandbox,
      load: readLoad(raw.load),
    } as const;
    const signingTemplate = readSigningTemplate(raw.signingTemplate, profile);
    refuseInlineSecrets(raw, '');
    const config: TargetConfig =
      signingTemplate === undefined
        ? { ...base, profile: 'merchant-v1' }
        : { ...base, profile: 'partner', signingTemplate };
    return deepFreeze(config);
  } catch (err) {
    if (origin !== undefined && isHarnessError(err))
      throw new HarnessError(err.code, `${origin}: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * The target for the embedded sandbox: merchant-v1 on loopback, credentials from
 * SANDBOX_SECRET_ENV, OTPs from its outbox. `url` is the merchant base URL the sandbox serves;
 * a bare origin (no path) gets /api/v1/merchant/client appended.
 */
export function defaultSandboxTarget(urls: { url: string; adminUrl: string }): TargetConfig {
  const bare = parseHttpUrl(urls.url)?.path.replace(/\/+$/, '') === '';
  return parseTargetConfig(
    {
      name: 'embedded sandbox',
      baseUrl: bare ? `${urls.url.replace(/\/+$/, '')}${MERCHANT_BASE_PATH}` : urls.url,
      profile: 'merchant-v1',
      auth: {
        apiKeyEnv: SANDBOX_SECRET_ENV.apiKey,
        privateKeyEnv: SANDBOX_SECRET_ENV.privateKey,
        keyType: 'secp256k1',
      },
      otp: { source: 'sandbox-outbox' },
      sandbox: { adminUrl: urls.adminUrl },
      // The embedded sandbox is started with them (suites/embedded-sandbox.ts).
      testHooks: true,
    },
    'the embedded sandbox target',
  );
}
