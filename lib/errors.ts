/**
 * The harness's one error type. Callers match on `err.code`, never on `instanceof`: the same lib/
 * is loaded in Node and inside k6 bundles, so class identity is not reliable across them.
 * Exceptions are for misuse and broken infrastructure; a conformance failure is a check result.
 */

/** Every code with its one-line meaning; the Record type forces the table to stay complete. */
export const HARNESS_ERROR_CODES = {
  // input shape
  INVALID_ARGUMENT: 'an argument has the wrong type or form',
  INVALID_JSON: 'a body or file is not valid JSON',
  FILE_UNREADABLE: 'a file the harness was given cannot be read (missing, a directory, no permission)',
  INVALID_BASE64: 'a value is not valid base64',
  // keys
  KEY_GARBAGE: 'the key file is not a PEM key the harness can read',
  KEY_WRONG_CURVE: 'the key is on a curve the API does not use',
  KEY_ENCRYPTED: 'the private key is encrypted with a passphrase',
  KEY_PUBLIC_NOT_PRIVATE: 'a public key was given where a private key is needed',
  KEY_PRIVATE_NOT_PUBLIC: 'a private key was given where a public key is needed',
  KEY_UNSUPPORTED_TYPE: 'the key type is not secp256k1 or Ed25519',
  KEY_FILE_UNREADABLE: 'the key file cannot be read',
  // signatures
  SIGNATURE_MALFORMED: 'a signature has the wrong length or encoding',
  // money
  MONEY_INVALID: 'an amount is not a valid non-negative decimal with at most 6 places',
  MONEY_UNSAFE_INTEGER: 'an amount is beyond what a JSON number carries exactly',
  // templates and configuration
  TEMPLATE_INVALID: 'a signing template names an unknown placeholder',
  CONFIG_INVALID: 'the target configuration has a wrong or missing field',
  SECRET_MISSING: 'an environment variable that should hold a secret is not set',
  OUTPUT_UNWRITABLE: 'an output folder cannot be created or written to',
  // talking to a target
  TARGET_UNREACHABLE: 'the target did not answer',
  TARGET_FAILED: 'the target answered with a server error (HTTP 5xx) where the documents promise an answer',
  TARGET_UNRESPONSIVE: 'the target left several requests in a row without an answer, so the run stops early',
  TARGET_MALFORMED_RESPONSE: 'the target answered with something that is not the documented shape',
  LOGIN_FAILED: 'the target refused the login',
  // sandbox
  SANDBOX_UNKNOWN_DEFECT: 'a seeded defect name is not in the catalog',
  SANDBOX_FIXTURES_INVALID: 'the sandbox fixtures file is not valid',
  SANDBOX_PORT_UNAVAILABLE: 'the port asked for the sandbox is taken or needs privileges',
  // tools the harness runs
  K6_MISSING: 'k6 at the pinned version is neither in .tools/bin nor on PATH',
  K6_FAILED: 'k6 could not run a bundled scenario, or printed no result',
  // run history
  HISTORY_STORE_INVALID: 'a run history store or a run in it cannot be read, or an out dir holds no run to record',
  // conformance runs
  CHECK_NOT_APPLICABLE:
    'the target cannot give what a check needs (a fresh voucher, an OTP, a sandbox power): the check is skipped, with this as its reason',
  CHECK_TIME_LIMIT:
    'a generated check ran out of its time limit before one case finished: the target answered too slowly for it to say anything',
  // generic
  NOT_LOOPBACK: 'a load or stress run was pointed at an address that is not on this machine',
  INTERNAL: 'a bug in the harness itself',
} as const satisfies Record<string, string>;

export type HarnessErrorCode = keyof typeof HARNESS_ERROR_CODES;

export class HarnessError extends Error {
  override readonly name = 'HarnessError';
  readonly code: HarnessErrorCode;
  constructor(code: HarnessErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** True for a HarnessError from any copy of lib/ (bundles included): matched by shape, not class. */
export function isHarnessError(err: unknown): err is HarnessError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'HarnessError' &&
    typeof (err as { code?: unknown }).code === 'string' &&
    // Own keys only: `in` would also take "toString" and the rest of Object.prototype as codes.
    Object.prototype.hasOwnProperty.call(HARNESS_ERROR_CODES, (err as { code: string }).code)
  );
}

/** Describes a value for an error message without echoing long or secret-looking input in full. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return String(value);
  return `type=${typeof value}`;
}
