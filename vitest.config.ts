import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'lib/**/*.test.ts',
      'contract/**/*.test.ts',
      'sandbox/**/*.test.ts',
      'cli/**/*.test.ts',
      'reports/**/*.test.ts',
      'generators/**/*.test.ts',
      'history/**/*.test.ts',
      'load/**/*.test.ts',
      'suites/**/*.test.ts',
      'scripts/**/*.test.ts',
      'mutants/**/*.test.ts',
      'client-cert/**/*.test.ts',
    ],
    // Cross-verification against OpenSSL and the sandbox's own HTTP tests are CPU-heavy on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
