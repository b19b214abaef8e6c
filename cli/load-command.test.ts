/**
 * `load` refuses bad input before starting anything: unknown scenario or profile, VUs beyond the
 * bound, a duration or token renewal out of range, a target off this machine (NOT_LOOPBACK),
 * --defect with --target. The runs themselves are tested through runLoad in load/k6/*.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportPrivateKeyPem, generatePrivateKey } from '../lib/keys';
import { runCli } from './program';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const ENV = {
  OMNIVAS_LOADTEST_KEY: 'test-api-key-not-a-secret',
  OMNIVAS_LOADTEST_PEM: exportPrivateKeyPem(generatePrivateKey('secp256k1')),
  OMNIVAS_LOADTEST_ADMIN: 'admin-token-x',
};

function targetFile(baseUrl: string, adminUrl: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'omnivas-load-target-')), 'target.json');
  writeFileSync(
    file,
    JSON.stringify({
      name: 'somewhere',
      baseUrl,
      profile: 'merchant-v1',
      auth: { apiKeyEnv: 'OMNIVAS_LOADTEST_KEY', privateKeyEnv: 'OMNIVAS_LOADTEST_PEM', keyType: 'secp256k1' },
      otp: { source: 'sandbox-outbox' },
      sandbox: { adminUrl, adminTokenEnv: 'OMNIVAS_LOADTEST_ADMIN' },
    }),
  );
  return file;
}

afterEach(() => {
  for (const name of Object.keys(ENV)) delete process.env[name];
});

describe('omnivas-harness load: input', () => {
  it('refuses an unknown scenario or profile, naming the choices', async () => {
    const scenario = await cli('load', '--scenario', 'burst');
    expect(scenario.code).toBe(2);
    expect(scenario.err).toMatch(
      /--scenario: unknown "burst"; choose from same-voucher-burst, idempotency-storm, steady-flow, soak, faults \[INVALID_ARGUMENT\]/,
    );
    const profile = await cli('load', '--scenario', 'same-voucher-burst', '--profile', 'heavy');
    expect(profile.err).toMatch(/profile: unknown "heavy"; choose from smoke, load, stress, soak, spike/);
  });

  it('bounds the VUs, vouchers and fill', async () => {
    expect((await cli('load', '--scenario', 'same-voucher-burst', '--vus', '1001')).err).toMatch(
      /--vus expected a whole number from 1 to 1000, got "1001"/,
    );
    expect((await cli('load', '--scenario', 'same-voucher-burst', '--vus', '0')).code).toBe(2);
    // One rule for both: digits only, so 1e3 is refused alike (it is 1000, within --vus's range).
    for (const flag of ['--vus', '--vouchers']) {
      const r = await cli('load', '--scenario', 'same-voucher-burst', flag, '1e3');
      expect([r.code, r.err]).toEqual([
        2,
        `omnivas-harness: ${flag} expected a whole number from 1 to ${flag === '--vus' ? 1000 : 100}, got "1e3" [INVALID_ARGUMENT]`,
      ]);
    }
    expect((await cli('load', '--scenario', 'same-voucher-burst', '--vouchers', '101')).err).toMatch(
      /--vouchers expected a whole number from 1 to 100/,
    );
    expect((await cli('load', '--scenario', 'same-voucher-burst', '--fill', '-1')).err).toMatch(
      /--fill expected a number above 0/,
    );
  });

  it('refuses --duration beyond 30 minutes and --renew-token-after beyond 240 s, and both on a burst', async () => {
    const duration = await cli('load', '--scenario', 'steady-flow', '--duration', '31m');
    expect([duration.code, duration.err]).toEqual([
      2,
      expect.stringMatching(/--duration expected from 1s to 30m, got "31m"/),
    ]);
    const renew = await cli('load', '--scenario', 'steady-flow', '--renew-token-after', '241');
    expect([renew.code, renew.err]).toEqual([
      2,
      expect.stringMatching(/--renew-token-after expected a whole number from 1 to 240/),
    ]);
    const burst = await cli('load', '--scenario', 'same-voucher-burst', '--duration', '5s');
    expect([burst.code, burst.err]).toEqual([2, expect.stringMatching(/apply to the flow scenarios/)]);
  });

  it('refuses a target that is not on this machine with NOT_LOOPBACK, before any request', async () => {
    Object.assign(process.env, ENV);
    const remote = await cli(
      'load',
      '--scenario',
      'same-voucher-burst',
      '--target',
      targetFile('https://api.example.com/api/v1/merchant/client', 'http://127.0.0.1:1/admin'),
    );
    expect(remote.code).toBe(2);
    expect(remote.err).toMatch(
      /"baseUrl" in .* is https:\/\/api\.example\.com\/api\/v1\/merchant\/client, not this machine; load runs target loopback only .*\[NOT_LOOPBACK\]/,
    );
    const remoteAdmin = await cli(
      'load',
      '--scenario',
      'same-voucher-burst',
      '--target',
      targetFile('http://127.0.0.1:1/api/v1/merchant/client', 'https://admin.example.com/admin'),
    );
    expect(remoteAdmin.err).toMatch(/"sandbox.adminUrl" .* \[NOT_LOOPBACK\]/);
    // The secrets named by the file never appear in the message.
    expect(remote.err + remoteAdmin.err).not.toContain(ENV.OMNIVAS_LOADTEST_KEY);
  });

  it('refuses --defect with --target', async () => {
    const r = await cli(
      'load',
      '--scenario',
      'same-voucher-burst',
      '--target',
      'x.json',
      '--defect',
      'reservation-check-then-act',
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--defect .* cannot be used with --target/);
  });
});
