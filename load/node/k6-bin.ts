/**
 * Finds and runs the k6 the harness was written against (Node-only). k6 is a Go program built by
 * scripts/install-k6.sh into .tools/bin; a k6 on PATH serves when it reports the pinned version,
 * because scenarios and @types/k6 follow one k6 release and another may behave differently.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { HarnessError } from '../../lib/errors';
import { packageRoot } from '../../lib/node/package-root';

/** The pinned k6 release. scripts/install-k6.sh reads this exact line: keep its shape. */
export const K6_VERSION = 'v2.2.0';

const run = promisify(execFile);

/** The project's own k6; dist/ and scripts/ both sit one level under the root, so this holds once bundled too. */
export const LOCAL_K6 = join(packageRoot(import.meta.dirname), '.tools', 'bin', 'k6');

/** The version a k6 binary reports (`k6 v2.2.0 (go1.26.8, linux/amd64)` → `v2.2.0`), or undefined when it is not a working k6. */
export async function k6VersionOf(path: string): Promise<string | undefined> {
  try {
    await access(path, constants.X_OK);
    const { stdout } = await run(path, ['version'], { timeout: 10_000 });
    return /^k6 (v\S+)/m.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}

export interface FindK6Options {
  /** Where the project-local k6 lives; tests point it elsewhere. */
  readonly localPath?: string;
  /** The PATH to search after it; defaults to this process's. */
  readonly pathEnv?: string;
}

/** The path of a k6 at K6_VERSION: the project-local one first, then the first on PATH. */
export async function findK6({
  localPath = LOCAL_K6,
  pathEnv = process.env.PATH ?? '',
}: FindK6Options = {}): Promise<string> {
  const candidates = [
    localPath,
    ...pathEnv
      .split(delimiter)
      .filter((dir) => dir !== '')
      .map((dir) => join(dir, 'k6')),
  ];
  const wrong: string[] = [];
  for (const candidate of candidates) {
    const version = await k6VersionOf(candidate);
    if (version === K6_VERSION) return candidate;
    if (version !== undefined) wrong.push(`${candidate} is ${version}`);
  }
  const seen = wrong.length > 0 ? ` (${wrong.join('; ')})` : '';
  throw new HarnessError(
    'K6_MISSING',
    `k6 ${K6_VERSION} is neither at .tools/bin/k6 nor on PATH${seen}; run npm run k6:install`,
  );
}

export interface K6Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the pinned k6 with `args` and collects its output; a non-zero exit is returned, not thrown (k6 uses it for failed thresholds). */
export async function runK6(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<K6Run> {
  const k6 = await findK6();
  try {
    const { stdout, stderr } = await run(k6, args, {
      timeout: options.timeoutMs ?? 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { exitCode: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: unknown; stdout?: string; stderr?: string; killed?: boolean };
    if (typeof failed.code !== 'number') {
      throw new HarnessError(
        'K6_FAILED',
        `k6 ${args.join(' ')} did not finish${failed.killed ? ' in time' : ''}: ${String(err)}`,
        { cause: err },
      );
    }
    return { exitCode: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}
