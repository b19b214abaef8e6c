/**
 * Bad input over the whole command line, table-driven: target files, key files, options and output
 * paths. Every case must end with its documented exit code (2 unless said), exactly one line on
 * stderr, no stack trace, and none of the secrets the fixtures hold in any output. Every case is
 * refused before a request, a suite or k6 starts, so the table stays fast.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportPrivateKeyPem, exportPublicKeyPem, generatePrivateKey } from '../lib/keys';
import { cli, writeTargetFixture } from './testing';
import type { TargetFixture } from './testing';

const dir = mkdtempSync(join(tmpdir(), 'omnivas-bad-input-'));
const fixture: TargetFixture = writeTargetFixture(dir, { name: 'good.json' });
const secp = generatePrivateKey('secp256k1');
const ed = generatePrivateKey('ed25519');
const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;
const encrypted = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
  cipher: 'aes-256-cbc',
  passphrase: 'not-a-secret-passphrase',
}) as string;

/** Every form of every secret the fixtures hold: none may appear in any output. */
const SECRETS = [
  fixture.apiKey,
  fixture.apiKey.slice(0, 16),
  ...fixture.privateKeyPem.split('\n').filter((l) => l !== '' && !l.startsWith('-----')),
  ...exportPrivateKeyPem(secp)
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('-----')),
  Buffer.from(secp.privateKey).toString('hex'),
  Buffer.from(secp.privateKey).toString('base64'),
];

const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
};

/** A target file: the good fixture's fields with `change` applied (undefined deletes a field). */
function target(name: string, change: (config: Record<string, unknown>) => void): string {
  const config = {
    name: 'fixture',
    baseUrl: 'http://127.0.0.1:9/api/v1/merchant/client',
    profile: 'merchant-v1',
    // Relative: an absolute mkdtemp path can look like base64 to the inline-secret check.
    auth: { apiKeyEnv: fixture.apiKeyEnv, privateKeyFile: basename(fixture.keyPath), keyType: 'secp256k1' },
    fixtures: { vouchers: [{ code: '3225118500682251' }] },
    otp: { source: 'fixed', code: '123456' },
  } as Record<string, unknown>;
  change(config);
  const keyFile = (config.auth as Record<string, unknown> | undefined)?.privateKeyFile;
  if (typeof keyFile === 'string' && keyFile.startsWith(dir)) auth(config).privateKeyFile = basename(keyFile);
  return file(`${name}.json`, JSON.stringify(config, null, 2));
}
const auth = (config: Record<string, unknown>) => config.auth as Record<string, unknown>;

