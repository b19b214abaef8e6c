/**
 * The OTP bridge (Node): k6 can neither run a command nor share the Node code of the http and
 * command OTP sources (docs/target-config.md › otp), so for those the load command answers k6's OTP
 * questions itself. A server on 127.0.0.1 (a free port) takes `GET /otp?voucherCode=…` with its own
 * random bearer token — handed to k6 through its process environment, never argv — and answers
 * `{"otp": "123456"}` from lib/node/otp-source.ts. One code path in k6 serves both sources.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HarnessError } from '../../lib/errors';

export interface OtpBridge {
  readonly url: string;
  /** The bearer token k6 must send; register it with the run's redactor. */
  readonly token: string;
  /** OTPs answered and questions the source could not answer. */
  readonly counts: { answered: number; failed: number };
  close(): Promise<void>;
}

export interface OtpBridgeOptions {
  /** What k6 must send as `Bearer …`: newBridgeToken(). */
  readonly token: string;
  /** The OTP the voucher owner received last (lib/node/otp-source.ts otpFetcher). */
  readonly fetchOtp: (voucherCode: string) => Promise<string>;
  /** Told (already redacted by the caller's redact) why the source failed, for the first few failures. */
  readonly onFailure: (message: string) => void;
  readonly redact: (text: string) => string;
}

/** Failures reported one by one; the rest only in the counts. */
const REPORTED_FAILURES = 5;

/** 32 random bytes: guessing it is out of reach for anything else on this machine. */
export function newBridgeToken(): string {
  return randomBytes(32).toString('base64url');
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function authorized(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export async function startOtpBridge(options: OtpBridgeOptions): Promise<OtpBridge> {
  const { token } = options;
  const counts = { answered: 0, failed: 0 };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://bridge');
    if (req.method !== 'GET' || url.pathname !== '/otp')
      return answer(res, 404, { message: 'the OTP bridge answers GET /otp?voucherCode=… only' });
    if (!authorized(req.headers.authorization, token))
      return answer(res, 401, { message: 'the OTP bridge needs its bearer token' });
    const voucherCode = url.searchParams.get('voucherCode');
    if (!voucherCode) return answer(res, 400, { message: '"voucherCode" is missing from the query' });
    options.fetchOtp(voucherCode).then(
      (otp) => {
        counts.answered++;
        answer(res, 200, { otp });
      },
      (err: unknown) => {
        const message = options.redact(
          `the OTP source gave nothing for voucher ${voucherCode}: ${(err as Error).message}`,
        );
        if (counts.failed++ < REPORTED_FAILURES) options.onFailure(message);
        answer(res, 502, { message });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new HarnessError('INTERNAL', `the OTP bridge cannot listen on 127.0.0.1: ${err.message}`, { cause: err })),
    );
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
