/**
 * `load --dry-run` against a target off this machine (a host under .invalid, which never resolves):
 * with the target file's consent it prints the plan and exits 0 having sent nothing; without
 * consent, or beyond a limit, it is refused with the fix (exit 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { exportPrivateKeyPem, generatePrivateKey } from '../lib/keys';
import { runCli } from './program';

const ENV = {
  OMNIVAS_DRYRUN_KEY: 'test-api-key-not-a-secret',
  OMNIVAS_DRYRUN_PEM: exportPrivateKeyPem(generatePrivateKey('secp256k1')),
};
const dir = mkdtempSync(join(tmpdir(), 'omnivas-dry-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  for (const name of Object.keys(ENV)) delete process.env[name];
  vi.restoreAllMocks();
});

const LOAD = {
  allowed: true,
  maxArrivalRate: 5,
  maxVus: 10,
  maxDurationSeconds: 60,
  vouchers: [
    { code: '3225118500682251', amount: '20.000000' },
    { code: '3225118500682252', amount: '20.000000' },
  ],
};

function targetFile(name: string, load: unknown): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name: 'test environment',
      baseUrl: 'https://vouchers.test.invalid/api/v1/merchant/client',
      profile: 'merchant-v1',
      auth: { apiKeyEnv: 'OMNIVAS_DRYRUN_KEY', privateKeyEnv: 'OMNIVAS_DRYRUN_PEM', keyType: 'secp256k1' },
      otp: { source: 'fixed', code: '735191' },
      ...(load === undefined ? {} : { load }),
    }),
  );
  return file;
}

async function cli(...argv: string[]) {
  Object.assign(process.env, ENV);
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('omnivas-harness load --dry-run against a remote target', () => {
  it('with consent: prints the plan and sends nothing', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const out = join(dir, 'out');
    const r = await cli(
      'load',
      '--scenario',
      'steady-flow',
      '--duration',
      '10s',
      '--target',
      targetFile('consents', LOAD),
      '--out',
      out,
      '--dry-run',
    );
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('dry run: nothing sent to https://vouchers.test.invalid/api/v1/merchant/client');
    expect(r.out).toMatch(
      /plan: steady-flow, profile smoke, 2 flows\/s for 10 s \(at most 22 flows\) by up to 5 VUs; without sandbox powers/,
    );
    expect(r.out).toContain('vouchers (target file): 3225118500682251 20.000000, 3225118500682252 20.000000');
    expect(r.out).toContain(
      'latency thresholds: login, initiate-claim, voucher-detail, redeem-gift p95 < 1000 ms (profile smoke)',
    );
    expect(r.out).toContain('spends at most 40.000000');
    expect(fetchSpy).not.toHaveBeenCalled();
    // Not even the out dir: nothing ran.
    expect(() => rmSync(out)).toThrow(/ENOENT/);
  });

  it('without consent: refused with the fix, exit 2', async () => {
    for (const load of [undefined, { ...LOAD, allowed: false }]) {
      const r = await cli('load', '--scenario', 'steady-flow', '--target', targetFile('no-consent', load), '--dry-run');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(
        /"baseUrl" in .*no-consent\.json is https:\/\/vouchers\.test\.invalid\S+, not this machine; load runs target loopback only unless the target file consents: add "load": \{"allowed": true.*\[NOT_LOOPBACK\]$/,
      );
      expect(r.err).not.toContain(ENV.OMNIVAS_DRYRUN_KEY);
    }
  });

  it('beyond a limit, or a scenario needing sandbox powers: refused, exit 2', async () => {
    const target = targetFile('limits', LOAD);
    const vus = await cli('load', '--scenario', 'steady-flow', '--vus', '11', '--target', target, '--dry-run');
    expect([vus.code, vus.err]).toEqual([
      2,
      expect.stringMatching(/--vus 11 is above "load\.maxVus" 10 in .*\[INVALID_ARGUMENT\]/),
    ]);
    const duration = await cli(
      'load',
      '--scenario',
      'steady-flow',
      '--duration',
      '2m',
      '--target',
      target,
      '--dry-run',
    );
    expect([duration.code, duration.err]).toEqual([
      2,
      expect.stringMatching(/--duration 120 is above "load\.maxDurationSeconds" 60 .*lower --duration/),
    ]);
    const storm = await cli('load', '--scenario', 'idempotency-storm', '--target', target, '--dry-run');
    expect([storm.code, storm.err]).toEqual([2, expect.stringMatching(/idempotency-storm needs sandbox powers/)]);
  });
});
