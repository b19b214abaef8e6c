/**
 * For the secrets canary (cli/secrets-canary.test.ts), loaded with NODE_OPTIONS=--import into the
 * processes the gate forks, where the test's mock of lib/redact cannot reach: every randomBytes
 * draw of 24 bytes or more (the sandbox's API keys and admin token, the OTP bridge's token) is
 * appended, base64url, to the file named by OMNIVAS_CANARY_SECRETS, so the canary knows them.
 */
import { appendFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import process from 'node:process';

const file = process.env.OMNIVAS_CANARY_SECRETS;
if (file !== undefined) {
  const crypto = createRequire(import.meta.url)('node:crypto');
  const original = crypto.randomBytes;
  crypto.randomBytes = (size, callback) => {
    if (callback !== undefined) return original(size, callback);
    const bytes = original(size);
    if (size >= 24) appendFileSync(file, `${bytes.toString('base64url')}\n`);
    return bytes;
  };
  // ESM imports of node:crypto see the replacement too.
  syncBuiltinESMExports();
}
