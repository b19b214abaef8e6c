/**
 * The OTP bridge: it answers only with its bearer token, gives the source's OTP or a redacted
 * reason, and, through runLoad, lets k6 redeem with a target's http or command OTP
 * source — without its token, the API key, the private key or the admin token reaching the out dir
 * or the output; with no OTP source the flows stop at the claim. The end-to-end runs need k6
 * (npm run k6:install) and fail without it.
 */
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmbeddedSandbox, type EmbeddedSandbox } from '../../suites/embedded-sandbox';
import { SERVICE_FEE } from '../../suites/embedded-sandbox';
import type * as bridgeModule from './otp-bridge';
import { startOtpBridge } from './otp-bridge';
import { describeLoadRun, runLoad } from './run-load';
import { LOAD_TEST_TIMEOUT_MS } from './testing';

/** A known bridge token for the runs through runLoad, so the test can look for it. */
const { KNOWN_TOKEN, newToken } = vi.hoisted(() => {
  const token = `bridge-token-${'x'.repeat(24)}`;
  return { KNOWN_TOKEN: token, newToken: vi.fn(() => token) };
});
vi.mock('./otp-bridge', async (original) => ({ ...(await original<typeof bridgeModule>()), newBridgeToken: newToken }));

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('OTP bridge', () => {
  it('answers the OTP with its token only, and a redacted reason when the source fails', async () => {
    const failures: string[] = [];
    const bridge = await startOtpBridge({
      token: 'the-token',
      fetchOtp: async (voucher) => {
        if (voucher === 'bad') throw new Error('source said secret-value');
        return '123456';
      },
      onFailure: (m) => failures.push(m),
      redact: (text) => text.replaceAll('secret-value', '[redacted]'),
    });
    try {
      const ask = (voucher: string, authorization?: string) =>
        fetch(
          `${bridge.url}/otp?voucherCode=${voucher}`,
          authorization === undefined ? {} : { headers: { authorization } },
        );
      expect((await ask('V1')).status).toBe(401);
      expect((await ask('V1', 'Bearer the-tokeN')).status).toBe(401);
      const ok = await ask('V1', 'Bearer the-token');
      expect(await ok.json()).toEqual({ otp: '123456' });
      const bad = await ask('bad', 'Bearer the-token');
      expect(bad.status).toBe(502);
      const body = await bad.text();
      expect(body).toContain('[redacted]');
      expect(body).not.toContain('secret-value');
      expect(failures).toEqual([expect.stringContaining('voucher bad')]);
      expect(bridge.counts).toEqual({ answered: 1, failed: 1 });
      expect((await fetch(`${bridge.url}/other`, { headers: { authorization: 'Bearer the-token' } })).status).toBe(404);
    } finally {
      await bridge.close();
    }
  });
});

