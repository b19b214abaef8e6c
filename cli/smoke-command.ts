/**
 * `smoke`: the API document's end-to-end flow (login, test, initiate, detail, redeem, detail) once,
 * checking each answer against the documented shape and the money against exact arithmetic. Against
 * the embedded sandbox by default; against a target file's voucher with --target. The quick way to
 * see that keys, credentials and signing work before a full certification.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { answerContract } from '../contract/answer-contract';
import { describeViolation } from '../contract/violation';
import type { ContractViolation } from '../contract/violation';
import { prepareOutDir } from '../lib/node/out-dir';
import { HarnessError, isHarnessError } from '../lib/errors';
import type { Micro } from '../lib/money';
import { formatMoney, moneyFromDecimal } from '../lib/money';
import { createMerchantClient, createTargetHealth } from '../lib/node/http-client';
import type { ApiResponse, MerchantClient } from '../lib/node/http-client';
import { otpFetcher } from '../lib/node/otp-source';
import type { OtpFetcher } from '../lib/node/otp-source';
import { createSandboxAdminClient } from '../lib/node/sandbox-admin-client';
import { loadTargetFile } from '../lib/node/target-file';
import { voucherBalanceOf, type VoucherBalance } from '../lib/node/voucher-balance';
import type { ResolvedTarget } from '../lib/node/target-file';
import { newIdempotencyKey } from '../lib/payloads';
import { cryptoRandom } from '../lib/random';
import { startEmbeddedSandbox } from '../suites/embedded-sandbox';
import type { EmbeddedSandbox } from '../suites/embedded-sandbox';
import type { CommandIo } from './console-io';
import { wholeNumber } from './options';
import { listenForInterruption } from './interruption';
import { EXIT } from './run-command';

export interface SmokeOptions {
  target?: string;
  out: string;
  voucher?: string;
  amount: string;
  defect?: string[];
  seed?: string;
  /** --allow-otp-command: let the target file's OTP command run. */
  allowOtpCommand?: boolean;
}

const SANDBOX_VOUCHER = 50_000_000n;
const SANDBOX_FEE = 1_000_000n;

type Json = Record<string, unknown>;

/** The `data` object of a documented success answer, or why the answer is not one. */
function successData(res: ApiResponse): Json {
  const body = res.json as Json | undefined;
  if (res.status !== 200 || body?.success !== true || body.statusCode !== 200) {
    throw new HarnessError(
      'TARGET_MALFORMED_RESPONSE',
      `expected HTTP 200 with success true and statusCode 200, got HTTP ${res.status}: ${res.text.slice(0, 200)}`,
    );
  }
  return (body.data ?? {}) as Json;
}

function expectEqual(what: string, got: unknown, want: unknown): void {
  if (got !== want)
    throw new HarnessError(
      'TARGET_MALFORMED_RESPONSE',
      `${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`,
    );
}

async function voucherState(client: MerchantClient, code: string): Promise<VoucherBalance> {
  return voucherBalanceOf(await client.voucherDetail(code), code);
}

interface FlowInput {
  readonly client: MerchantClient;
  readonly voucherCode: string;
  readonly amount: Micro;
  readonly fetchOtp: OtpFetcher;
  readonly countSms: () => Promise<number>;
  readonly initiatePath: 'initiate-claim' | 'initiate-redeem';
}

