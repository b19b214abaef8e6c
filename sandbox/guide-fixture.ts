/**
 * Test support: a tiny guide in the shape of the merchant API guide's text form (the heading, a `js`
 * label, the JavaScript, a `python` label glued to its last line, the Python with its indentation
 * lost, the next section glued to its last line), with our own short examples: login, initiate,
 * redeem-gift. The JavaScript runs on Node alone; the Python on python3's standard library and the
 * openssl command (for the ECDSA signature), so the tests need no pip package.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface GuideVariant {
  /** How the JavaScript encodes its signature: 'ieee-p1363' as documented, 'der' to break it. */
  readonly jsSignatureEncoding?: 'ieee-p1363' | 'der';
  /** Leave the API_KEY constant out of both examples. */
  readonly withoutApiKey?: boolean;
  /** The amount both examples claim. */
  readonly amount?: number;
}

export const FIXTURE_VOUCHER = '1111222233334444';
export const FIXTURE_OTP = '246810';

function javascript(v: GuideVariant): string[] {
  return [
    "import { sign } from 'node:crypto';",
    "import { readFileSync } from 'node:fs';",
    "const BASE_URL = 'https://merchant-api.example.invalid/v1';",
    ...(v.withoutApiKey ? [] : ["const API_KEY = 'PASTE_YOUR_KEY';"]),
    `const VOUCHER_CODE = '${FIXTURE_VOUCHER}';`,
    `const VERIFICATION_CODE = '${FIXTURE_OTP}';`,
    "const KEY_FILE = 'merchant-priv.pem';",
    "const PUB_FILE = 'merchant-pub.pem'; // the half to register in the portal",
    'async function call(path, body, token) {',
    'const text = JSON.stringify(body);',
    "const headers = { 'content-type': 'application/json' };",
    'if (token) {',
    "headers['x-api-token'] = token;",
    `headers['x-signature'] = sign('sha256', Buffer.from(text), { key: readFileSync(KEY_FILE, 'utf8'), dsaEncoding: '${v.jsSignatureEncoding ?? 'ieee-p1363'}' }).toString('base64');`,
    '}',
    "const res = await fetch(BASE_URL + path, { method: 'POST', headers, body: text });",
    'return res.json();',
    '}',
    "const login = await call('/auth/login', { key: typeof API_KEY === 'string' ? API_KEY : '' });",
    `const claim = await call('/topup-transactions/initiate-claim', { voucherCode: VOUCHER_CODE, amount: ${v.amount ?? 25}, idempotencyKey: 'fixture-js-1', metadata: '{}' }, login.accessToken);`,
    "console.log('claim:', claim.message);",
    "const redeem = await call('/topup-transactions/redeem-gift', { voucherCode: VOUCHER_CODE, verificationCode: VERIFICATION_CODE, idempotencyKey: 'fixture-js-1', metadata: '{}' }, login.accessToken);",
    "console.log('redeem:', redeem.message);",
    'if (!redeem.success) process.exit(1);',
  ];
}

function python(v: GuideVariant): string[] {
  return [
    'import base64',
    'import json',
    'import subprocess',
    'import urllib.request',
    "BASE_URL = 'https://merchant-api.example.invalid/v1'",
    ...(v.withoutApiKey ? [] : ["API_KEY = 'PASTE_YOUR_KEY'"]),
    `VOUCHER_CODE = '${FIXTURE_VOUCHER}'`,
    `VERIFICATION_CODE = '${FIXTURE_OTP}'`,
    "KEY_FILE = 'merchant-priv.pem'",
    "PUB_FILE = 'merchant-pub.pem'",
    'def p1363(der):',
    'r_len = der[3]',
    "r = int.from_bytes(der[4:4 + r_len], 'big')",
    "s = int.from_bytes(der[6 + r_len:], 'big')",
    "return r.to_bytes(32, 'big') + s.to_bytes(32, 'big')",
    'def signature(text):',
    "der = subprocess.run(['openssl', 'dgst', '-sha256', '-sign', KEY_FILE], input=text.encode(), capture_output=True, check=True).stdout",
    'return base64.b64encode(p1363(der)).decode()',
    'def call(path, body, token=None):',
    "text = json.dumps(body, separators=(',', ':'))",
    "headers = {'content-type': 'application/json', 'x-api-token': token, 'x-signature': signature(text)} if token else {'content-type': 'application/json'}",
    "request = urllib.request.Request(BASE_URL + path, data=text.encode(), headers=headers, method='POST')",
    'with urllib.request.urlopen(request) as response:',
    'return json.loads(response.read())',
    'def main():',
    "token = call('/auth/login', {'key': API_KEY})['accessToken']",
    `claim = call('/topup-transactions/initiate-claim', {'voucherCode': VOUCHER_CODE, 'amount': ${v.amount ?? 25}, 'idempotencyKey': 'fixture-py-1', 'metadata': '{}'}, token)`,
    "print('claim:', claim['message'])",
    "redeem = call('/topup-transactions/redeem-gift', {'voucherCode': VOUCHER_CODE, 'verificationCode': VERIFICATION_CODE, 'idempotencyKey': 'fixture-py-1', 'metadata': '{}'}, token)",
    "print('redeem:', redeem['message'])",
    "if __name__ == '__main__':",
    'main()',
  ];
}

/** The guide's text: its examples among other sections, laid out as the guide's text form is. */
export function guideText(variant: GuideVariant = {}): string {
  return [
    'Merchant API (fixture)',
    '| Code | Meaning |',
    '|---|---|',
    '| 4091 | Insufficient balance |',
    'End-to-End Example (Single Snippet)',
    'js',
    ...javascript(variant),
  ]
    .join('\n')
    .concat('python\n', python(variant).join('\n'), 'Security Best Practices\nKeep keys out of source control.\n');
}

/** Writes the guide as `name` in `dir` and returns its path. */
export async function writeGuide(dir: string, name: string, variant: GuideVariant = {}): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, guideText(variant));
  return path;
}
