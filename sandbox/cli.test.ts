import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSandboxCliArgs, startSandbox } from './index';

describe('sandbox command line', () => {
  it('parses --port, --fixtures, repeated --defect and --seed (also as --flag=value)', () => {
    expect(parseSandboxCliArgs(['--port', '8080', '--fixtures=f.json', '--defect', 'otp-reusable', '--defect=fee-not-deducted', '--seed', '42'])).toEqual({ port: 8080, fixturesFile: 'f.json', defects: ['otp-reusable', 'fee-not-deducted'], seed: 42 });
    expect(parseSandboxCliArgs([])).toEqual({ port: 0, fixturesFile: undefined, defects: [], seed: undefined });
  });

  it.each([
    [['--port', 'eighty'], '--port expected a whole number'],
    [['--port', '70000'], '--port expected a whole number'],
    [['--seed'], '--seed expected a whole number'],
    [['--verbose'], 'unknown argument "--verbose"'],
    [['--fixtures'], '--fixtures expected a file name'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSandboxCliArgs(argv)).toThrow(message);
  });

  it('an unknown defect is refused with the valid names', async () => {
    await expect(startSandbox({ defects: ['signature-not-chekced'] })).rejects.toMatchObject({ code: 'SANDBOX_UNKNOWN_DEFECT', message: expect.stringContaining('signature-not-checked') });
  });

  it('prints one JSON line, serves, and stops cleanly on SIGTERM', async () => {
    const script = `import { runSandboxCli } from ${JSON.stringify(fileURLToPath(new URL('./index.ts', import.meta.url)))};
process.exitCode = await runSandboxCli(['--seed', '9', '--defect', 'otp-reusable']);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: child.stdout! });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}) before printing its line`)));
    });
    const started = JSON.parse(first);
    expect(Object.keys(started)).toEqual(['url', 'partnerUrl', 'adminUrl', 'adminToken', 'seed', 'defects']);
    expect(started).toMatchObject({ seed: 9, defects: ['otp-reusable'] });
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/merchant\/client$/);
    const answer = await fetch(`${started.adminUrl}/clock`, { headers: { authorization: `Bearer ${started.adminToken}` } });
    expect(answer.status).toBe(200);
    const more: string[] = [];
    lines.on('line', (line) => more.push(line));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(more).toEqual([]);
  });
});
