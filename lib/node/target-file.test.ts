import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPrivateKeyPem, generatePrivateKey } from '../keys';
import { defaultSandboxTarget, parseTargetConfig, SANDBOX_SECRET_ENV } from '../target-config';
import { loadTargetFile, resolveTarget } from './target-file';

const API_KEY = 'tk_test_9fQ2mZ7xL4vB8nR1';
const secpKey = generatePrivateKey('secp256k1');
const SECP_PEM = exportPrivateKeyPem(secpKey);
const ED_PEM = exportPrivateKeyPem(generatePrivateKey('ed25519'));
const ENV = { OMNIVAS_API_KEY: API_KEY, OMNIVAS_PRIVATE_KEY: ED_PEM };

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'target-file-'));
  await mkdir(join(dir, 'keys'));
  await writeFile(join(dir, 'keys', 'merchant.pem'), SECP_PEM, { mode: 0o600 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const merchantTarget = (
  auth: Record<string, unknown> = { apiKeyEnv: 'OMNIVAS_API_KEY', privateKeyFile: 'keys/merchant.pem' },
) => ({
  name: 'acme',
  baseUrl: 'https://tapi.telesend.et/api/v1/merchant/client',
  profile: 'merchant-v1',
  auth,
});

async function targetFile(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

describe('loadTargetFile', () => {
  it('refuses a key given twice, naming it and the line of the second, at any depth', async () => {
    const text = JSON.stringify(merchantTarget(), null, 2);
    const twiceTop = text.replace(
      '"name": "acme",',
      '"name": "acme",\n  "baseUrl": "https://evil.example/api/v1/merchant/client",',
    );
    await expect(loadTargetFile(await targetFile('dup-top.json', twiceTop), ENV)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(
        /dup-top\.json: "baseUrl" is given twice \(again on line 4\); JSON keeps only the last/,
      ),
    });
    const twiceDeep = text.replace(
      '"apiKeyEnv": "OMNIVAS_API_KEY",',
      '"apiKeyEnv": "OMNIVAS_API_KEY",\n    "apiKeyEnv": "OTHER",',
    );
    await expect(loadTargetFile(await targetFile('dup-deep.json', twiceDeep), ENV)).rejects.toMatchObject({
      message: expect.stringMatching(/"auth\.apiKeyEnv" is given twice/),
    });
  });

  it('refuses an OTP command source without --allow-otp-command, before resolving any secret', async () => {
    const path = await targetFile('otp-command.json', {
      ...merchantTarget(),
      otp: { source: 'command', command: ['./get-otp.sh', '--voucher'] },
    });
    // No secrets in the environment: the refusal comes first, and names the program and the opt-in.
    await expect(loadTargetFile(path, {})).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/"otp.source" "command" would run "\.\/get-otp\.sh"; .*--allow-otp-command/),
    });
    const allowed = await loadTargetFile(path, ENV, { allowOtpCommand: true });
    expect(allowed.otpCommandAllowed).toBe(true);
    expect(allowed.config.otp).toEqual({ source: 'command', command: ['./get-otp.sh', '--voucher'] });
    expect((await loadTargetFile(await targetFile('plain.json', merchantTarget()), ENV)).otpCommandAllowed).toBe(false);
  });

  it('reads the config, the API key from the named variable and the key file relative to the target file', async () => {
    const path = await targetFile('ok.json', merchantTarget());
    const target = await loadTargetFile(path, ENV);
    expect(target.config.profile).toBe('merchant-v1');
    expect(target.apiKey).toBe(API_KEY);
    expect(target.privateKey.type).toBe('secp256k1');
    expect(target.privateKey.publicKey).toEqual(secpKey.publicKey);
    expect(target.adminToken).toBeUndefined();
    expect(target.warnings).toEqual([]);
    expect(Object.isFrozen(target)).toBe(true);
  });

  it('registers every secret with the redactor: API key, PEM lines, raw key bytes, admin token', async () => {
    const path = await targetFile('admin.json', {
      ...merchantTarget(),
      sandbox: { adminUrl: 'http://127.0.0.1:9', adminTokenEnv: 'ADMIN' },
    });
    const target = await loadTargetFile(path, { ...ENV, ADMIN: 'adm1n-t0ken-value' });
    expect(target.adminToken).toBe('adm1n-t0ken-value');
    const raw = Buffer.from(secpKey.privateKey).toString('base64');
    const leaky = JSON.stringify({ note: `key ${API_KEY} pem ${SECP_PEM} raw ${raw} admin adm1n-t0ken-value` });
    const out = target.redactor.redactText(leaky);
    for (const secret of [
      API_KEY,
      raw,
      'adm1n-t0ken-value',
      ...SECP_PEM.split('\n').filter((l) => l.length >= 6 && !l.startsWith('-----')),
    ])
      expect(out).not.toContain(secret);
  });

  it('takes a PEM from a variable and trims the newline a shell leaves on the API key', async () => {
    const path = await targetFile('env.json', {
      ...merchantTarget({ apiKeyEnv: 'OMNIVAS_API_KEY', privateKeyEnv: 'OMNIVAS_PRIVATE_KEY', keyType: 'ed25519' }),
    });
    const target = await loadTargetFile(path, { ...ENV, OMNIVAS_API_KEY: `${API_KEY}\n` });
    expect(target.apiKey).toBe(API_KEY);
    expect(target.privateKey.type).toBe('ed25519');
  });

  it('says when the file is missing, or a directory', async () => {
    await expect(loadTargetFile(join(dir, 'nope.json'), ENV)).rejects.toMatchObject({
      code: 'FILE_UNREADABLE',
      message: expect.stringMatching(/nope\.json: no such file/),
    });
    await expect(loadTargetFile(dir, ENV)).rejects.toMatchObject({
      code: 'FILE_UNREADABLE',
      message: expect.stringContaining('is a directory'),
    });
  });

  it('locates a JSON syntax error by line and column, and accepts a byte order mark', async () => {
    const path = await targetFile('bad.json', '{\n  "name": "acme",\n  "profile": "merchant-v1",\n}\n');
    await expect(loadTargetFile(path, ENV)).rejects.toMatchObject({
      code: 'INVALID_JSON',
      message: expect.stringMatching(/bad\.json.*line 4 column 1/),
    });
    const bom = await targetFile('bom.json', `\uFEFF${JSON.stringify(merchantTarget())}`);
    expect((await loadTargetFile(bom, ENV)).config.name).toBe('acme');
  });

  it('passes validation errors through, prefixed with the file', async () => {
    const path = await targetFile('typo.json', { ...merchantTarget(), profil: 'partner' });
    await expect(loadTargetFile(path, ENV)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/typo\.json: "profil" is not a known field; did you mean "profile"/),
    });
  });

  it('names a missing variable, never a value', async () => {
    const path = await targetFile('ok2.json', merchantTarget());
    await expect(loadTargetFile(path, {})).rejects.toMatchObject({
      code: 'SECRET_MISSING',
      message: expect.stringContaining('OMNIVAS_API_KEY (named by "auth.apiKeyEnv"'),
    });
    const envPath = await targetFile(
      'env2.json',
      merchantTarget({ apiKeyEnv: 'OMNIVAS_API_KEY', privateKeyEnv: 'NO_SUCH_PEM' }),
    );
    await expect(loadTargetFile(envPath, { OMNIVAS_API_KEY: API_KEY })).rejects.toMatchObject({
      code: 'SECRET_MISSING',
      message: expect.stringContaining('NO_SUCH_PEM'),
    });
    await expect(loadTargetFile(envPath, { OMNIVAS_API_KEY: API_KEY })).rejects.toMatchObject({
      message: expect.not.stringContaining(API_KEY),
    });
    await expect(loadTargetFile(path, { OMNIVAS_API_KEY: '  ' })).rejects.toMatchObject({
      message: expect.stringContaining('is empty'),
    });
  });

  it('says when the key file cannot be read, naming the field and the path', async () => {
    const path = await targetFile(
      'nokey.json',
      merchantTarget({ apiKeyEnv: 'OMNIVAS_API_KEY', privateKeyFile: 'keys/missing.pem' }),
    );
    await expect(loadTargetFile(path, ENV)).rejects.toMatchObject({
      code: 'KEY_FILE_UNREADABLE',
      message: expect.stringMatching(/auth\.privateKeyFile .*keys\/missing\.pem: no such file/),
    });
  });

  it("passes key import errors through with the field name, without the key's content", async () => {
    await writeFile(join(dir, 'keys', 'literal.pem'), SECP_PEM.replace(/\n/g, '\\n'), { mode: 0o600 });
    const path = await targetFile(
      'literal.json',
      merchantTarget({ apiKeyEnv: 'OMNIVAS_API_KEY', privateKeyFile: 'keys/literal.pem' }),
    );
    const err: unknown = await loadTargetFile(path, ENV).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KEY_GARBAGE', message: expect.stringContaining('auth.privateKeyFile') });
    for (const line of SECP_PEM.split('\n').filter((l) => l.length >= 6 && !l.startsWith('-----')))
      expect((err as Error).message).not.toContain(line.slice(0, 12));
  });

  it('refuses a key of another type than auth.keyType says', async () => {
    const path = await targetFile(
      'mismatch.json',
      merchantTarget({ apiKeyEnv: 'OMNIVAS_API_KEY', privateKeyEnv: 'OMNIVAS_PRIVATE_KEY', keyType: 'secp256k1' }),
    );
    await expect(loadTargetFile(path, ENV)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining(
        '"auth.keyType" is "secp256k1" but auth.privateKeyEnv OMNIVAS_PRIVATE_KEY holds a key of type ed25519',
      ),
    });
  });

  it('warns, without failing, when the key file is readable by group or others', async () => {
    await writeFile(join(dir, 'keys', 'open.pem'), SECP_PEM);
    await chmod(join(dir, 'keys', 'open.pem'), 0o644);
    const path = await targetFile(
      'open.json',
      merchantTarget({ apiKeyEnv: 'OMNIVAS_API_KEY', privateKeyFile: 'keys/open.pem' }),
    );
    const target = await loadTargetFile(path, ENV);
    expect(target.warnings).toEqual([
      expect.stringMatching(/readable by others \(mode 644\); run chmod 600 .*open\.pem/),
    ]);
  });
});

