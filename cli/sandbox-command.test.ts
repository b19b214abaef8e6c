import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './program';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

async function cli(...argv: string[]) {
  const err: string[] = [];
  const code = await runCli(argv, { out: () => {}, err: (l) => err.push(l) });
  return { code, err: err.join('\n') };
}

describe('omnivas-harness sandbox', () => {
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
