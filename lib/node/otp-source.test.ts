import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { otpFetcher } from './otp-source';

const SECRET = 'tk_live_s3cr3t_value_for_the_otp_test';

describe('otpFetcher: the command source', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  });

  it('is refused without the command line opt-in, naming --allow-otp-command', () => {
    const source = { source: 'command', command: ['/bin/true'] } as const;
    expect(() => otpFetcher(source, undefined)).toThrow(/--allow-otp-command/);
    expect(() => otpFetcher(source, undefined, { allowCommand: false })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it('runs the program with PATH, HOME and the locale only: no secret, no OMNIVAS_* variable but the voucher', async () => {
    process.env.OMNIVAS_API_KEY = SECRET;
    process.env.OMNIVAS_SANDBOX_ADMIN_TOKEN = SECRET;
    process.env.SOME_OTHER_SECRET = SECRET;
    const envFile = join(mkdtempSync(join(tmpdir(), 'omnivas-otp-')), 'env.json');
    const script = `require('fs').writeFileSync(${JSON.stringify(envFile)}, JSON.stringify(process.env)); process.stdout.write('654321\\n')`;
    const fetch = otpFetcher({ source: 'command', command: [process.execPath, '-e', script] }, undefined, {
      allowCommand: true,
    });
    expect(await fetch!({ voucherCode: '3225118500682251' })).toBe('654321');
    const env = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
    expect(env.OMNIVAS_VOUCHER_CODE).toBe('3225118500682251');
    expect(env.PATH).toBe(process.env.PATH);
    expect(JSON.stringify(env)).not.toContain(SECRET);
    expect(Object.keys(env).filter((name) => name.startsWith('OMNIVAS_'))).toEqual(['OMNIVAS_VOUCHER_CODE']);
    expect(
      Object.keys(env).every((name) =>
        /^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|LC_\w+|TZ|TMPDIR|OMNIVAS_VOUCHER_CODE)$/.test(name),
      ),
    ).toBe(true);
  });
});
