/**
 * Finds and runs the k6 the harness was written against (Node-only). k6 is a Go program, not an
 * npm package: `omnivas-harness k6 install` builds it from its Go module (load/node/k6-install.ts).
 * Where it looks, in order: OMNIVAS_K6_DIR, a checkout's .tools/bin, the per-user cache folder
 * (where an installed harness puts it), then PATH. Only a k6 reporting the pinned version serves,
 * because scenarios and @types/k6 follow one k6 release and another may behave differently.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { HarnessError } from '../../lib/errors';
import { packageRoot } from '../../lib/node/package-root';

/** The pinned k6 release. */
export const K6_VERSION = 'v2.2.0';
export const K6_MODULE = 'go.k6.io/k6/v2';
/** The one command that gets it, named by every message about a missing k6. */
export const K6_INSTALL_COMMAND = 'omnivas-harness k6 install';
/** A folder of the user's choice for k6 (CI caches); it wins over the others. */
export const K6_DIR_ENV = 'OMNIVAS_K6_DIR';

const run = promisify(execFile);

/** A checkout's own k6 (npm run k6:install puts it there). */
export const LOCAL_K6 = join(packageRoot(import.meta.dirname), '.tools', 'bin', 'k6');

/** The per-user folder an installed harness keeps k6 in: $XDG_CACHE_HOME or ~/.cache, per pinned version. */
export function userK6Dir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'omnivas-harness', 'k6', K6_VERSION);
}

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
  /** Where a checkout's k6 lives; tests point it elsewhere. */
  readonly localPath?: string;
  /** The environment: PATH, OMNIVAS_K6_DIR, XDG_CACHE_HOME, HOME; this process's by default. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Every place k6 may be, in the order they are tried. */
export function k6Candidates({ localPath = LOCAL_K6, env = process.env }: FindK6Options = {}): string[] {
  const chosen = env[K6_DIR_ENV];
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'k6'));
  return [...(chosen ? [join(chosen, 'k6')] : []), localPath, join(userK6Dir(env), 'k6'), ...onPath];
}

/** The path of a k6 at K6_VERSION, or K6_MISSING naming the one command that installs it. */
export async function findK6(options: FindK6Options = {}): Promise<string> {
  const wrong: string[] = [];
  for (const candidate of k6Candidates(options)) {
    const version = await k6VersionOf(candidate);
    if (version === K6_VERSION) return candidate;
    if (version !== undefined) wrong.push(`${candidate} is ${version}`);
  }
  const seen = wrong.length > 0 ? ` (${wrong.join('; ')})` : '';
  throw new HarnessError(
    'K6_MISSING',
    `k6 ${K6_VERSION} is not installed${seen}; run ${K6_INSTALL_COMMAND} (it builds k6 from its Go module; needs Go), or put k6 ${K6_VERSION} on PATH`,
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