describe('OTP sources of a target file through runLoad', { timeout: LOAD_TEST_TIMEOUT_MS }, () => {
  let sandbox: EmbeddedSandbox;
  let otpServer: Server;
  let otpUrl: string;
  const env = {
    OMNIVAS_BRIDGE_TEST_KEY: '',
    OMNIVAS_BRIDGE_TEST_PEM: '',
    OMNIVAS_BRIDGE_TEST_ADMIN: '',
    OMNIVAS_BRIDGE_TEST_ADMIN_URL: '',
  };

  /** The latest OTP the sandbox sent for the voucher, as a relay a tester runs would give it. */
  const latestOtp = async (voucher: string) => (await sandbox.admin.sms({ voucherCode: voucher })).at(-1)?.otp ?? '';

  beforeAll(async () => {
    sandbox = await startEmbeddedSandbox({ seed: 3, serviceFee: SERVICE_FEE });
    Object.assign(env, {
      OMNIVAS_BRIDGE_TEST_KEY: sandbox.target.apiKey,
      OMNIVAS_BRIDGE_TEST_PEM: sandbox.secretsEnv['OMNIVAS_SANDBOX_PRIVATE_KEY'],
      OMNIVAS_BRIDGE_TEST_ADMIN: sandbox.access.adminToken,
      OMNIVAS_BRIDGE_TEST_ADMIN_URL: sandbox.access.adminUrl,
    });
    Object.assign(process.env, env);
    otpServer = createServer((req, res) => {
      const voucher = new URL(req.url ?? '/', 'http://relay').searchParams.get('voucher') ?? '';
      void latestOtp(voucher).then((otp) => res.end(JSON.stringify({ otp })));
    });
    await new Promise<void>((done) => otpServer.listen(0, '127.0.0.1', done));
    otpUrl = `http://127.0.0.1:${(otpServer.address() as AddressInfo).port}/otp?voucher={voucherCode}`;
    return async () => {
      for (const name of Object.keys(env)) delete process.env[name];
      await new Promise<void>((done) => otpServer.close(() => done()));
      await sandbox.close();
    };
  });

  async function runWith(otp: Record<string, unknown>) {
    const dir = await mkdtemp(join(tmpdir(), 'omnivas-bridge-'));
    dirs.push(dir);
    const target = join(dir, 'target.json');
    await writeFile(
      target,
      JSON.stringify({
        name: 'loopback sandbox',
        baseUrl: sandbox.target.config.baseUrl,
        profile: 'merchant-v1',
        auth: { apiKeyEnv: 'OMNIVAS_BRIDGE_TEST_KEY', privateKeyEnv: 'OMNIVAS_BRIDGE_TEST_PEM', keyType: 'secp256k1' },
        otp,
        sandbox: { adminUrl: sandbox.access.adminUrl, adminTokenEnv: 'OMNIVAS_BRIDGE_TEST_ADMIN' },
      }),
    );
    const out = join(dir, 'out');
    const lines: string[] = [];
    // These sources answer by voucher only: ten vouchers keep one voucher's flows from overlapping (load/README.md).
    const run = await runLoad({
      scenario: 'steady-flow',
      durationSeconds: 3,
      vouchers: 10,
      seed: 4,
      target,
      out,
      // The command source runs a program: only with the command line's explicit opt-in.
      allowOtpCommand: otp.source === 'command',
      log: { out: (l) => lines.push(l), err: (l) => lines.push(l) },
    });
    const output = [...lines, ...describeLoadRun(run)].join('\n');
    // Every file the run wrote, for the secrets that must not be in any of them.
    const written = await Promise.all((await readdir(out)).map((f) => readFile(join(out, f), 'utf8')));
    return { run, output, ops: run.history, everything: [output, ...written].join('\n') };
  }

  function expectRedeemedWithoutLeaks(run: Awaited<ReturnType<typeof runWith>>): void {
    expect(run.output).toContain('OTPs: bridge');
    expect(newToken).toHaveBeenCalled(); // the token looked for below is the one k6 used
    const redeems = run.ops.filter((op) => op.op === 'redeem');
    expect(redeems.length).toBeGreaterThan(0);
    expect(redeems.map((op) => `${op.voucher} ${op.status}`)).toEqual(redeems.map((op) => `${op.voucher} 200`));
    expect(redeems).toHaveLength(run.ops.filter((op) => op.op === 'claim').length);
    for (const secret of [KNOWN_TOKEN, env.OMNIVAS_BRIDGE_TEST_KEY, env.OMNIVAS_BRIDGE_TEST_ADMIN, 'PRIVATE KEY'])
      expect(run.everything).not.toContain(secret);
    expect(run.run.pass, run.output).toBe(true);
  }

  it('http: k6 redeems every claim with the OTP the bridge fetched from the endpoint', async () => {
    expectRedeemedWithoutLeaks(await runWith({ source: 'http', url: otpUrl }));
  });

  it('command: k6 redeems every claim with the OTP the command printed', async () => {
    // Dots in the path: a long run of base64 letters in a target file reads as a secret and is refused.
    const dir = await mkdtemp(join(tmpdir(), 'omnivas.otp.command.'));
    dirs.push(dir);
    const script = join(dir, 'otp.mjs');
    // Reads the outbox as a tester's script would. The command gets no secret through its environment
    // (only PATH, HOME, locale and OMNIVAS_VOUCHER_CODE), so the admin URL and token come from a file
    // of the tester's own, beside the script, readable by its owner only.
    const access = join(dir, 'admin.json');
    await writeFile(access, JSON.stringify({ url: sandbox.access.adminUrl, token: env.OMNIVAS_BRIDGE_TEST_ADMIN }), {
      mode: 0o600,
    });
    await writeFile(
      script,
      `import { readFileSync } from 'node:fs';\nconst admin = JSON.parse(readFileSync(${JSON.stringify(access)}, 'utf8'));\nconst res = await fetch(admin.url + '/sms?voucherCode=' + process.env.OMNIVAS_VOUCHER_CODE, { headers: { authorization: 'Bearer ' + admin.token } });\nconsole.log((await res.json()).messages.at(-1).otp);\n`,
    );
    await chmod(script, 0o700);
    expectRedeemedWithoutLeaks(await runWith({ source: 'command', command: [process.execPath, script] }));
  });

  it('none: the flows stop after the claim and its detail read, and the checker judges reservations only', async () => {
    const run = await runWith({ source: 'none' });
    expect(run.output).toContain('OTPs: none');
    expect(run.ops.filter((op) => op.op === 'claim').length).toBeGreaterThan(0);
    expect(run.ops.filter((op) => op.op === 'claim').every((op) => op.status === 200)).toBe(true);
    expect(run.ops.filter((op) => op.op === 'redeem')).toEqual([]);
    expect(run.run.verdict).toMatchObject({ valid: true, otpSource: false });
    expect(run.run.pass, run.output).toBe(true);
  });
});
