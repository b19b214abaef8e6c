import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// cli/ is the thin layer over the library: it parses, calls and prints, and nothing imports it.
const noCli = { group: ['**/cli/*', '**/cli'], message: 'Nothing imports cli/: move what you need into the library.' };

// The k6-bundled code (lib/ outside lib/node/, load/k6/ and the pure load/*.ts) must run in a bare
// JavaScript VM: no Node built-ins, no Buffer, no process.
const k6SafeRestrictions = {
  'no-restricted-imports': [
    'error',
    {
      paths: ['fs', 'path', 'crypto', 'http', 'https', 'os', 'url'].map((name) => ({
        name,
        message: 'This code runs in k6: no Node modules.',
      })),
      patterns: [
        noCli,
        { group: ['node:*', 'undici', 'commander'], message: 'This code runs in k6: no Node modules.' },
        {
          group: ['**/lib/node/*', '**/load/node/*', '**/load/checker/*'],
          message: 'This code runs in k6: no Node-only modules.',
        },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'Buffer', message: 'Use Uint8Array and lib/bytes.ts: this code runs in k6.' },
    { name: 'process', message: 'This code runs in k6: pass configuration in explicitly.' },
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
  { files: ['**/*.ts'], ignores: ['cli/**'], rules: { 'no-restricted-imports': ['error', { patterns: [noCli] }] } },
  {
    files: ['lib/**/*.ts', 'load/k6/**/*.ts', 'load/*.ts'],
    ignores: ['lib/node/**', '**/*.test.ts'],
    rules: k6SafeRestrictions,
  },
  // Every command prints through the redacting console io (cli/console-io.ts), never around it.
  {
    files: ['cli/**/*.ts'],
    ignores: ['cli/console-io.ts', 'cli/**/*.test.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        ...['stdout', 'stderr'].map((property) => ({
          object: 'process',
          property,
          message: 'Print through the CommandIo (cli/console-io.ts): it redacts every line.',
        })),
      ],
    },
  },
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
