/**
 * `omnivas-harness doc-examples --doc FILE`: runs the end-to-end examples of the user's copy of the
 * merchant API guide (its JavaScript and its Python) against a fresh sandbox, unchanged but for the
 * base URL and the API key, and says for each whether it ran, what it was answered, and whether
 * that conforms: every answer a success, the documented flow (login, initiate, redeem-gift), and
 * the money exact. The example is given a registered key pair where it looks for one, and the
 * voucher and OTP it hard-codes. Returns data; cli/ prints it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarnessError } from '../lib/errors';
import { exportPrivateKeyPem, exportPublicKeyPem, generatePrivateKey } from '../lib/keys';
import { formatMoney, moneyFromDecimal, moneyFromJson, type Micro } from '../lib/money';
import { readTextFile } from '../lib/node/input-file';
import { createSandboxAdminClient, type SandboxAdminClient } from '../lib/node/sandbox-admin-client';
import { createRedactor, type Redactor } from '../lib/redact';
import {
  exampleConstant,
  exampleKeyFiles,
  extractEndToEndExamples,
  restorePythonIndentation,
  withExampleConstant,
} from './doc-example-text';
import { startRecordingRelay, type RecordingRelay, type RelayedExchange } from './recording-relay';
import { startSandbox } from './start';

export type ExampleLanguage = 'javascript' | 'python';

export interface ExampleCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ExampleRun {
  readonly language: ExampleLanguage;
  /** How it was run, e.g. `python3 example.py`. */
  readonly command: string;
  /** Why the example could not be run at all (nothing to judge then); undefined when it ran. */
  readonly notRun?: string;
  /** The exit code, or null when it was stopped (timed out) or not run. */
  readonly exitCode: number | null;
  /** What the example sent and was answered, through the relay, secrets redacted. */
  readonly answers: readonly RelayedExchange[];
  readonly checks: readonly ExampleCheck[];
  /** Ran, and every check holds. */
  readonly conforms: boolean;
  /** The end of what it printed, redacted. */
  readonly stdout: string;
  readonly stderr: string;
}

export interface DocExamplesReport {
  readonly doc: string;
  readonly examples: readonly ExampleRun[];
}

export interface DocExamplesOptions {
  /** The guide as text. */
  readonly doc: string;
  /** The Python interpreter (default python3). */
  readonly python?: string;
  /** Per example (default 60 s); a hung example is stopped and fails. */
  readonly timeoutMs?: number;
}

/** The voucher the examples redeem: enough for a documented claim, with a fee so that amount + fee is checked. */
const VOUCHER_AMOUNT: Micro = 1_000_000_000n;
const SERVICE_FEE: Micro = 1_000_000n;
const OUTPUT_TAIL = 4000;
const PLACEHOLDERS = ['BASE_URL', 'API_KEY'] as const;

function notRun(language: ExampleLanguage, command: string, reason: string): ExampleRun {
  return {
    language,
    command,
    notRun: reason,
    exitCode: null,
    answers: [],
    checks: [],
    conforms: false,
    stdout: '',
    stderr: '',
  };
}

/** Runs a program with a time limit; resolves with its exit code (null when stopped) and output. */
function runProgram(
  argv: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<{ exitCode: number | null; stdout: string; stderr: string; missing?: true }> {
  return new Promise((resolve) => {
    // requests would honour a proxy from the environment; the relay is on loopback.
    const env = { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ exitCode: null, stdout, stderr: err.message, ...(err.code === 'ENOENT' ? { missing: true } : {}) });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, stdout, stderr });
    });
  });
}

const answerOf = (e: RelayedExchange) => e.answer as { success?: unknown; accessToken?: unknown } | null;
const calls = (answers: readonly RelayedExchange[], suffix: string) =>
  answers.filter((e) => e.method === 'POST' && e.path.endsWith(suffix));

