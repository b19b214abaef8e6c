import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The k6-bundled part of lib/ must run in a bare JavaScript VM: no Node built-ins, no Buffer, no process.
// lib/node/ holds the Node-only parts and is exempt.
const k6SafeRestrictions = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: ['node:*', 'undici', 'commander', 'fs', 'path', 'crypto', 'http', 'https', 'os', 'url'],
          message: 'lib/ outside lib/node/ must run in k6: no Node modules.',
        },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'Buffer', message: 'Use Uint8Array and lib/bytes.ts: lib/ runs in k6.' },
    { name: 'process', message: 'lib/ runs in k6: pass configuration in explicitly.' },
    { name: 'require', message: 'ESM only.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', 'out/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', globalThis: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['lib/**/*.ts'], ignores: ['lib/node/**', 'lib/**/*.test.ts'], rules: k6SafeRestrictions },
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
