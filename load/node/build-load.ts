/**
 * Bundles the k6 scenarios (load/k6/*.scenario.ts) into one ES module each. k6 runs ES modules but
 * resolves no npm packages, so lib/ and noble go inside every bundle; k6's own modules stay
 * external because only k6 provides them. scripts/build.mjs and the tests that run k6 both use this.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../../lib/node/package-root';

const ROOT = packageRoot(import.meta.dirname);
const SCENARIO_SUFFIX = '.scenario.ts';

/** Every load/k6/NAME.scenario.ts as { NAME: path }, so dist/load/NAME.js follows the file name. */
export async function scenarioEntries(): Promise<Record<string, string>> {
  const files = (await readdir(join(ROOT, 'load', 'k6'))).filter((file) => file.endsWith(SCENARIO_SUFFIX)).sort();
  return Object.fromEntries(
    files.map((file) => [file.slice(0, -SCENARIO_SUFFIX.length), join(ROOT, 'load', 'k6', file)]),
  );
}

export interface LoadBuildOptions {
  /** Bundle name → entry file; every scenario when omitted. */
  readonly entryPoints?: Record<string, string>;
  /** Where NAME.js goes; dist/load by default. */
  readonly outdir?: string;
}

/** Writes OUTDIR/NAME.js for each entry and returns the paths written. */
export async function buildLoadBundles({
  entryPoints,
  outdir = join(ROOT, 'dist', 'load'),
}: LoadBuildOptions = {}): Promise<string[]> {
  const entries = entryPoints ?? (await scenarioEntries());
  // esbuild is a build tool (a devDependency): loaded only when bundling from a checkout's sources.
  const { build } = await import('esbuild');
  await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    // k6's VM is neither Node nor a browser, but it has the browser's globals that matter here
    // (crypto.getRandomValues, console) and none of Node's: 'browser' keeps Node shims out.
    platform: 'browser',
    format: 'esm',
    target: 'es2020',
    external: ['k6', 'k6/*'],
    absWorkingDir: ROOT,
    logLevel: 'warning',
  });
  return Object.keys(entries).map((name) => join(outdir, `${name}.js`));
}
