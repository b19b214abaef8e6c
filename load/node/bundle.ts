/**
 * The k6 bundle of a scenario: dist/load/NAME.js, bundled again from a checkout's sources when one
 * is newer (npm run build bundles them all). An installed package has no sources: its prebuilt
 * bundles are used as they are.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from '../../lib/errors';
import { packageRoot } from '../../lib/node/package-root';

const ROOT = packageRoot(import.meta.dirname);
/** What a bundle is made of: the k6 side, the pure load modules, lib/ and the profiles. */
const SOURCE_DIRS = [join('load', 'k6'), 'load', 'lib'];

async function newestSource(): Promise<number> {
  const listed = await Promise.all(
    SOURCE_DIRS.map(async (d) =>
      (await readdir(join(ROOT, d))).filter((f) => f.endsWith('.ts')).map((f) => join(ROOT, d, f)),
    ),
  );
  const times = await Promise.all(
    [join(ROOT, 'k6.config.ts'), ...listed.flat()].map(async (f) => (await stat(f)).mtimeMs),
  );
  return Math.max(...times);
}

const mtimeOf = (path: string) =>
  stat(path).then(
    (s) => s.mtimeMs,
    () => undefined,
  );

/** The bundle's path; `onBuild` hears when it had to be bundled first. */
export async function ensureBundle(name: string, onBuild: (line: string) => void = () => {}): Promise<string> {
  const bundle = join(ROOT, 'dist', 'load', `${name}.js`);
  const built = await mtimeOf(bundle);
  if ((await mtimeOf(join(ROOT, 'load', 'k6'))) === undefined) {
    if (built === undefined)
      throw new HarnessError(
        'K6_FAILED',
        `${bundle} is missing and the sources are not here to build it; reinstall the harness, or run npm run build in its checkout`,
      );
    return bundle;
  }
  if (built !== undefined && built >= (await newestSource())) return bundle;
  // Loaded only here: an installed package bundles nothing and has no esbuild.
  const { buildLoadBundles, scenarioEntries } = await import('./build-load');
  const entry = (await scenarioEntries())[name];
  if (entry === undefined) throw new HarnessError('INTERNAL', `load/k6/${name}.scenario.ts is missing`);
  onBuild(`load: bundling load/k6/${name}.scenario.ts (npm run build bundles every scenario)`);
  await buildLoadBundles({ entryPoints: { [name]: entry } });
  return bundle;
}
