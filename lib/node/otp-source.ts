/**
 * Getting the OTP the voucher owner received, as the target file's `otp` says: the sandbox outbox,
 * a fixed test code, an HTTP endpoint, or a command. `none` means flows stop at the claim.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { HarnessError } from '../errors';
import type { OtpSource } from '../target-config';
import { parseJsonBody } from './http-client';
import type { SandboxAdminClient } from './sandbox-admin-client';

const run = promisify(execFile);
const SIX_DIGITS = /\b(\d{6})\b/;

export interface OtpRequest {
  readonly voucherCode: string;
  /** What the outbox already held before the claim, so the new message is told from old ones. */
  readonly seenBefore?: number;
}

export type OtpFetcher = ((request: OtpRequest) => Promise<string>) | undefined;

function sixDigits(text: string, from: string): string {
  const match = SIX_DIGITS.exec(text.trim());
  if (!match)
    throw new HarnessError(
      'TARGET_MALFORMED_RESPONSE',
      `${from} gave no six-digit OTP; it should print or return just the code, such as 735191`,
    );
  return match[1]!;
}

/**
 * What an OTP command gets of the harness's environment: enough to find programs and speak the
 * user's language, nothing else. The harness's own variables hold the API key, the private key and
 * the admin token, and a target file (which anyone may hand over) names the program.
 */
const COMMAND_ENV_NAMES = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR'];

export function otpCommandEnvironment(voucherCode: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const name of COMMAND_ENV_NAMES) if (env[name] !== undefined) out[name] = env[name];
  out.OMNIVAS_VOUCHER_CODE = voucherCode; // the one input the command is documented to get (docs/target-config.md)
  return out;
}

export interface OtpFetcherOptions {
  /** The command line's --allow-otp-command: a target file's program runs only with it. */
  readonly allowCommand?: boolean;
}

/** The refusal of a command source run without the command line's opt-in. */
export function otpCommandRefused(program: string, origin: string): HarnessError {
  return new HarnessError(
    'CONFIG_INVALID',
    `${origin}: "otp.source" "command" would run ${JSON.stringify(program.slice(0, 80))}; a target file runs a program only with --allow-otp-command: pass it if you trust this file and that program`,
  );
}

/** The fetcher for a source, or undefined for `none`. */
export function otpFetcher(
  source: OtpSource,
  admin: SandboxAdminClient | undefined,
  options: OtpFetcherOptions = {},
): OtpFetcher {
  switch (source.source) {
    case 'none':
      return undefined;
    case 'fixed':
      return async () => source.code;
    case 'sandbox-outbox':
      if (admin === undefined)
        throw new HarnessError(
          'CONFIG_INVALID',
          '"otp.source" "sandbox-outbox" needs the sandbox admin URL and token (sandbox.adminUrl, sandbox.adminTokenEnv)',
        );
      return async ({ voucherCode, seenBefore = 0 }) => {
        const messages = await admin.sms({ voucherCode });
        const latest = messages.slice(seenBefore).at(-1);
        if (latest?.otp === undefined)
          throw new HarnessError(
            'TARGET_MALFORMED_RESPONSE',
            `the sandbox outbox holds no new OTP for voucher ${voucherCode}: the claim sent no SMS`,
          );
        return latest.otp;
      };
    case 'http':
      return async ({ voucherCode }) => {
        const url = source.url.replace('{voucherCode}', encodeURIComponent(voucherCode));
        // An OTP relay may wait for the SMS to arrive, but not forever.
        const res = await fetch(url, { signal: AbortSignal.timeout(120_000) }).catch((err: unknown) => {
          throw new HarnessError(
            'TARGET_UNREACHABLE',
            `cannot reach the OTP endpoint ${url}: ${(err as Error).message}`,
            { cause: err },
          );
        });
        const text = await res.text();
        const json = parseJsonBody(text) as { otp?: unknown } | undefined;
        const otp = typeof json?.otp === 'string' ? json.otp : text; // a plain-text body is the OTP itself
        return sixDigits(otp, `the OTP endpoint ${url}`);
      };
    case 'command':
      if (options.allowCommand !== true) throw otpCommandRefused(source.command[0]!, 'the target file');
      return async ({ voucherCode }) => {
        const [file, ...args] = source.command;
        const { stdout } = await run(file!, args, {
          timeout: 120_000,
          env: otpCommandEnvironment(voucherCode),
        }).catch((err: unknown) => {
          throw new HarnessError(
            'CONFIG_INVALID',
            `the OTP command ${file} failed: ${(err as Error).message.split('\n')[0]}; check "otp.command" in the target file`,
            { cause: err },
          );
        });
        return sixDigits(stdout, `the OTP command ${file}`);
      };
  }
}
