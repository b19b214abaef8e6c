import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from './index';
import { extractEndToEndExamples, restorePythonIndentation, type EndToEndExamples } from './seed-examples';
import { SandboxClient } from './testing';

const run = promisify(execFile);
const SEED = new URL('../../shared/seeds/omnivas-merchant-api-v1.0.txt', import.meta.url);
/**
 * What the examples hard-code. The voucher is created with this code and this fixed OTP, so of
 * the values the brief allows changing only BASE_URL and API_KEY need to be.
 */
const VOUCHER_CODE = '3225118500682251';
const VERIFICATION_CODE = '735191';

let sandbox: RunningSandbox;
let client: SandboxClient;
let examples: EndToEndExamples;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 23 });
  client = new SandboxClient(sandbox);
  examples = extractEndToEndExamples(await readFile(SEED, 'utf8'));
});
afterAll(() => sandbox.close());
beforeEach(() => client.adminOk('POST', '/reset'));

function expectOnce(code: string, line: string): void {
  expect(code.split(line).length - 1, `the example has exactly one ${JSON.stringify(line)}`).toBe(1);
}

/** Replaces one exact line of the example, failing loudly if the document no longer has it. */
function replaceOnce(code: string, from: string, to: string): string {
  expectOnce(code, from);
  return code.replace(from, to);
}

/**
 * A merchant with a fresh secp256k1 pair written where the example looks for it (so its
 * generateKeyPairIfMissing does nothing), the public key registered, and the voucher it redeems.
 */
async function prepare(): Promise<{ dir: string; apiKey: string; merchantId: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'omnivas-doc-example-'));
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'secp256k1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'sec1', format: 'pem' },
  });
  await writeFile(join(dir, 'ec-secp256k1-priv-key.pem'), privateKey);
  await writeFile(join(dir, 'ec-secp256k1-pub-key.pem'), publicKey);
  const merchant = await client.adminOk('POST', '/merchants', { publicKeyPem: publicKey, serviceFee: 1 });
  await client.createVoucher({ code: VOUCHER_CODE, amount: 1000, fixedOtp: VERIFICATION_CODE });
  return { dir, apiKey: merchant.apiKey, merchantId: merchant.id };
}

/** What the redeem leaves behind: 500 to the merchant, the 1.000000 fee to OmniVAS. */
async function expectRedeemed(merchantId: string): Promise<void> {
  const voucher = await client.voucher(VOUCHER_CODE);
  expect(voucher).toMatchObject({ remainingBalance: '499.000000', status: 'ACTIVE', claims: [] });
  const moves = (await client.ledger()).filter((e) => e.kind === 'redemption' || e.kind === 'service-fee');
  expect(moves.map((e) => [e.kind, e.to, e.amount])).toEqual([
    ['redemption', `merchant:${merchantId}`, '500.000000'],
    ['service-fee', 'omnivas:fees', '1.000000'],
  ]);
}

async function pythonReady(): Promise<void> {
  try {
    await run('python3', ['-c', 'import requests, cryptography']);
  } catch (err) {
    throw new Error(
      `python3 with requests and cryptography is needed to run the document's Python example: apt-get install python3-requests python3-cryptography (${err instanceof Error ? err.message : String(err)})`,
      { cause: err },
    );
  }
}

describe("the API reference's own end-to-end examples run against the sandbox", () => {
  it('are found under their heading, the JavaScript whole and the Python needing only its indentation back', () => {
    expect(examples.js.startsWith("import crypto from 'node:crypto';")).toBe(true);
    expect(examples.js.trimEnd().endsWith('});')).toBe(true);
    expect(examples.python.startsWith('import base64')).toBe(true);
    expect(examples.python.trimEnd().endsWith('main()')).toBe(true);
    const restored = restorePythonIndentation(examples.python);
    expect(restored.replace(/^[ ]+/gm, '')).toBe(examples.python);
    expect(restored).toContain(
      "\n    if not access_token:\n        raise RuntimeError(f'Login failed: {login_response}')\n    initiate_result",
    );
  });

  it('the JavaScript example (node example.mjs) redeems', async () => {
    const { dir, apiKey, merchantId } = await prepare();
    let code = replaceOnce(
      examples.js,
      "const BASE_URL = 'https://tapi.telesend.et/api/v1/merchant/client';",
      `const BASE_URL = '${sandbox.url}';`,
    );
    code = replaceOnce(code, "const API_KEY = 'YOUR_API_KEY';", `const API_KEY = '${apiKey}';`);
    // the voucher is created with the example's own code and OTP, so those lines stay as written
    expectOnce(code, `const VOUCHER_CODE = '${VOUCHER_CODE}';`);
    expectOnce(code, `const VERIFICATION_CODE = '${VERIFICATION_CODE}';`);
    await writeFile(join(dir, 'example.mjs'), code);
    const { stdout } = await run(process.execPath, ['example.mjs'], { cwd: dir });
    expect(stdout).toMatch(/Initiate response: \{[^]*success: true[^]*OTP Code has been sent to user Successfully/);
    expect(stdout).toMatch(
      /Redeem response: \{[^]*success: true[^]*message: 'Gift redeemed successfully'[^]*response: 'Success'/,
    );
    await expectRedeemed(merchantId);
  });

  it('the Python example (python3 example.py) redeems', async () => {
    await pythonReady();
    const { dir, apiKey, merchantId } = await prepare();
    let code = replaceOnce(
      restorePythonIndentation(examples.python),
      "BASE_URL = 'https://tapi.telesend.et/api/v1/merchant/client'",
      `BASE_URL = '${sandbox.url}'`,
    );
    code = replaceOnce(code, "API_KEY = 'YOUR_API_KEY'", `API_KEY = '${apiKey}'`);
    expectOnce(code, `\nVOUCHER_CODE = '${VOUCHER_CODE}'`);
    expectOnce(code, `\nVERIFICATION_CODE = '${VERIFICATION_CODE}'`);
    await writeFile(join(dir, 'example.py'), code);
    // requests would honour a proxy from the environment; the sandbox is on loopback
    const { stdout } = await run('python3', ['example.py'], {
      cwd: dir,
      env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
    });
    expect(stdout).toMatch(
      /Initiate response: \{'success': True, 'message': 'OTP Code has been sent to user Successfully'/,
    );
    expect(stdout).toMatch(
      /Redeem response: \{'success': True, 'message': 'Gift redeemed successfully'[^]*'response': 'Success'/,
    );
    await expectRedeemed(merchantId);
  });
});
