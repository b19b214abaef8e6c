import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ReferenceClient } from '../client-cert/reference-client';
import { runCli } from './program';

function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const done = runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { out, err, done };
}

async function lineMatching(lines: string[], re: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 300; i++) {
    for (const line of lines) {
      const m = re.exec(line);
      if (m) return m;
    }
    await sleep(20);
  }
  throw new Error(`no line matched ${re}`);
}

describe('omnivas-harness certify-client', () => {
  it('lets a test script drive the plan through the control API, grades it, and keeps the API key out of the reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnivas-cc-'));
    const keys = mkdtempSync(join(tmpdir(), 'omnivas-cc-keys-'));
    const run = cli(
      'certify-client',
      '--generate-key',
      keys,
      '--control-port',
      '0',
      '--quick',
      '--scenario',
      'full-redemption',
      'redeem-5031',
      '--out',
      dir,
    );
    const [, baseUrl] = await lineMatching(run.out, /^base URL: +(\S+)/);
    const [, apiKey] = await lineMatching(run.out, /^API key: +(\S+)/);
    const [, controlUrl] = await lineMatching(run.out, /^control API: +(\S+)/);
    const privateKeyPem = readFileSync(join(keys, 'ec-secp256k1-priv-key.pem'), 'utf8');
    await new ReferenceClient({ baseUrl: baseUrl!, controlUrl: controlUrl!, apiKey: apiKey!, privateKeyPem }).run();
    expect(await run.done).toBe(0);
    const stdout = run.out.join('\n');
    expect(stdout).toMatch(/PASS 2\. redeem-5031/);
    expect(stdout.split(apiKey!)).toHaveLength(2); // printed once, to the person
    for (const file of ['certification.json', 'junit.xml', 'report.html']) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text, file).not.toContain(apiKey);
      expect(text, file).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    }
    expect(JSON.parse(readFileSync(join(dir, 'certification.json'), 'utf8')).verdict).toBe('pass');
  }, 60_000);

  it('refuses a missing key choice and an unknown scenario with exit 2', async () => {
    const none = cli('certify-client');
    expect(await none.done).toBe(2);
    expect(none.err.join('\n')).toMatch(/exactly one of --key PUB\.pem .* or --generate-key DIR/);
    const keys = mkdtempSync(join(tmpdir(), 'omnivas-cc-keys-'));
    const unknown = cli('certify-client', '--generate-key', keys, '--scenario', 'nope');
    expect(await unknown.done).toBe(2);
    expect(unknown.err.join('\n')).toMatch(/--scenario "nope" is not in the plan; choose from full-redemption/);
  });
});
