/**
 * `omnivas-harness k6 install`: puts the pinned k6 where findK6 looks (the per-user cache folder by
 * default; a checkout's npm run k6:install gives .tools/bin). Building from k6's Go module is how
 * k6 is obtained: no prebuilt binary is downloaded. Idempotent: a k6 of the pinned version already
 * there is kept, and one on PATH is linked instead of built.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { HarnessError } from '../../lib/errors';
import { K6_MODULE, K6_VERSION, k6VersionOf, userK6Dir } from './k6-bin';

const run = promisify(execFile);

export interface K6InstallOptions {
  /** Where k6 goes; the per-user cache folder by default. */
  readonly dir?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface K6Install {
  readonly path: string;
  readonly how: 'already there' | 'linked from PATH' | 'built';
  readonly seconds: number;
}

async function onPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, name);
    if (
      name === 'k6'
        ? (await k6VersionOf(path)) === K6_VERSION
        : await run(path, ['version']).then(
            () => true,
            () => false,
          )
    )
      return path;
  }
  return undefined;
}

export async function installK6(options: K6InstallOptions = {}): Promise<K6Install> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  // Absolute: go install refuses a relative GOBIN (npm run k6:install gives .tools/bin).
  const dir = resolve(options.dir ?? userK6Dir(env));
  const k6 = join(dir, 'k6');
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  if ((await k6VersionOf(k6)) === K6_VERSION) return { path: k6, how: 'already there', seconds: seconds() };
  const existing = await onPath('k6', env);
  const go = existing === undefined ? await onPath('go', env) : undefined;
  if (existing === undefined && go === undefined)
    throw new HarnessError(
      'K6_MISSING',
      `building k6 ${K6_VERSION} needs Go 1.26 or later on PATH; install Go, or put k6 ${K6_VERSION} on PATH`,
    );
  await mkdir(dir, { recursive: true });
  // A stale binary, or a link to a k6 that has since changed version, goes: go install does not replace a link.
  await unlink(k6).catch(() => undefined);
  if (existing !== undefined) {
    await symlink(existing, k6);
    return { path: k6, how: 'linked from PATH', seconds: seconds() };
  }
  const logFile = join(dir, 'k6-build.log');
  log(
    `k6: building ${K6_VERSION} from ${K6_MODULE} into ${dir} (about 5 minutes on 2 cores the first time; log: ${logFile})`,
  );
  // Not `go install MODULE@VERSION`: that form also asks the proxy for the module's deprecation notice,
  // which the module proxy here does not serve for go.k6.io/k6/v2 (404), and fails. A throwaway module
  // requiring the pinned version builds the same binary, checksums verified as usual. CGO off, as k6's
  // own releases are built: no C compiler needed.
  const work = await mkdtemp(join(tmpdir(), 'omnivas-k6-build-'));
  const goEnv = { ...env, CGO_ENABLED: '0', GOBIN: dir, GOFLAGS: env.GOFLAGS ?? '' };
  const transcript: string[] = [];
  const step = async (args: string[]) => {
    try {
      const { stdout, stderr } = await run(go!, args, { cwd: work, env: goEnv, maxBuffer: 64 * 1024 * 1024 });
      transcript.push(`$ go ${args.join(' ')}`, stdout, stderr);
    } catch (err) {
      const failed = err as { stdout?: string; stderr?: string };
      transcript.push(`$ go ${args.join(' ')}`, failed.stdout ?? '', failed.stderr ?? String(err));
      await writeFile(logFile, transcript.join('\n'));
      const last = (failed.stderr ?? String(err)).trim().split('\n').slice(-2).join(' | ');
      throw new HarnessError(
        'K6_FAILED',
        `building k6 ${K6_VERSION} failed at "go ${args[0]}": ${last}; the whole log is in ${logFile}`,
      );
    }
  };
  try {
    await step(['mod', 'init', 'k6-install']);
    await step(['get', `${K6_MODULE}@${K6_VERSION}`]);
    await step(['install', K6_MODULE]);
    await writeFile(logFile, transcript.join('\n'));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const built = await k6VersionOf(k6);
  if (built !== K6_VERSION)
    throw new HarnessError(
      'K6_FAILED',
      `the k6 just built reports ${built ?? 'no version'}, expected ${K6_VERSION}; see ${logFile}`,
    );
  return { path: k6, how: 'built', seconds: seconds() };
}