describe('resolveTarget', () => {
  it('resolves the embedded sandbox target from the sandbox variables', async () => {
    const config = defaultSandboxTarget({ url: 'http://127.0.0.1:1', adminUrl: 'http://127.0.0.1:2' });
    const target = await resolveTarget(config, {
      env: { [SANDBOX_SECRET_ENV.apiKey]: API_KEY, [SANDBOX_SECRET_ENV.privateKey]: SECP_PEM },
      baseDir: dir,
      origin: 'sandbox',
    });
    expect(target.apiKey).toBe(API_KEY);
    expect(target.privateKey.publicKey).toEqual(secpKey.publicKey);
  });
});

describe('resolveTarget with fixture credentials', () => {
  it('reads the second merchant and the partner credentials, and redacts their secrets too', async () => {
    const second = generatePrivateKey('ed25519');
    const partner = generatePrivateKey('ed25519');
    const config = parseTargetConfig({
      name: 't',
      baseUrl: 'http://127.0.0.1:1/api/v1/merchant/client',
      profile: 'merchant-v1',
      auth: { apiKeyEnv: 'K', privateKeyEnv: 'P' },
      fixtures: {
        secondMerchant: { apiKeyEnv: 'K2', privateKeyEnv: 'P2', keyType: 'ed25519' },
        partner: { baseUrl: 'http://127.0.0.1:1/api/v1/partner', apiKeyEnv: 'KP', privateKeyEnv: 'PP' },
      },
    });
    const env = {
      K: 'merchant-api-key-0001',
      P: exportPrivateKeyPem(generatePrivateKey('secp256k1')),
      K2: 'second-merchant-key-0002',
      P2: exportPrivateKeyPem(second),
      KP: 'partner-api-key-0003',
      PP: exportPrivateKeyPem(partner),
    };
    const target = await resolveTarget(config, { env, baseDir: '.', origin: 't.json' });
    expect(target.secondMerchant?.apiKey).toBe('second-merchant-key-0002');
    expect(target.partner?.privateKey.type).toBe('ed25519');
    const text = target.redactor.redactText(`${env.K2} ${env.KP} ${env.P2}`);
    expect(text).not.toContain('second-merchant-key-0002');
    expect(text).not.toContain('partner-api-key-0003');
    expect(text).not.toContain('PRIVATE KEY');
    await expect(
      resolveTarget(config, { env: { ...env, K2: '' }, baseDir: '.', origin: 't.json' }),
    ).rejects.toMatchObject({
      code: 'SECRET_MISSING',
      message: expect.stringMatching(/K2 \(named by "fixtures\.secondMerchant\.apiKeyEnv" in t\.json\)/),
    });
  });
});
