/**
 * Reading a target file (docs/target-config.md) and resolving its secrets (Node-only). The file
 * names where the secrets are; this reads them from the environment and the key file, imports the
 * key, and registers every secret with one redactor, so whatever later logs or reports a value
 * scrubs the same set. Errors name the file, the field and the fix, never a secret's value.
 */
import { dirname, resolve } from 'node:path';
import { HarnessError } from '../errors';
import { importPrivateKeyPem } from '../keys';
import type { PrivateKey } from '../keys';
import { createRedactor, registerPrivateKey } from '../redact';
import type { Redactor } from '../redact';
import { parseTargetConfig } from '../target-config';
import type { TargetAuth, TargetConfig } from '../target-config';
import { readJsonFile } from './input-file';
import { keyFilePermissionWarning, readPemFile } from './key-file';
import { otpCommandRefused } from './otp-source';

/** A fixture's credentials (fixtures.secondMerchant, fixtures.partner), secrets resolved. */
export interface ResolvedCredentials {
  readonly apiKey: string;
  readonly privateKey: PrivateKey;
}

export interface ResolvedTarget {
  readonly config: TargetConfig;
  readonly secondMerchant?: ResolvedCredentials;
  readonly partner?: ResolvedCredentials;
  readonly apiKey: string;
  readonly privateKey: PrivateKey;
  /** The sandbox admin token, when `sandbox.adminTokenEnv` names a variable. */
  readonly adminToken: string | undefined;
  /** Knows every secret above (and the key's PEM); pass it to clients and report writers. */
  readonly redactor: Redactor;
  /** The command line's --allow-otp-command: whether an `otp` command source may run (lib/node/otp-source.ts). */
  readonly otpCommandAllowed: boolean;
  /** Things worth telling the user (a key file others can read); the caller decides how to show them. */
  readonly warnings: readonly string[];
}

export type Environment = Readonly<Record<string, string | undefined>>;

export interface LoadTargetOptions {
  /**
   * The command line's --allow-otp-command. Without it a target file whose OTP source is a command
   * is refused before anything runs: a file that can be handed around must not run programs.
   */
  readonly allowOtpCommand?: boolean;
}

/** Reads, validates and resolves a target file. `env` is where the named variables are looked up. */
export async function loadTargetFile(
  path: string,
  env: Environment = process.env,
  options: LoadTargetOptions = {},
): Promise<ResolvedTarget> {
  const config = parseTargetConfig(await readJsonFile(path, 'target file'), path);
  const allowOtpCommand = options.allowOtpCommand === true;
  if (config.otp.source === 'command' && !allowOtpCommand) throw otpCommandRefused(config.otp.command[0]!, path);
  return resolveTarget(config, { env, baseDir: dirname(resolve(path)), origin: path, allowOtpCommand });
}

function secretFromEnv(env: Environment, name: string, field: string, origin: string, what: string): string {
  // A trailing newline from `export X=$(cat file)` or a pasted value would break a header.
  const value = env[name]?.trim();
  if (value === undefined || value === '') {
    throw new HarnessError(
      'SECRET_MISSING',
      `environment variable ${name} (named by "${field}" in ${origin}) is ${value === undefined ? 'not set' : 'empty'}; set it to ${what} before running (export ${name}=…)`,
    );
  }
  return value;
}

/**
 * Resolves the secrets a validated config names: for a target file (via loadTargetFile) or a config
 * built in code, such as defaultSandboxTarget(). Relative key paths are taken from `baseDir`.
 */
interface Secrets extends ResolvedCredentials {
  readonly pem: string;
}

/** The API key and private key a credentials block names (the target's `auth`, or a fixture's), read and checked. */
async function resolveCredentials(
  auth: TargetAuth,
  at: string,
  options: { env: Environment; baseDir: string; origin: string },
  warnings: string[],
): Promise<Secrets> {
  const { env, baseDir, origin } = options;
  const apiKey = secretFromEnv(env, auth.apiKeyEnv, `${at}.apiKeyEnv`, origin, 'the API key');

  let pem: string;
  let field: string;
  if (auth.privateKeyFile !== undefined) {
    const keyPath = resolve(baseDir, auth.privateKeyFile);
    pem = await readPemFile(keyPath, `${at}.privateKeyFile`);
    field = `${at}.privateKeyFile ${keyPath}`;
    // Windows has no POSIX modes to check.
    const warning = process.platform === 'win32' ? undefined : await keyFilePermissionWarning(keyPath);
    if (warning !== undefined) warnings.push(warning);
  } else {
    // Only a file or a variable passes parseTargetConfig.
    pem = secretFromEnv(env, auth.privateKeyEnv!, `${at}.privateKeyEnv`, origin, 'the PEM private key');
    field = `${at}.privateKeyEnv ${auth.privateKeyEnv}`;
  }

  const privateKey = importPrivateKeyPem(pem, field);
  if (privateKey.type !== auth.keyType) {
    throw new HarnessError(
      'CONFIG_INVALID',
      `${origin}: "${at}.keyType" is "${auth.keyType}" but ${field} holds a key of type ${privateKey.type}; set keyType to "${privateKey.type}" or give the ${auth.keyType} key`,
    );
  }
  return { apiKey, privateKey, pem };
}

/**
 * Resolves the secrets a validated config names: for a target file (via loadTargetFile) or a config
 * built in code, such as defaultSandboxTarget(). Relative key paths are taken from `baseDir`.
 */
export async function resolveTarget(
  config: TargetConfig,
  options: { env: Environment; baseDir: string; origin: string; allowOtpCommand?: boolean },
): Promise<ResolvedTarget> {
  const { env, origin } = options;
  const warnings: string[] = [];
  const own = await resolveCredentials(config.auth, 'auth', options, warnings);
  const redactor = createRedactor();
  const register = (secrets: Secrets, what: string): ResolvedCredentials => {
    redactor.add(secrets.apiKey, what);
    registerPrivateKey(redactor, secrets.privateKey, secrets.pem);
    return { apiKey: secrets.apiKey, privateKey: secrets.privateKey };
  };
  const { apiKey, privateKey } = register(own, 'api-key');
  const { secondMerchant, partner } = config.fixtures;
  const fixtures = {
    ...(secondMerchant === undefined
      ? {}
      : {
          secondMerchant: register(
            await resolveCredentials(secondMerchant, 'fixtures.secondMerchant', options, warnings),
            'api-key',
          ),
        }),
    ...(partner === undefined
      ? {}
      : {
          partner: register(
            await resolveCredentials(partner, 'fixtures.partner', options, warnings),
            'partner-api-key',
          ),
        }),
  };

  const adminTokenEnv = config.sandbox?.adminTokenEnv;
  const adminToken =
    adminTokenEnv === undefined
      ? undefined
      : secretFromEnv(env, adminTokenEnv, 'sandbox.adminTokenEnv', origin, 'the sandbox admin token');
  if (adminToken !== undefined) redactor.add(adminToken, 'admin-token');

  return Object.freeze({
    config,
    apiKey,
    privateKey,
    ...fixtures,
    adminToken,
    redactor,
    otpCommandAllowed: options.allowOtpCommand === true,
    warnings: Object.freeze(warnings),
  });
}