/** The steps in order; each throws to say what did not conform. */
function flowSteps(input: FlowInput): { name: string; run: () => Promise<string> }[] {
  const { client, voucherCode, amount } = input;
  const random = cryptoRandom();
  let before: VoucherBalance;
  let otp: string | undefined;
  let smsBefore = 0;
  return [
    { name: 'login', run: async () => (await client.login(), 'access token received') },
    {
      name: 'POST /test',
      run: async () => (
        expectEqual('the /test answer', (await client.test()).text.replace(/\s/g, ''), '{"test":"successful"}'),
        '{"test":"successful"}'
      ),
    },
    {
      name: 'voucher detail',
      run: async () => {
        before = await voucherState(client, voucherCode);
        if (before.remaining < amount + before.serviceFee)
          throw new HarnessError(
            'INVALID_ARGUMENT',
            `voucher ${voucherCode} holds ${formatMoney(before.remaining)}, less than the claim ${formatMoney(amount)} plus the fee ${formatMoney(before.serviceFee)}; use --amount or another voucher`,
          );
        return `remainingBalance ${formatMoney(before.remaining)}, serviceFee ${formatMoney(before.serviceFee)}, status ${before.status}`;
      },
    },
    {
      name: `initiate claim (${input.initiatePath})`,
      run: async () => {
        smsBefore = await input.countSms();
        const key = newIdempotencyKey(random, 'smoke');
        const data = successData(
          await client.initiateClaim(
            { voucherCode, amount, idempotencyKey: key, metadata: '{}' },
            { path: input.initiatePath },
          ),
        );
        expectEqual('data.idempotencyKey', data.idempotencyKey, key);
        expectEqual('data.metadata', data.metadata, '{}');
        return `claimed ${formatMoney(amount)}`;
      },
    },
    {
      name: 'OTP',
      run: async () => {
        if (input.fetchOtp === undefined) return 'no OTP source configured: the flow stops at the claim';
        otp = await input.fetchOtp({ voucherCode, seenBefore: smsBefore });
        return 'received';
      },
    },
    {
      name: 'redeem gift',
      run: async () => {
        if (otp === undefined) return 'skipped: no OTP';
        const key = newIdempotencyKey(random, 'smoke');
        const data = successData(
          await client.redeemGift({ voucherCode, verificationCode: otp, idempotencyKey: key, metadata: '{}' }),
        );
        expectEqual('data.idempotencyKey', data.idempotencyKey, key);
        for (const field of ['referenceNumber', 'omnivasReferenceNumber'])
          if (typeof data[field] !== 'string')
            throw new HarnessError('TARGET_MALFORMED_RESPONSE', `data.${field} is missing`);
        return `referenceNumber ${String(data.referenceNumber)}`;
      },
    },
    {
      name: 'balance after',
      run: async () => {
        const after = await voucherState(client, voucherCode);
        const expected = otp === undefined ? before.remaining : before.remaining - amount - before.serviceFee;
        if (after.remaining !== expected)
          throw new HarnessError(
            'TARGET_MALFORMED_RESPONSE',
            `remainingBalance is ${formatMoney(after.remaining)}; ${formatMoney(before.remaining)} − ${formatMoney(amount)} − fee ${formatMoney(before.serviceFee)} = ${formatMoney(expected)}`,
          );
        return `remainingBalance ${formatMoney(after.remaining)} (exact), status ${after.status}`;
      },
    },
  ];
}

const contractMessage = (broken: readonly ContractViolation[]): string =>
  `the answer breaks the API description (openapi/merchant-api-v1.0.yaml): ${broken.map(describeViolation).join('; ')}`;

function contractHolds(broken: readonly ContractViolation[]): void {
  if (broken.length > 0) throw new HarnessError('TARGET_MALFORMED_RESPONSE', contractMessage(broken));
}

