import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './program';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('omnivas-harness openapi', () => {
  it('prints the merchant description as YAML by default', async () => {
    const r = await cli('openapi');
    expect(r.code).toBe(0);
    const doc = parse(r.out) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/topup-transactions/redeem-gift');
  });

  it("writes JSON to a file, and the sandbox's partner description apart", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omnivas-openapi-'));
    const file = join(dir, 'merchant.json');
    const r = await cli('openapi', '--out', file, '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.err).toContain(file);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { info: { title: string } };
    expect(doc.info.title).toBe('OmniVAS Digital Voucher Card Merchant API');
    const sandbox = await cli('openapi', '--sandbox');
    expect((parse(sandbox.out) as { info: { 'x-sandbox-only': boolean } }).info['x-sandbox-only']).toBe(true);
  });

  it('refuses an unknown format and an unwritable file', async () => {
    expect((await cli('openapi', '--format', 'xml')).code).toBe(2);
    const r = await cli('openapi', '--out', '/nonexistent-dir/x.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot write --out \/nonexistent-dir\/x\.yaml/);
  });
});
