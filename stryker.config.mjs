/**
 * Mutation testing of lib/ by its own unit tests (`npm run mutants:lib`): lib/ is the code every
 * verdict depends on, so its tests must fail when it is wrong, not merely run it.
 * `npm run mutants:lib:node` measures lib/node/ (Node I/O: undici client, files) separately, with its
 * own incremental file and report, so the pure library's figure is not mixed with I/O glue.
 * Reports land in out/stryker/ (ignored by git and eslint); the incremental file there lets a rerun
 * test only the mutants whose code or covering tests changed.
 */
import process from 'node:process';

const node = process.env.MUTANTS_SCOPE === 'node';
// MUTANTS_OUT keeps the report and incremental file of a partial run (--mutate some files) apart.
const out = process.env.MUTANTS_OUT ?? (node ? 'out/stryker/node' : 'out/stryker/lib');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // lib/'s tests only (the suites and sandbox tests would multiply the run time).
  vitest: { configFile: 'vitest.lib.config.ts' },
  mutate: node
    ? ['lib/node/**/*.ts', '!lib/**/*.test.ts']
    : ['lib/**/*.ts', '!lib/**/*.test.ts', '!lib/testing/**', '!lib/node/**'],
  coverageAnalysis: 'perTest',
  // The initial run (all covering tests, instrumented) takes 1.5 to 5 minutes on this shared machine.
  dryRunTimeoutMinutes: 20,
  // Static mutants (module-level tables: the error and endpoint catalogs, HARNESS_ERROR_CODES) cannot
  // be traced to single tests, so each would rerun all of lib's tests (~2 minutes here). They are
  // reported as Ignored, not counted as killed or survived; their tables have their own tests.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `${out}/incremental.json`,
  reporters: ['clear-text', 'html', 'json', 'progress'],
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  // The machine has 2 cores, shared with the sandbox and other runs.
  concurrency: Number(process.env.MUTANTS_CONCURRENCY ?? 1),
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  // The sandbox copy needs lib/, its tests and docs/ (target-config.test.ts reads an example there).
  ignorePatterns: [
    '/dist',
    '/out',
    '/.tools',
    '/reports-out',
    '/bench',
    '/cli',
    '/sandbox',
    '/suites',
    '/load',
    '/generators',
    '/reports',
    '/scripts',
    '/mutants',
  ],
  thresholds: { high: 90, low: 80, break: null },
};
