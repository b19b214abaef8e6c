import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, startFakeTarget, writeTargetFixture } from './testing';

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

  it('refuses a bad amount, an unknown defect and a missing target file with exit 2', async () => {
    expect((await cli('smoke', '--amount', '1.0000001')).err).toMatch(/"--amount" expected .* at most 6 places/);
    expect((await cli('smoke', '--defect', 'bogus')).code).toBe(2);
    const missing = await cli('smoke', '--target', '/nonexistent/target.json');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read target file \/nonexistent\/target\.json: no such file/);
  });

  it.each(['/dev/null/x', '/proc/x'])(
    'refuses --out %s with one line and exit 2 before sending any request',
    async (out) => {
      const target = await startFakeTarget((socket) => socket.destroy());
      try {
        const fixture = writeTargetFixture(mkdtempSync(join(tmpdir(), 'omnivas-smoke-')), { baseUrl: target.url });
        const r = await cli('smoke', '--target', fixture.path, '--out', out);
        expect(r.code).toBe(2);
        expect(r.errLines).toHaveLength(1);
        expect(r.err).toMatch(/--out .*give a folder you can write to .*\[OUTPUT_UNWRITABLE\]$/);
        expect(target.connections()).toBe(0);
      } finally {
        await target.close();
      }
    },
  );

  it("runs a target file's OTP command only with --allow-otp-command; without it, one line and no request", async () => {
    const target = await startFakeTarget((socket) => socket.destroy());
    try {
      const marker = join(mkdtempSync(join(tmpdir(), 'omnivas-smoke-')), 'ran');
      const fixture = writeTargetFixture(mkdtempSync(join(tmpdir(), 'omnivas-smoke-')), {
        baseUrl: target.url,
        overrides: { otp: { source: 'command', command: ['/usr/bin/touch', marker] } },
      });
      const out = mkdtempSync(join(tmpdir(), 'omnivas-smoke-'));
      const refused = await cli('smoke', '--target', fixture.path, '--out', out);
      expect(refused.code).toBe(2);
      expect(refused.errLines).toHaveLength(1);
      expect(refused.err).toMatch(/"otp.source" "command" would run "\/usr\/bin\/touch"; .*--allow-otp-command/);
      expect(target.connections()).toBe(0);
      // With the opt-in the file is taken: the run goes on to the target (which hangs up on it).
      const allowed = await cli('smoke', '--target', fixture.path, '--out', out, '--allow-otp-command');
      expect(allowed.err).not.toMatch(/allow-otp-command/);
      expect(target.connections()).toBeGreaterThan(0);
    } finally {
      await target.close();
    }
  });

  it('ends in bounded time with exit 2 against a target that accepts and never answers, blaming the target', async () => {
    const target = await startFakeTarget(); // accepts, never answers
    try {
      const dir = mkdtempSync(join(tmpdir(), 'omnivas-smoke-'));
      const fixture = writeTargetFixture(dir, { baseUrl: target.url });
      const started = Date.now();
      const r = await cli('smoke', '--target', fixture.path, '--out', join(dir, 'out'));
      expect(Date.now() - started).toBeLessThan(20_000); // one request's 10 s timeout, not one per step
      expect(r.code).toBe(2);
      expect(r.errLines).toHaveLength(1);
      expect(r.err).toMatch(
        /cannot reach http:\/\/127\.0\.0\.1:\d+\/.*: no answer within 10 s; is the target running\?/,
      );
      expect(r.out).toMatch(/FAIL 1\. login/);
      expect(r.err + r.out).not.toContain(fixture.apiKey);
      expect(readFileSync(join(dir, 'out', 'transcript.json'), 'utf8')).toMatch(/no answer within 10 s/);
      expect(target.used()).toBe(1); // the login, and nothing after it
    } finally {
      await target.close();
    }
  }, 30_000);
});