export async function smokeCommand(options: SmokeOptions, io: CommandIo): Promise<number> {
  const amount = moneyFromDecimal(options.amount, '--amount');
  const seed = wholeNumber(options.seed, '--seed', 0, 2 ** 32 - 1);
  // Before any request: a run that redeems and then cannot write its transcript hides the evidence.
  const dir = await prepareOutDir(options.out);
  // Ctrl-C or SIGTERM: the step under way finishes, no later one starts, the transcript is written,
  // exit 130; listened for before the sandbox starts, so no moment of the run dies silently.
  const interruption = listenForInterruption(io, 'smoke');
  let embedded: EmbeddedSandbox | undefined;
  try {
    if (options.target === undefined)
      embedded = await startEmbeddedSandbox({ defects: options.defect, seed, serviceFee: SANDBOX_FEE });
    const target: ResolvedTarget =
      embedded?.target ??
      (await loadTargetFile(options.target!, process.env, { allowOtpCommand: options.allowOtpCommand }));
    // From here every line is also scrubbed of the target's API key, private key and tokens.
    io.redactWith(target.redactor);
    for (const warning of target.warnings) io.err(warning);
    const admin =
      embedded?.admin ??
      (target.config.sandbox?.adminUrl && target.adminToken
        ? createSandboxAdminClient({ adminUrl: target.config.sandbox.adminUrl, adminToken: target.adminToken })
        : undefined);
    const voucherCode = embedded
      ? (await embedded.admin.createVoucher({ amount: SANDBOX_VOUCHER, ownerMsisdn: '251911000000' })).code
      : (options.voucher ?? target.config.fixtures.vouchers[0]?.code);
    if (voucherCode === undefined)
      throw new HarnessError(
        'CONFIG_INVALID',
        `no voucher to use: pass --voucher CODE or list one under "fixtures.vouchers" in ${options.target}`,
      );
    // Every answer against the API description (openapi/), as it comes: a step whose answers break it fails, naming the field.
    const contract = answerContract({ amountFormat: target.config.expectations.amountFormat });
    const violations: ContractViolation[] = [];
    const client = createMerchantClient({
      baseUrl: target.config.baseUrl,
      apiKey: target.apiKey,
      privateKey: target.privateKey,
      redactor: target.redactor,
      health: createTargetHealth(target.config.baseUrl),
      onExchange: (exchange) => violations.push(...contract.validate(exchange)),
    });
    const steps = flowSteps({
      client,
      voucherCode,
      amount,
      fetchOtp: otpFetcher(target.config.otp, admin, { allowCommand: target.otpCommandAllowed }),
      countSms: async () => (admin ? (await admin.sms({ voucherCode })).length : 0),
      initiatePath: target.config.profile === 'merchant-v1' ? target.config.initiatePath : 'initiate-claim',
    });
    io.out(`smoke: ${target.config.name} at ${target.config.baseUrl}, voucher ${voucherCode}`);
    let failed = false;
    let unreachable: unknown;
    for (const [i, step] of steps.entries()) {
      if (interruption.signal.aborted) break;
      const seen = violations.length;
      try {
        const said = await step.run();
        contractHolds(violations.slice(seen));
        io.out(`  ok   ${i + 1}. ${step.name}: ${target.redactor.redactText(said)}`);
      } catch (err) {
        // The description names the field; a step's own message may only say what followed from it.
        const broken = violations.slice(seen);
        const why = broken.length > 0 ? contractMessage(broken) : err instanceof Error ? err.message : String(err);
        io.out(`  FAIL ${i + 1}. ${step.name}: ${target.redactor.redactText(why)}`);
        failed = true;
        // No answer at all is no verdict on the API: the run could not be made (exit 2), and the message says why.
        if (isHarnessError(err) && (err.code === 'TARGET_UNREACHABLE' || err.code === 'TARGET_UNRESPONSIVE'))
          unreachable = err;
        break; // later steps stand on this one
      }
    }
    const transcriptPath = join(dir, 'transcript.json');
    await writeFile(transcriptPath, `${JSON.stringify(client.transcript(), null, 2)}\n`);
    if (interruption.signal.aborted) {
      io.out(`INTERRUPTED: the steps not started did not run; what was gathered is in ${transcriptPath}`);
      return EXIT.interrupted;
    }
    io.out(`${failed ? 'FAILED' : 'PASSED'}; transcript (secrets redacted): ${transcriptPath}`);
    if (unreachable !== undefined) throw unreachable;
    return failed ? EXIT.verdictFailed : EXIT.ok;
  } finally {
    interruption.dispose();
    await embedded?.close();
  }
}
