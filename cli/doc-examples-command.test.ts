/** `omnivas-harness doc-examples`: what it prints, writes and exits with, on fixture guides (sandbox/guide-fixture.ts). */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeGuide } from '../sandbox/guide-fixture';
import { runCli } from './program';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omnivas-doc-examples-cli-'));
});

describe('omnivas-harness doc-examples', () => {
  it('exits 0 when both examples conform, printing their answers and checks, and writes doc-examples.json', async () => {
    const out = join(dir, 'ok');
    const r = await cli('doc-examples', '--doc', await writeGuide(dir, 'guide.txt'), '--out', out);
    expect(r.code, r.out.join('\n')).toBe(0);
    expect(r.out).toContain('javascript (node example.mjs): conforms');
    expect(r.out).toContain('python (python3 example.py): conforms');
    expect(r.out).toContain('  POST /topup-transactions/redeem-gift → 200 "Gift redeemed successfully"');
    expect(r.out.at(-1)).toBe(`PASS: 2 of 2 examples conform; doc-examples.json in ${out}`);
    const written = JSON.parse(await readFile(join(out, 'doc-examples.json'), 'utf8')) as { examples: unknown[] };
    expect(written.examples).toHaveLength(2);
  }, 120_000);

  it('exits 1 when an example ran and does not conform', async () => {
    const doc = await writeGuide(dir, 'der.txt', { jsSignatureEncoding: 'der' });
    const r = await cli('doc-examples', '--doc', doc, '--out', join(dir, 'der'), '--python', 'no-such-python3');
    expect(r.code).toBe(1);
    expect(r.out).toContain('javascript (node example.mjs): DOES NOT CONFORM');
    expect(r.out).toContain(
      'python (no-such-python3 example.py): NOT RUN: no-such-python3 is not on PATH; install it to run this example',
    );
    expect(r.out.at(-1)).toMatch(/^FAIL: 0 of 2 examples conform, 1 not run;/);
  }, 60_000);

  it('exits 2 with one line for a missing file, a file that is not the guide, or examples it cannot run', async () => {
    const missing = await cli('doc-examples', '--doc', join(dir, 'none.txt'), '--out', join(dir, 'x'));
    expect([missing.code, missing.err.length]).toEqual([2, 1]);
    expect(missing.err[0]).toMatch(
      /^omnivas-harness: cannot read --doc \S+none\.txt: no such file .*\[FILE_UNREADABLE\]$/,
    );
    await writeFile(join(dir, 'notes.txt'), 'just notes\n');
    const notGuide = await cli('doc-examples', '--doc', join(dir, 'notes.txt'), '--out', join(dir, 'x'));
    expect([notGuide.code, notGuide.err.length]).toEqual([2, 1]);
    expect(notGuide.err[0]).toMatch(/no end-to-end heading .*\[INVALID_ARGUMENT\]$/);
    const doc = await writeGuide(dir, 'nokey.txt', { withoutApiKey: true });
    const noKey = await cli('doc-examples', '--doc', doc, '--out', join(dir, 'nokey'));
    expect(noKey.code).toBe(2);
    expect(noKey.out.at(-1)).toMatch(/^FAIL: 0 of 2 examples conform, 2 not run;/);
  });
});
