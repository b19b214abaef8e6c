import { execFileSync } from 'node:child_process';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './program';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const BODY = '{"voucherCode":"3225118500682251","amount":500,"idempotencyKey":"unique-key-123","metadata":"{}"}';

describe('omnivas-harness CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'omnivas-cli-'));
  });

  it('answers --help for the program and each command', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/keys/);
    expect(top.out).toMatch(/Exit codes/);
    const verify = await cli('verify', '--help');
    expect(verify.out).toMatch(/--signature <base64>/);
    expect(verify.out).toMatch(/Exit code 0 only when the signature is valid/);
  });

  it('generates keys with the private key at mode 0600, refusing to overwrite', async () => {
    const r = await cli('keys', 'generate', '--type', 'secp256k1', '--out', dir);
    expect(r.code).toBe(0);
    const priv = join(dir, 'ec-secp256k1-priv-key.pem');
    expect(statSync(priv).mode & 0o777).toBe(0o600);
    expect(readFileSync(priv, 'utf8')).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(r.out).toContain('-----BEGIN PUBLIC KEY-----');
    expect(r.out).not.toContain('PRIVATE KEY-----');
    execFileSync('openssl', ['ec', '-in', priv, '-noout', '-check'], { stdio: 'pipe' });
    const again = await cli('keys', 'generate', '--type', 'secp256k1', '--out', dir);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already exists; pass --force/);
    expect((await cli('keys', 'generate', '--type', 'ed25519', '--out', dir)).code).toBe(0);
  });

  it('creates a missing --out folder, parents included, at mode 0700; refuses a file in its place with one line', async () => {
    const out = join(dir, 'new', 'keys');
    const r = await cli('keys', 'generate', '--type', 'ed25519', '--out', out);
    expect(r.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(statSync(join(out, 'ed25519-priv-key.pem')).mode & 0o777).toBe(0o600);
    const help = await cli('keys', 'generate', '--help');
    expect(help.out.replace(/\s+/g, ' ')).toMatch(/created \(mode 0700\) when missing/);
    expect(help.out).not.toMatch(/must exist/);
    const file = join(out, 'ed25519-pub-key.pem');
    const onFile = await cli('keys', 'generate', '--type', 'ed25519', '--out', file);
    expect(onFile.code).toBe(2);
    expect(onFile.err).toBe(
      `omnivas-harness: --out ${file} cannot be created: it is a file; give a folder you can write to [INVALID_ARGUMENT]`,
    );
  });

  it('refuses a --baseline or --body-file that cannot be read, or is not JSON, with exit 2 and one line', async () => {
    const none = join(dir, 'none.json');
    const missing = await cli('certify', '--baseline', none);
    expect([missing.code, missing.err]).toEqual([
      2,
      `omnivas-harness: cannot read --baseline ${none}: no such file (relative paths are resolved from ${process.cwd()}) [FILE_UNREADABLE]`,
    ]);
    writeFileSync(join(dir, 'baseline.json'), '["sig.rejects-der"');
    const broken = await cli('certify', '--baseline', join(dir, 'baseline.json'));
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(
      /^omnivas-harness: "--baseline \S+baseline\.json" is not valid JSON: .*\[INVALID_JSON\]$/,
    );
    const body = await cli('sign', '--key', join(dir, 'ec-secp256k1-priv-key.pem'), '--body-file', none);
    expect([body.code, body.err]).toEqual([
      2,
      `omnivas-harness: cannot read --body-file ${none}: no such file (relative paths are resolved from ${process.cwd()}) [FILE_UNREADABLE]`,
    ]);
  });

  it('keys generate --force never writes through a symbolic link planted where a key goes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'omnivas-keys-'));
    const victim = join(mkdtempSync(join(tmpdir(), 'omnivas-victim-')), 'authorized_keys');
    writeFileSync(victim, 'victim content\n', { mode: 0o644 });
    const priv = join(out, 'ec-secp256k1-priv-key.pem');
    symlinkSync(victim, priv);
    for (const argv of [['--force'], []]) {
      const r = await cli('keys', 'generate', '--type', 'secp256k1', '--out', out, ...argv);
      expect(r.code).toBe(2);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/is a symbolic link; .*remove the link/);
      expect(readFileSync(victim, 'utf8')).toBe('victim content\n');
      expect(statSync(victim).mode & 0o777).toBe(0o644);
      expect(lstatSync(priv).isSymbolicLink()).toBe(true);
    }
    expect(readdirSync(out)).toEqual(['ec-secp256k1-priv-key.pem']); // no temporary file left

    // A regular file is replaced (not rewritten in place): a new inode, at mode 0600 even if it was 0644.
    rmSync(priv);
    writeFileSync(priv, 'old', { mode: 0o644 });
    const before = statSync(priv).ino;
    expect((await cli('keys', 'generate', '--type', 'secp256k1', '--out', out, '--force')).code).toBe(0);
    expect(statSync(priv).ino).not.toBe(before);
    expect(statSync(priv).mode & 0o777).toBe(0o600);
    expect(readFileSync(priv, 'utf8')).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(readdirSync(out).sort()).toEqual(['ec-secp256k1-priv-key.pem', 'ec-secp256k1-pub-key.pem']);
  });

  it('signs a body so that Node crypto verifies the printed payload', async () => {
    const r = await cli('sign', '--key', join(dir, 'ec-secp256k1-priv-key.pem'), '--body', BODY);
    expect(r.code).toBe(0);
    const payload = /^payload: (.*)$/m.exec(r.out)![1]!;
    const signature = /^x-signature: (.*)$/m.exec(r.out)![1]!;
    expect(payload).toBe(BODY);
    const pub = createPublicKey(readFileSync(join(dir, 'ec-secp256k1-pub-key.pem')));
    expect(
      nodeVerify(
        'sha256',
        Buffer.from(payload),
        { key: pub, dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64'),
      ),
    ).toBe(true);
  });

  it("prints a login body's payload byte for byte, its key included (the console redacts messages, not the document)", async () => {
    const login = '{"key":"tk_live_0123456789abcdef"}';
    const r = await cli('sign', '--key', join(dir, 'ec-secp256k1-priv-key.pem'), '--body', login);
    expect([r.code, /^payload: (.*)$/m.exec(r.out)?.[1]]).toEqual([0, login]);
    const openapi = await cli('openapi', '--format', 'json');
    expect(openapi.out).toContain('"key": "YOUR_API_KEY"');
  });

  it('notes how a pretty-printed body differs from the payload it signs', async () => {
    const file = join(dir, 'pretty.json');
    writeFileSync(file, JSON.stringify(JSON.parse(BODY), null, 2));
    const r = await cli('sign', '--key', join(dir, 'ec-secp256k1-priv-key.pem'), '--body-file', file);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/note: .*whitespace/i);
  });

  it('verifies: exit 0 when valid, 1 with the reason when not', async () => {
    const signed = await cli('sign', '--key', join(dir, 'ec-secp256k1-priv-key.pem'), '--body', BODY, '--json');
    const { signature } = JSON.parse(signed.out) as { signature: string };
    const pub = join(dir, 'ec-secp256k1-pub-key.pem');
    const ok = await cli('verify', '--pub', pub, '--body', BODY, '--signature', signature);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^valid/);
    const tampered = await cli('verify', '--pub', pub, '--body', BODY.replace('500', '501'), '--signature', signature);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toMatch(/invalid: other-key-or-body/);
    const der = execFileSync('openssl', ['dgst', '-sha256', '-sign', join(dir, 'ec-secp256k1-priv-key.pem')], {
      input: BODY,
    }).toString('base64');
    const derResult = await cli('verify', '--pub', pub, '--body', BODY, '--signature', der);
    expect(derResult.code).toBe(1);
    expect(derResult.out).toMatch(/invalid: der-instead-of-p1363/);
  });

  it('gives one clear line and exit 2 for bad input, with no key material', async () => {
    const missing = await cli('sign', '--key', join(dir, 'nope.pem'), '--body', BODY);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.pem: no such file/);
    const both = await cli('sign', '--key', join(dir, 'ec-secp256k1-priv-key.pem'));
    expect(both.err).toMatch(/exactly one of --body JSON or --body-file FILE/);
    const pubAsPriv = await cli('sign', '--key', join(dir, 'ec-secp256k1-pub-key.pem'), '--body', BODY);
    expect(pubAsPriv.code).toBe(2);
    expect(pubAsPriv.err).toMatch(/KEY_PUBLIC_NOT_PRIVATE/);
    const notJson = await cli('sign', '--key', join(dir, 'ec-secp256k1-priv-key.pem'), '--body', '{"a":');
    expect(notJson.code).toBe(2);
    expect(notJson.err).toMatch(/INVALID_JSON/);
    const badType = await cli('keys', 'generate', '--type', 'rsa', '--out', dir);
    expect(badType.code).toBe(2);
    const pemBody = readFileSync(join(dir, 'ec-secp256k1-priv-key.pem'), 'utf8').split('\n')[1]!;
    for (const r of [missing, both, pubAsPriv, notJson, badType])
      expect(r.err + r.out).not.toContain(pemBody.slice(0, 16));
  });
});
