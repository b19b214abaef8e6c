/**
 * For the scenario tests (load/k6/*.test.ts): runLoad into a temporary out dir, removed after the
 * test file, with what a person would read kept beside the run: the progress lines (k6's own,
 * already redacted, among them) and describeLoadRun's closing lines. And target files for a
 * sandbox of the test's own, behind a mutating proxy when the test wants one.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SANDBOX_SECRET_ENV } from '../../lib/target-config';
import { startMutatingProxy } from '../../sandbox/mutating-proxy';
import type { AnswerMutation, RunningProxy } from '../../sandbox/mutating-proxy';
import { SERVICE_FEE, startEmbeddedSandbox } from '../../suites/embedded-sandbox';
import { describeLoadRun, runLoad } from './run-load';
import type { LoadRun, LoadSpec } from './run-load';

/**
 * A bound for a test of one or a few k6 runs: a run takes 10 to 40 s on a quiet 2-core machine and
 * several times that on a loaded one (vitest's 60 s default is too short there); k6's own
 * maxDuration bounds each run anyway.
 */
export const LOAD_TEST_TIMEOUT_MS = 300_000;

export interface TestedLoadRun {
  readonly run: LoadRun;
  /** Progress lines to stdout, then describeLoadRun's, joined: for regexes and as the failure message. */
  readonly out: string;
  /** Progress lines to stderr (k6's own output among them), joined. */
  readonly err: string;
}

/** A runner for one test file: each call runs into its own temporary dir, all removed after the file. */
export function loadRunsIn(prefix: string): (spec: Omit<LoadSpec, 'out' | 'log' | 'dryRun'>) => Promise<TestedLoadRun> {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async (spec) => {
    const dir = await mkdtemp(join(tmpdir(), `omnivas-${prefix}-`));
    dirs.push(dir);
    const out: string[] = [];
    const err: string[] = [];
    const run = await runLoad({
      ...spec,
      dryRun: false,
      out: dir,
      log: { out: (l) => out.push(l), err: (l) => err.push(l) },
    });
    return { run, out: [...out, ...describeLoadRun(run)].join('\n'), err: err.join('\n') };
  };
}

export interface SandboxTargetFile {
  readonly path: string;
  /** Set when the target file's baseUrl is a proxy. */
  readonly proxy: RunningProxy | undefined;
  /** The API key, private key and admin token, as the target file's variables hold them. */
  readonly secrets: readonly string[];
}

/**
 * A maker of target files for one test file: each call starts a sandbox (with its own merchant) and
 * writes a target file with sandbox powers and the sandbox outbox for OTPs; with `mutation` its
 * baseUrl is a proxy in front of the sandbox (the admin URL stays the sandbox's); `fields` are
 * added to the file (`expectations`, …). All stopped and removed after the file.
 */
export function sandboxTargetsIn(
  prefix: string,
): (options?: { mutation?: AnswerMutation; fields?: Record<string, unknown> }) => Promise<SandboxTargetFile> {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });
  return async (options = {}) => {
    const sandbox = await startEmbeddedSandbox({ seed: 13, serviceFee: SERVICE_FEE });
    const upstream = new URL(sandbox.urls.url);
    const proxy =
      options.mutation === undefined ? undefined : await startMutatingProxy(upstream.origin, options.mutation);
    const dir = await mkdtemp(join(tmpdir(), `omnivas-${prefix}-target-`));
    const n = `${prefix.replace(/\W/g, '_').toUpperCase()}_${cleanups.length}`;
    const names = { key: `OMNIVAS_TEST_KEY_${n}`, pem: `OMNIVAS_TEST_PEM_${n}`, admin: `OMNIVAS_TEST_ADMIN_${n}` };
    const env = {
      [names.key]: sandbox.secretsEnv[SANDBOX_SECRET_ENV.apiKey]!,
      [names.pem]: sandbox.secretsEnv[SANDBOX_SECRET_ENV.privateKey]!,
      [names.admin]: sandbox.access.adminToken,
    };
    Object.assign(process.env, env);
    cleanups.push(async () => {
      for (const name of Object.keys(env)) delete process.env[name];
      await proxy?.close();
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    });
    const path = join(dir, 'target.json');
    await writeFile(
      path,
      JSON.stringify({
        name: proxy === undefined ? 'loopback sandbox' : 'loopback sandbox behind a mutating proxy',
        baseUrl: proxy === undefined ? sandbox.urls.url : `${proxy.url}${upstream.pathname}`,
        profile: 'merchant-v1',
        auth: { apiKeyEnv: names.key, privateKeyEnv: names.pem, keyType: 'secp256k1' },
        otp: { source: 'sandbox-outbox' },
        sandbox: { adminUrl: sandbox.urls.adminUrl, adminTokenEnv: names.admin },
        ...options.fields,
      }),
    );
    return { path, proxy, secrets: Object.values(env) };
  };
}