/** Target files each refused by loadTargetFile, before any request: [what, path, message]. */
function badTargets(): [string, string, RegExp][] {
  mkdirSync(join(dir, 'a-folder.json'), { recursive: true });
  return [
    ['a missing target file', join(dir, 'nope.json'), /cannot read target file .*no such file/],
    ['a folder as target file', join(dir, 'a-folder.json'), /it is a directory/],
    ['an empty target file', file('empty.json', ''), /not valid JSON|JSON/],
    ['a target file that is not JSON', file('broken.json', '{"name": '), /line 1/],
    ['a target file with a trailing comma', file('comma.json', '{"name": "x",}'), /JSON/],
    ['a JSON array', file('array.json', '[]'), /expected an object|object/],
    ['a JSON string', file('string.json', '"target"'), /object/],
    ['JSON null', file('null.json', 'null'), /object/],
    [
      'a key given twice',
      file('dup.json', JSON.stringify({ name: 'x' }, null, 2).replace('"name": "x"', '"name": "x",\n  "name": "y"')),
      /"name" is given twice \(again on line 3\)/,
    ],
    [
      'a nested key given twice',
      file(
        'dup-auth.json',
        targetText().replace(
          `"apiKeyEnv": "${fixture.apiKeyEnv}",`,
          `"apiKeyEnv": "${fixture.apiKeyEnv}",\n    "apiKeyEnv": "OTHER",`,
        ),
      ),
      /"auth.apiKeyEnv" is given twice/,
    ],
    ['no name', target('no-name', (c) => delete c.name), /"name"/],
    ['a number as name', target('num-name', (c) => (c.name = 7)), /"name"/],
    ['no baseUrl', target('no-url', (c) => delete c.baseUrl), /"baseUrl"/],
    ['a baseUrl that is no URL', target('url-words', (c) => (c.baseUrl = 'not a url')), /"baseUrl"/],
    ['an ftp baseUrl', target('url-ftp', (c) => (c.baseUrl = 'ftp://127.0.0.1/x')), /"baseUrl"/],
    [
      'plain http to another machine',
      target('url-http', (c) => (c.baseUrl = 'http://api.example.invalid/api/v1/merchant/client')),
      /not this machine/,
    ],
    [
      'a user name in the baseUrl',
      target('url-user', (c) => (c.baseUrl = 'https://me:pw@api.example.invalid/api/v1/merchant/client')),
      /user name or password/,
    ],
    [
      'a query in the baseUrl',
      target('url-query', (c) => (c.baseUrl = 'https://api.example.invalid/api/v1/merchant/client?x=1')),
      /\?query/,
    ],
    [
      'a fragment in the baseUrl',
      target('url-fragment', (c) => (c.baseUrl = 'https://api.example.invalid/api/v1/merchant/client#x')),
      /#fragment/,
    ],
    ['a number as baseUrl', target('url-number', (c) => (c.baseUrl = 8080)), /"baseUrl"/],
    ['an unknown profile', target('profile', (c) => (c.profile = 'merchant-v2')), /"profile"/],
    ['no auth', target('no-auth', (c) => delete c.auth), /"auth"/],
    ['auth as a string', target('auth-string', (c) => (c.auth = 'key')), /"auth"/],
    ['no apiKeyEnv', target('no-env', (c) => delete auth(c).apiKeyEnv), /"auth.apiKeyEnv"/],
    [
      'the API key itself in apiKeyEnv',
      target('inline-key', (c) => (auth(c).apiKeyEnv = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc9Xq2mZ7xL4vB8nR1')),
      /"auth.apiKeyEnv"/,
    ],
    [
      'an API key variable that is not set',
      target('env-unset', (c) => (auth(c).apiKeyEnv = 'OMNIVAS_TEST_NEVER_SET')),
      /environment variable OMNIVAS_TEST_NEVER_SET .* is not set/,
    ],
    [
      'an API key variable that is empty',
      target('env-empty', (c) => (auth(c).apiKeyEnv = 'OMNIVAS_TEST_EMPTY')),
      /OMNIVAS_TEST_EMPTY .* is empty/,
    ],
    [
      'a missing key file',
      target('key-missing', (c) => (auth(c).privateKeyFile = 'nowhere.pem')),
      /auth.privateKeyFile .*nowhere\.pem: no such file/,
    ],
    [
      'both privateKeyFile and privateKeyEnv',
      target('key-both', (c) => (auth(c).privateKeyEnv = 'SOME_PEM')),
      /exactly one of "privateKeyFile" .* got both/,
    ],
    [
      'a private key variable that is not set',
      target('key-env', (c) => {
        delete auth(c).privateKeyFile;
        auth(c).privateKeyEnv = 'OMNIVAS_TEST_NO_PEM';
      }),
      /OMNIVAS_TEST_NO_PEM .* is not set/,
    ],
    ['an empty key file', target('key-empty', (c) => (auth(c).privateKeyFile = file('empty.pem', ''))), /empty|PEM/],
    [
      'a garbage key file',
      target('key-garbage', (c) => (auth(c).privateKeyFile = file('garbage.pem', 'hello\nworld\n'))),
      /PEM/,
    ],
    [
      'a broken PEM body',
      target(
        'key-broken',
        (c) =>
          (auth(c).privateKeyFile = file(
            'broken.pem',
            '-----BEGIN EC PRIVATE KEY-----\n!!!notbase64!!!\n-----END EC PRIVATE KEY-----\n',
          )),
      ),
      /base64|PEM|key/,
    ],
    [
      'a public key where the private key goes',
      target('key-public', (c) => (auth(c).privateKeyFile = file('public.pem', exportPublicKeyPem(secp)))),
      /public key/,
    ],
    [
      'a P-256 key',
      target('key-p256', (c) => (auth(c).privateKeyFile = file('p256.pem', p256))),
      /curve|P-256|prime256v1/,
    ],
    [
      'an encrypted key',
      target('key-encrypted', (c) => (auth(c).privateKeyFile = file('encrypted.pem', encrypted))),
      /encrypted|passphrase/,
    ],
    [
      'an Ed25519 key where keyType says secp256k1',
      target('key-type', (c) => (auth(c).privateKeyFile = file('ed.pem', exportPrivateKeyPem(ed)))),
      /"auth.keyType" is "secp256k1" but .* ed25519/,
    ],
    ['an unknown keyType', target('key-rsa', (c) => (auth(c).keyType = 'rsa')), /"auth.keyType"/],
    [
      'a partner target with a secp256k1 key',
      target('partner-secp', (c) => (c.profile = 'partner')),
      /"auth.keyType"|ed25519/,
    ],
    ['a misspelt field', target('misspelt', (c) => (c.baseURL = c.baseUrl)), /did you mean "baseUrl"/],
    ['an unknown OTP source', target('otp-sms', (c) => (c.otp = { source: 'sms' })), /"otp.source"/],
    ['a short fixed OTP', target('otp-short', (c) => (c.otp = { source: 'fixed', code: '12' })), /"otp.code"/],
    [
      'an OTP command without --allow-otp-command',
      target('otp-command', (c) => (c.otp = { source: 'command', command: ['./get-otp.sh'] })),
      /--allow-otp-command/,
    ],
    [
      'an OTP command that is empty',
      target('otp-empty', (c) => (c.otp = { source: 'command', command: [] })),
      /"otp.command"/,
    ],
    [
      'vouchers that are not a list',
      target('vouchers', (c) => (c.fixtures = { vouchers: 'x' })),
      /"fixtures.vouchers"/,
    ],
    [
      'a PEM block in a field',
      target('inline-pem', (c) => (c.name = exportPrivateKeyPem(secp))),
      /looks like a secret \(a PEM block\)/,
    ],
    [
      'an unknown expectation',
      target('expect', (c) => (c.expectations = { inFlight: 'wait' })),
      /"expectations.inFlight" is not a known field|expectations/,
    ],
  ];
}

/** The good fixture's JSON text, for cases that need text JSON.stringify cannot make (a repeated key). */
function targetText(): string {
  const config = {
    name: 'fixture',
    baseUrl: 'http://127.0.0.1:9/api/v1/merchant/client',
    profile: 'merchant-v1',
    auth: { apiKeyEnv: fixture.apiKeyEnv, privateKeyFile: basename(fixture.keyPath), keyType: 'secp256k1' },
  };
  return JSON.stringify(config, null, 2);
}

interface Case {
  readonly argv: readonly string[];
  readonly message?: RegExp;
  readonly code?: number;
}

function cases(): Record<string, Case> {
  const table: Record<string, Case> = {};
  const privPath = file('secp.pem', exportPrivateKeyPem(secp));
  const pubPath = file('secp-pub.pem', exportPublicKeyPem(secp));
  const aFile = file('a-file.txt', 'x');
  const body = '{"voucherCode":"3225118500682251","amount":500,"idempotencyKey":"k-1","metadata":"{}"}';
  const finals = file('finals.json', '[]');
  const history = file('history.log', '');

  // Target files, under every command that reads them.
  for (const [what, path, message] of badTargets()) {
    table[`certify: ${what}`] = { argv: ['certify', '--target', path, '--out', join(dir, 'out')], message };
    table[`smoke: ${what}`] = { argv: ['smoke', '--target', path, '--out', join(dir, 'out')], message };
    table[`load: ${what}`] = {
      argv: ['load', '--scenario', 'same-voucher-burst', '--target', path, '--out', join(dir, 'out')],
      message,
    };
  }

  // Key files.
  const keyCases: [string, string, RegExp][] = [
    ['missing', join(dir, 'missing.pem'), /--key .*missing\.pem: no such file/],
    ['empty', file('k-empty.pem', ''), /PEM|empty/],
    ['garbage', file('k-garbage.pem', 'not a key at all'), /PEM/],
    ['a public key', pubPath, /public key/],
    ['a P-256 key', file('k-p256.pem', p256), /curve|P-256|prime256v1/],
    ['an encrypted key', file('k-enc.pem', encrypted), /encrypted|passphrase/],
    ['a folder', dir, /directory/],
  ];
  for (const [what, path, message] of keyCases)
    table[`sign --key: ${what}`] = { argv: ['sign', '--key', path, '--body', body], message };
  for (const [what, path, message] of [
    ['missing', join(dir, 'missing-pub.pem'), /--pub .*no such file/],
    ['garbage', file('p-garbage.pem', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'), /key|PEM/],
    ['a P-256 key', file('p-p256.pem', p256), /curve|P-256|prime256v1/],
  ] as const)
    table[`verify --pub: ${what}`] = {
      argv: ['verify', '--pub', path, '--body', body, '--signature', 'AAAA'],
      message,
    };

  // Options: sign and verify.
  Object.assign(table, {
    'sign: no body': { argv: ['sign', '--key', privPath], message: /exactly one of --body/ },
    'sign: both bodies': {
      argv: ['sign', '--key', privPath, '--body', body, '--body-file', aFile],
      message: /exactly one of --body/,
    },
    'sign: a missing body file': {
      argv: ['sign', '--key', privPath, '--body-file', join(dir, 'missing-body.json')],
      message: /cannot read --body-file .*missing-body\.json: no such file/,
    },
    'sign: a body that is not JSON': { argv: ['sign', '--key', privPath, '--body', '{"a":'], message: /JSON/ },
    'sign: no --key': { argv: ['sign', '--body', body], message: /--key/ },
    'verify: no --signature': { argv: ['verify', '--pub', pubPath, '--body', body], message: /--signature/ },
  } satisfies Record<string, Case>);

  // Options: keys.
  Object.assign(table, {
    'keys: an unknown type': { argv: ['keys', 'generate', '--type', 'rsa', '--out', dir], message: /rsa/ },
    'keys: no type': { argv: ['keys', 'generate', '--out', dir], message: /--type/ },
    'keys: a folder under a file': {
      argv: ['keys', 'generate', '--type', 'secp256k1', '--out', join(aFile, 'keys')],
      message: /--out .*a-file\.txt.*(not a directory|it is a file)/,
    },
    'keys: a file as folder': {
      argv: ['keys', 'generate', '--type', 'secp256k1', '--out', aFile],
      message: /--out .*a-file\.txt cannot be created: it is a file/,
    },
    'keys: sec1 for Ed25519': {
      argv: ['keys', 'generate', '--type', 'ed25519', '--format', 'sec1', '--out', dir],
      message: /pkcs8/,
    },
    'keys: an unknown format': {
      argv: ['keys', 'generate', '--type', 'ed25519', '--format', 'der', '--out', dir],
      message: /--format/,
    },
  } satisfies Record<string, Case>);

  // Options: certify (each refused before the embedded sandbox or a suite starts).
  Object.assign(table, {
    'certify: an unknown area': { argv: ['certify', '--only', 'nope'], message: /--only: unknown area "nope"/ },
    'certify: a negative seed': { argv: ['certify', '--seed', '-1'], message: /--seed/ },
    'certify: a seed in words': { argv: ['certify', '--seed', 'ten'], message: /--seed/ },
    'certify: a seed in exponent form': { argv: ['certify', '--seed', '1e3'], message: /--seed/ },
    'certify: a seed too large': { argv: ['certify', '--seed', '99999999999'], message: /--seed/ },
    'certify: a missing baseline': {
      argv: ['certify', '--baseline', join(dir, 'nope-baseline.json')],
      message: /--baseline .*no such file/,
    },
    'certify: a baseline that is not JSON': {
      argv: ['certify', '--baseline', file('baseline-bad.json', '[')],
      message: /--baseline .* is not valid JSON/,
    },
    'certify: a baseline of numbers': {
      argv: ['certify', '--baseline', file('baseline-num.json', '[1, 2]')],
      message: /array of check ids/,
    },
    'certify: --defect with --target': {
      argv: ['certify', '--target', fixture.path, '--defect', 'fee-not-deducted'],
      message: /cannot be used with --target/,
    },
    'certify: an unknown option': { argv: ['certify', '--verbose'], message: /unknown option '--verbose'/ },
  } satisfies Record<string, Case>);

  // Options and output paths: smoke (refused before the embedded sandbox starts or any request).
  Object.assign(table, {
    'smoke: an amount in words': { argv: ['smoke', '--amount', 'ten'], message: /"--amount"/ },
    'smoke: an amount with 7 places': { argv: ['smoke', '--amount', '1.0000001'], message: /at most 6 places/ },
    'smoke: a negative amount': { argv: ['smoke', '--amount', '-1'], message: /"--amount"/ },
    'smoke: a seed in words': { argv: ['smoke', '--seed', 'x', '--out', join(dir, 'out')], message: /--seed/ },
    'smoke: an unknown defect': {
      argv: ['smoke', '--defect', 'bogus', '--out', join(dir, 'out')],
      message: /unknown defect "bogus"/,
    },
    'smoke: --out under a device': { argv: ['smoke', '--out', '/dev/null/x'], message: /OUTPUT_UNWRITABLE/ },
    'smoke: --out in /proc': { argv: ['smoke', '--out', '/proc/x'], message: /OUTPUT_UNWRITABLE/ },
    'smoke: --out a file': { argv: ['smoke', '--out', aFile], message: /exists and is not a folder/ },
    'smoke: --out under a file': { argv: ['smoke', '--out', join(aFile, 'x')], message: /is not a folder/ },
  } satisfies Record<string, Case>);

  // Options: load (refused before k6 starts).
  const load = (...argv: string[]) => ['load', '--out', join(dir, 'out'), ...argv];
  Object.assign(table, {
    'load: no scenario': { argv: ['load'], message: /--scenario/ },
    'load: an unknown scenario': { argv: load('--scenario', 'stampede'), message: /stampede/ },
    'load: an unknown profile': { argv: load('--scenario', 'steady-flow', '--profile', 'huge'), message: /huge/ },
    'load: zero VUs': { argv: load('--scenario', 'same-voucher-burst', '--vus', '0'), message: /--vus/ },
    'load: too many VUs': { argv: load('--scenario', 'same-voucher-burst', '--vus', '1001'), message: /--vus/ },
    'load: VUs in words': { argv: load('--scenario', 'same-voucher-burst', '--vus', 'many'), message: /--vus/ },
    'load: too many vouchers': {
      argv: load('--scenario', 'same-voucher-burst', '--vouchers', '101'),
      message: /--vouchers/,
    },
    'load: a fill in words': { argv: load('--scenario', 'same-voucher-burst', '--fill', 'lots'), message: /--fill/ },
    'load: a duration too long': {
      argv: load('--scenario', 'steady-flow', '--duration', '99h'),
      message: /--duration/,
    },
    'load: a duration without unit': {
      argv: load('--scenario', 'steady-flow', '--duration', '90'),
      message: /duration expected a whole number and one unit/,
    },
    'load: a renewal at 0 s': {
      argv: load('--scenario', 'steady-flow', '--renew-token-after', '0'),
      message: /--renew-token-after/,
    },
    'load: an unknown signing mode': {
      argv: load('--scenario', 'steady-flow', '--signing', 'later'),
      message: /--signing/,
    },
    'load: --defect with --target': {
      argv: load('--scenario', 'same-voucher-burst', '--target', fixture.path, '--defect', 'fee-not-deducted'),
      message: /cannot be used with --target/,
    },
    'load: a good target that is not a sandbox': {
      argv: load('--scenario', 'same-voucher-burst', '--target', fixture.path),
      message: /has no sandbox powers to provision vouchers: list the vouchers the run may spend in "load\.vouchers"/,
    },
    'load: a seed in words': { argv: load('--scenario', 'same-voucher-burst', '--seed', 'x'), message: /--seed/ },
  } satisfies Record<string, Case>);

  // Options: mutants, check-history, sandbox, and the program itself.
  Object.assign(table, {
    'mutants: zero jobs': { argv: ['mutants', '--jobs', '0'], message: /--jobs/ },
    'mutants: jobs in words': { argv: ['mutants', '--jobs', 'all'], message: /--jobs/ },
    'mutants: an unknown defect': { argv: ['mutants', '--only', 'bogus'], message: /bogus/ },
    'mutants: --out under a device': {
      argv: ['mutants', '--only', 'fee-not-deducted', '--out', '/dev/null/x'],
      message: /OUTPUT_UNWRITABLE/,
    },
    'check-history: a missing history': {
      argv: ['check-history', '--history', join(dir, 'nope.log'), '--finals', finals],
      message: /cannot read --history .*nope\.log: no such file/,
    },
    'check-history: missing finals': {
      argv: ['check-history', '--history', history, '--finals', join(dir, 'nope-finals.json')],
      message: /--finals/,
    },
    'check-history: finals that are not JSON': {
      argv: ['check-history', '--history', history, '--finals', file('finals-bad.json', '{')],
      message: /--finals/,
    },
    'check-history: finals of the wrong shape': {
      argv: ['check-history', '--history', history, '--finals', file('finals-shape.json', '[{"v": 1}]')],
      message: /--finals .* expected/,
    },
    'check-history: --out under a device': {
      argv: ['check-history', '--history', history, '--finals', finals, '--out', '/dev/null/x'],
      message: /OUTPUT_UNWRITABLE/,
    },
    'check-history: --out in /proc': {
      argv: ['check-history', '--history', history, '--finals', finals, '--out', '/proc/x'],
      message: /OUTPUT_UNWRITABLE/,
    },
    'sandbox: a port in words': { argv: ['sandbox', '--port', 'eighty'], message: /--port/ },
    'sandbox: a port too large': { argv: ['sandbox', '--port', '70000'], message: /--port/ },
    'sandbox: a missing fixtures file': {
      argv: ['sandbox', '--fixtures', join(dir, 'nope-fixtures.json')],
      message: /fixtures/,
    },
    'sandbox: fixtures that are not JSON': {
      argv: ['sandbox', '--fixtures', file('fixtures-bad.json', '{')],
      message: /fixtures|JSON/,
    },
    'sandbox: an unknown defect': { argv: ['sandbox', '--defect', 'bogus'], message: /unknown defect "bogus"/ },
    'an unknown command': { argv: ['frobnicate'], message: /unknown command 'frobnicate'/ },
  } satisfies Record<string, Case>);
  return table;
}

let table: Record<string, Case>;
beforeAll(() => {
  process.env.OMNIVAS_TEST_EMPTY = '';
  table = cases();
});

describe('bad input over the command line', () => {
  it('has at least 150 cases', () => {
    expect(Object.keys(table).length).toBeGreaterThanOrEqual(150);
  });

  // One test for the table (vitest's it.each needs the names before beforeAll runs): each case is
  // checked in turn and every failure is named with its case.
  it('every case: exit 2 (or its documented code), one line on stderr, no stack trace, no secret', async () => {
    const problems: string[] = [];
    for (const [name, c] of Object.entries(table)) {
      const r = await cli(...c.argv);
      const all = `${r.out}\n${r.err}`;
      const wanted = c.code ?? 2;
      if (r.code !== wanted) problems.push(`${name}: exit ${r.code}, expected ${wanted}: ${r.err}`);
      // commander adds "(run with --help for usage)" after a usage error: part of the same message.
      const lines = r.errLines.filter((l) => l !== '(run with --help for usage)');
      if (lines.length !== 1) problems.push(`${name}: ${lines.length} lines on stderr: ${JSON.stringify(lines)}`);
      if (/\n\s+at [\w.<>]+ \(|\bat async\b|internal error/.test(all)) problems.push(`${name}: a stack trace: ${all}`);
      if (c.message !== undefined && !c.message.test(r.err))
        problems.push(`${name}: ${r.err} does not match ${c.message}`);
      for (const secret of SECRETS) if (all.includes(secret)) problems.push(`${name}: a secret in the output`);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
