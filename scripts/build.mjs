// Builds the CLI (and the bench runner) into dist/ with esbuild. npm packages stay external:
// they are dependencies, resolved from node_modules at run time.
// Then the k6 scenarios into dist/load/ (load/node/build-load.ts): those bundle everything, as k6 resolves no npm packages.
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';
// tsx loads the TypeScript build helper, which the tests that run k6 import directly too.
import { tsImport } from 'tsx/esm/api';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { cli: 'cli/main.ts', bench: 'bench/main.ts', 'mutants-worker': 'mutants/worker.ts', index: 'index.ts' },
  outdir: 'dist',
  banner: { js: '#!/usr/bin/env node' },
});
await chmod('dist/cli.js', 0o755);

const { buildLoadBundles } = await tsImport('../load/node/build-load.ts', import.meta.url);
await buildLoadBundles();
