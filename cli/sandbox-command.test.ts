import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFECTS } from '../sandbox/defects';
import { runCli } from './program';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err: err.join('\n') };
}

describe('omnivas-harness sandbox', () => {
  it('refuses a port in use with exit 2 and one line, not an internal error', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const r = await cli('sandbox', '--port', String(port));
      expect(r.code).toBe(2);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(
        new RegExp(
          `port ${port} on 127\\.0\\.0\\.1 is already in use; pick another --port.*\\[SANDBOX_PORT_UNAVAILABLE\\]$`,
        ),
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it.each([
    [['--port', 'eighty'], /--port expected a whole number from 0 to 65535/],
    [['--port', '70000'], /--port expected a whole number/],
    [['--seed', '-1'], /--seed expected a whole number/],
    [['--verbose'], /unknown option '--verbose'/],
    [
      ['--defect', 'signature-not-chekced'],
      /unknown defect "signature-not-chekced"; valid names: signature-not-checked/,
    ],
  ])('refuses %j with exit 2', async (argv, message) => {
    const r = await cli('sandbox', ...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('--list-defects prints the 35 seeded defects, each with its area and rule, and starts nothing', async () => {
    const r = await cli('sandbox', '--list-defects');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toHaveLength(35);
    expect(DEFECTS).toHaveLength(35);
    DEFECTS.forEach((d, i) => {
      const [name, area, severity, ...rule] = r.out[i]!.split(/\s{2,}/);
      expect([name, area, severity, rule.join('  ')]).toEqual([d.name, d.area, d.severity, d.rule]);
    });
    expect(r.out[0]).toMatch(/^signature-not-checked +signature +critical +Every POST under \/topup-transactions/);
    const help = await cli('sandbox', '--help');
    expect(help.out.join('\n')).toMatch(/--list-defects +print the 35 seeded defects, one a line: name, area/);
  });

  it('prints one JSON line, serves, and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', MAIN, 'sandbox', '--seed', '9', '--defect', 'otp-reusable'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines = createInterface({ input: child.stdout! });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}) before printing its line`)));
    });
    const started = JSON.parse(first) as Record<string, unknown>;
    expect(Object.keys(started)).toEqual([
      'url',
      'partnerUrl',
      'adminUrl',
      'adminToken',
      'seed',
      'defects',
      'testHooks',
    ]);
    expect(started).toMatchObject({ seed: 9, defects: ['otp-reusable'] });
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/merchant\/client$/);
    const answer = await fetch(`${String(started.adminUrl)}/clock`, {
      headers: { authorization: `Bearer ${String(started.adminToken)}` },
    });
    expect(answer.status).toBe(200);
    const more: string[] = [];
    lines.on('line', (line) => more.push(line));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(more).toEqual([]);
  });
});