/** The flow and the money, judged from the exchanges and the sandbox's state afterwards. */
async function judge(
  answers: readonly RelayedExchange[],
  exitCode: number | null,
  admin: SandboxAdminClient,
  voucherCode: string,
  merchantId: string,
): Promise<ExampleCheck[]> {
  const checks: ExampleCheck[] = [
    {
      name: 'ran to the end',
      ok: exitCode === 0,
      detail: exitCode === null ? 'stopped: it did not finish in time' : `exit code ${exitCode}`,
    },
  ];
  const failed = answers.filter((e) => e.status >= 300 || answerOf(e)?.success === false);
  checks.push({
    name: 'every answer a success',
    ok: answers.length > 0 && failed.length === 0,
    detail:
      answers.length === 0
        ? 'it sent no request to the sandbox'
        : failed.length === 0
          ? `${answers.length} answers, all 2xx`
          : failed.map((e) => `${e.method} ${e.path} → ${e.status}`).join('; '),
  });
  const login = calls(answers, '/auth/login');
  checks.push({
    name: 'logs in',
    ok: login.some((e) => e.status === 200 && typeof answerOf(e)?.accessToken === 'string'),
    detail: `${login.length} login call(s)`,
  });
  const initiate = [
    ...calls(answers, '/topup-transactions/initiate-claim'),
    ...calls(answers, '/topup-transactions/initiate-redeem'),
  ];
  const claimed = initiate.find((e) => e.status === 200);
  checks.push({
    name: 'initiates a claim',
    ok: claimed !== undefined,
    detail:
      initiate.length === 0
        ? 'no initiate-claim or initiate-redeem call'
        : `through ${initiate.map((e) => e.path.slice(e.path.lastIndexOf('/') + 1)).join(', ')} (the endpoint reference names initiate-claim; the sandbox serves both)`,
  });
  const redeemed = calls(answers, '/topup-transactions/redeem-gift').find((e) => e.status === 200);
  checks.push({
    name: 'redeems with the OTP',
    ok: redeemed !== undefined,
    detail: redeemed ? 'redeem-gift answered 200' : 'no redeem-gift answered 200',
  });
  checks.push(await moneyCheck(claimed, redeemed, admin, voucherCode, merchantId));
  return checks;
}

/** amount + fee left the voucher, amount went to the merchant and the fee to OmniVAS: exactly, in micro-units. */
async function moneyCheck(
  claimed: RelayedExchange | undefined,
  redeemed: RelayedExchange | undefined,
  admin: SandboxAdminClient,
  voucherCode: string,
  merchantId: string,
): Promise<ExampleCheck> {
  const name = 'the money is exact';
  const asked = (claimed?.request as { amount?: unknown } | null)?.amount;
  if (!claimed || !redeemed || asked === undefined)
    return { name, ok: false, detail: 'no claim with an amount was redeemed' };
  const amount = moneyFromJson(asked, 'the example\'s "amount"');
  const remaining = moneyFromDecimal(String((await admin.voucher(voucherCode)).remainingBalance), 'remainingBalance');
  const moves = (await admin.ledger()).entries.map((e) => `${String(e.kind)} ${String(e.to)} ${String(e.amount)}`);
  const expected = VOUCHER_AMOUNT - amount - SERVICE_FEE;
  const ok =
    remaining === expected &&
    moves.includes(`redemption merchant:${merchantId} ${formatMoney(amount)}`) &&
    moves.includes(`service-fee omnivas:fees ${formatMoney(SERVICE_FEE)}`);
  return {
    name,
    ok,
    detail: `${formatMoney(VOUCHER_AMOUNT)} − ${formatMoney(amount)} − fee ${formatMoney(SERVICE_FEE)}: remainingBalance ${formatMoney(remaining)}${remaining === expected ? '' : `, expected ${formatMoney(expected)}`}`,
  };
}

function tail(text: string): string {
  return text.length > OUTPUT_TAIL ? `…${text.slice(-OUTPUT_TAIL)}` : text;
}

/** Why a run that failed to start or crashed on an import did so, in one line with the fix. */
function missingTool(argv: readonly string[], run: { stderr: string; missing?: true }): string | undefined {
  if (run.missing) return `${argv[0]} is not on PATH; install it to run this example`;
  const module = /ModuleNotFoundError: No module named '([\w.]+)'/.exec(run.stderr)?.[1];
  if (module)
    return `${argv[0]} lacks the module "${module.split('.')[0]}" the example imports; install it (pip install ${module.split('.')[0]}, or apt-get install python3-${module.split('.')[0]})`;
  return undefined;
}

