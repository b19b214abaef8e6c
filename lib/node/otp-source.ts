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

/** The fetcher for a source, or undefined for `none`. */
export function otpFetcher(source: OtpSource, admin: SandboxAdminClient | undefined): OtpFetcher {
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
        const res = await fetch(url).catch((err: unknown) => {
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
      return async ({ voucherCode }) => {
        const [file, ...args] = source.command;
        const { stdout } = await run(file!, args, {
          timeout: 120_000,
          env: { ...process.env, OMNIVAS_VOUCHER_CODE: voucherCode },
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
