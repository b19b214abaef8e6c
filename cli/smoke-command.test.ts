import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './program';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('omnivas-harness smoke', () => {
  it('runs the documented flow against the embedded sandbox, money exact, transcript redacted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnivas-smoke-'));
    const r = await cli('smoke', '--out', dir, '--amount', '12.345678');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ok {3}7\. balance after: remainingBalance 36\.654322 \(exact\)/);
    const transcript = readFileSync(join(dir, 'transcript.json'), 'utf8');
    const exchanges = JSON.parse(transcript) as { requestHeaders: Record<string, string>; requestBody?: string }[];
    expect(exchanges.length).toBe(6);
    // The login body's key and every x-api-token are redacted; nothing JWT-shaped is left.
    expect(transcript).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    for (const e of exchanges)
      if (e.requestHeaders['x-api-token'] !== undefined) expect(e.requestHeaders['x-api-token']).toMatch(/REDACTED/);
    expect(exchanges[0]!.requestBody).toMatch(/REDACTED/);
    expect(exchanges.filter((e) => e.requestHeaders['x-api-token'] !== undefined)).toHaveLength(5);
  });

  it('fails, naming the step and the exact arithmetic, when the sandbox forgets the fee', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnivas-smoke-'));
    const r = await cli('smoke', '--out', dir, '--defect', 'fee-not-deducted');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /FAIL 7\. balance after: remainingBalance is 40\.000000; 50\.000000 − 10\.000000 − fee 1\.000000 = 39\.000000/,
    );
  });

  it('fails the step whose answer breaks the API description, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnivas-smoke-'));
    const r = await cli('smoke', '--out', dir, '--defect', 'detail-amounts-not-6-places');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /FAIL 3\. voucher detail: the answer breaks the API description .*voucher-detail HTTP 200: \$\.data\.voucher\.amount expected a string matching/,
    );
  });

  it('refuses a bad amount, an unknown defect and a missing target file with exit 2', async () => {
    expect((await cli('smoke', '--amount', '1.0000001')).err).toMatch(/"--amount" expected .* at most 6 places/);
    expect((await cli('smoke', '--defect', 'bogus')).code).toBe(2);
    const missing = await cli('smoke', '--target', '/nonexistent/target.json');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read target file \/nonexistent\/target\.json: no such file/);
  });
});