async function runExample(
  language: ExampleLanguage,
  source: string,
  options: { python: string; timeoutMs: number },
  sandbox: { admin: SandboxAdminClient; relay: RecordingRelay; baseUrl: string },
): Promise<ExampleRun> {
  const file = language === 'javascript' ? 'example.mjs' : 'example.py';
  const argv = language === 'javascript' ? [process.execPath, file] : [options.python, file];
  const command = `${language === 'javascript' ? 'node' : options.python} ${file}`;
  const missing = [...PLACEHOLDERS, 'VOUCHER_CODE', 'VERIFICATION_CODE'].filter(
    (n) => exampleConstant(source, n) === undefined,
  );
  if (missing.length > 0)
    return notRun(language, command, `the example has not exactly one ${missing.join(', ')} = '…' line to set`);
  const keyFiles = exampleKeyFiles(source);
  if (!keyFiles)
    return notRun(language, command, 'the example names no private and public .pem file to be given a key in');

  await sandbox.admin.reset();
  const key = generatePrivateKey(/ed25519/i.test(keyFiles.priv) ? 'ed25519' : 'secp256k1');
  const publicKeyPem = exportPublicKeyPem(key);
  const privateKeyPem = exportPrivateKeyPem(key);
  const merchant = await sandbox.admin.createMerchant({ publicKeyPem, keyType: key.type, serviceFee: SERVICE_FEE });
  const voucherCode = exampleConstant(source, 'VOUCHER_CODE')!;
  await sandbox.admin.createVoucher({
    code: voucherCode,
    amount: VOUCHER_AMOUNT,
    fixedOtp: exampleConstant(source, 'VERIFICATION_CODE')!,
  });
  const redactor: Redactor = createRedactor();
  redactor.add(merchant.apiKey, 'api-key');
  redactor.add(privateKeyPem, 'private-key');

  const code = withExampleConstant(
    withExampleConstant(source, 'BASE_URL', sandbox.baseUrl)!,
    'API_KEY',
    merchant.apiKey,
  )!;
  const dir = await mkdtemp(join(tmpdir(), `omnivas-doc-example-${language}-`));
  sandbox.relay.exchanges.length = 0;
  try {
    await writeFile(join(dir, keyFiles.priv), privateKeyPem, { mode: 0o600 });
    await writeFile(join(dir, keyFiles.pub), publicKeyPem);
    await writeFile(join(dir, file), code);
    const run = await runProgram(argv, dir, options.timeoutMs);
    const answers = [...sandbox.relay.exchanges];
    const why = answers.length === 0 ? missingTool(argv, run) : undefined;
    if (why) return notRun(language, command, why);
    const checks = await judge(answers, run.exitCode, sandbox.admin, voucherCode, merchant.id);
    return {
      language,
      command,
      exitCode: run.exitCode,
      answers,
      checks,
      conforms: checks.every((c) => c.ok),
      stdout: tail(redactor.redactText(run.stdout)),
      stderr: tail(redactor.redactText(run.stderr)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads the guide, finds its examples and runs each against a fresh sandbox on loopback. */
export async function runDocExamples(options: DocExamplesOptions): Promise<DocExamplesReport> {
  const text = await readTextFile(options.doc, '--doc');
  let examples: ReturnType<typeof extractEndToEndExamples>;
  try {
    examples = extractEndToEndExamples(text);
  } catch (err) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--doc ${options.doc}: ${(err as Error).message}; give the merchant API guide as text, with its "End-to-End Example (Single Snippet)" section`,
      { cause: err },
    );
  }
  const sandbox = await startSandbox();
  const relay = await startRecordingRelay(sandbox.origin, createRedactor([sandbox.adminToken]));
  try {
    const admin = createSandboxAdminClient({ adminUrl: sandbox.adminUrl, adminToken: sandbox.adminToken });
    const context = { admin, relay, baseUrl: `${relay.origin}${new URL(sandbox.url).pathname}` };
    const settings = { python: options.python ?? 'python3', timeoutMs: options.timeoutMs ?? 60_000 };
    return {
      doc: options.doc,
      examples: [
        await runExample('javascript', examples.js, settings, context),
        await runExample('python', restorePythonIndentation(examples.python), settings, context),
      ],
    };
  } finally {
    await relay.close();
    await sandbox.close();
  }
}
