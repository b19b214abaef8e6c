/** The console io: every line to either stream passes through its redactors. */
import { describe, expect, it } from 'vitest';
import { exportPrivateKeyPem, generatePrivateKey } from '../lib/keys';
import { createRedactor } from '../lib/redact';
import { createConsoleIo } from './console-io';

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: createConsoleIo({ out: (l) => out.push(l), err: (l) => err.push(l) }) };
}

describe('createConsoleIo', () => {
  it('scrubs what looks like a secret from both streams, registered or not', () => {
    const { out, err, io } = captured();
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtZXJjaGFudCJ9.c2lnbmF0dXJl';
    const pem = exportPrivateKeyPem(generatePrivateKey('secp256k1'));
    io.out(`token ${jwt}`);
    io.err(`key:\n${pem}`);
    io.out('{"key": "tk_live_abcdef"}');
    expect(out).toEqual(['token [REDACTED:jwt]', '{"key": "[REDACTED:api-key]"}']);
    expect(err).toEqual(['key:\n[REDACTED:private-key]\n']);
  });

  it("scrubs a target's secrets once told its redactor, and leaves other text as it is", () => {
    const { out, err, io } = captured();
    const apiKey = 'tk_test_0123456789abcdef';
    io.out(`before: ${apiKey}`);
    const target = createRedactor();
    target.add(apiKey, 'api-key');
    io.redactWith(target);
    io.redactWith(target);
    io.out(`after: ${apiKey}`);
    io.err(`and on stderr: ${apiKey.slice(0, 20)}… ${apiKey}`);
    expect(out).toEqual([`before: ${apiKey}`, 'after: [REDACTED:api-key]']);
    expect(err).toEqual([`and on stderr: ${apiKey.slice(0, 20)}… [REDACTED:api-key]`]);
  });

  it('prints a document as it is, to stdout only', () => {
    const { out, err, io } = captured();
    io.document('{"key": "YOUR_API_KEY"}');
    expect([out, err]).toEqual([['{"key": "YOUR_API_KEY"}'], []]);
  });
});
