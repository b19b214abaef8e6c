import { defineConfig } from 'vitest/config';

/**
 * lib/'s own unit tests and nothing else: what `npm run mutants:lib` (stryker.config.mjs) runs
 * against each mutant. The suites, sandbox and CLI tests would not judge lib/ more precisely and
 * would multiply the run time.
 */
export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts'],
    // Same budget as vitest.config.ts: the OpenSSL cross-verification tests are CPU-heavy on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
