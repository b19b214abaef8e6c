/**
 * The harness's package root, found from a module's own folder: sources sit at different depths
 * (cli/, load/node/) and the build puts everything one level down (dist/), so a fixed '..' is
 * right in one place and wrong in the other. The root is the nearest folder above whose
 * package.json names this package.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HarnessError } from '../errors';

const PACKAGE_NAME = 'omnivas-harness';
const found = new Map<string, string>();

export function packageRoot(from: string): string {
  const cached = found.get(from);
  if (cached !== undefined) return cached;
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) {
        found.set(from, dir);
        return dir;
      }
    } catch {
      // no package.json here, or not ours: look one level up
    }
    if (dirname(dir) === dir)
      throw new HarnessError('INTERNAL', `no ${PACKAGE_NAME} package.json above ${from}; reinstall the harness`);
  }
}
