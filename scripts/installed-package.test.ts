/**
 * The package as a merchant gets it: `npm pack`, unpacked into an empty folder's node_modules as
 * npm install lays it out, beside exactly its production dependencies (`npm ls --omit=dev`, linked
 * from this checkout: the test sends nothing to a registry), then every command run from there,
 * with no source file and no devDependency (vitest, tsx, esbuild) in reach of the package. k6 is
 * the one this checkout built, handed over through OMNIVAS_K6_DIR as a user's CI cache would.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const K6_DIR = join(ROOT, '.tools', 'bin');

let work = '';
let app = '';
let bin = '';

interface Ran {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the installed bin from the app folder, with a HOME of its own (no cached k6 of the user's). */
async function harness(args: readonly string[], env: Record<string, string> = {}, timeout = 240_000): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(bin, [...args], {
      cwd: app,
      timeout,
      maxBuffer: 32 * 1024 * 1024,
      env: { PATH: process.env.PATH ?? '', HOME: join(work, 'home'), OMNIVAS_K6_DIR: K6_DIR, ...env },
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (err) {
    const failed = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw err;
    return { code: failed.code, out: failed.stdout ?? '', err: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'omnivas-installed-'));
  app = join(work, 'app');
  // prepack builds dist/ and the type declarations, as a publish would.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: ROOT,
    timeout: 300_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as [{ filename: string }];
  const modules = join(app, 'node_modules');
  await mkdir(join(modules, '.bin'), { recursive: true });
  await writeFile(join(app, 'package.json'), '{"name":"merchant-app","private":true,"type":"module"}\n');
  const pkg = join(modules, 'omnivas-harness');
  await mkdir(pkg);
  await run('tar', ['-xzf', join(work, filename), '-C', pkg, '--strip-components=1']);
  const { stdout: deps } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT });
  const topLevel = new Set(
    deps
      .split('\n')
      .map((line) => relative(join(ROOT, 'node_modules'), line))
      .filter((rel) => rel !== '' && !rel.startsWith('..'))
      .map((rel) =>
        rel
          .split(sep)
          .slice(0, rel.startsWith('@') ? 2 : 1)
          .join(sep),
      ),
  );
  expect(topLevel.has('vitest')).toBe(false);
  for (const name of topLevel) {
    await mkdir(dirname(join(modules, name)), { recursive: true });
    await symlink(join(ROOT, 'node_modules', name), join(modules, name));
  }
  await symlink('../omnivas-harness/dist/cli.js', join(modules, '.bin', 'omnivas-harness'));
  bin = join(app, 'node_modules', '.bin', 'omnivas-harness');
}, 600_000);

afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('the packed package, installed into an empty folder', () => {
  it('holds the built CLI, the k6 bundles and the types, and none of the sources', async () => {
    const pkg = join(app, 'node_modules', 'omnivas-harness');
    for (const file of [
      'dist/cli.js',
      'dist/index.js',
      'dist/mutants-worker.js',
      'dist/types/index.d.ts',
      'dist/load/same-voucher-burst.js',
    ])
      expect(existsSync(join(pkg, file)), file).toBe(true);
    for (const dir of ['suites', 'load', 'lib', 'cli']) expect(existsSync(join(pkg, dir)), dir).toBe(false);
  });

  it('certify passes every check against the embedded sandbox', async () => {
    const ran = await harness(['certify', '--out', join(work, 'certify')]);
    expect(ran.out, ran.err).toMatch(
      /^PASS: (\d+) passed, 0 failed, 0 broke, 0 skipped; error codes verified 22\/22$/m,
    );
    const summary = JSON.parse(await readFile(join(work, 'certify', 'summary.json'), 'utf8')) as { verdict: string };
    expect(summary.verdict).toBe('pass');
    expect(ran.code).toBe(0);
  });

  it('smoke, keys, sign and verify work', async () => {
    const smoke = await harness(['smoke', '--out', join(work, 'smoke')]);
    expect(smoke.code, smoke.out + smoke.err).toBe(0);
    const keys = await harness(['keys', 'generate', '--type', 'secp256k1', '--out', join(work, 'keys')]);
    expect(keys.code, keys.err).toBe(0);
    const body = '{"voucherCode":"3225118500682251","amount":500,"idempotencyKey":"k-1","metadata":"{}"}';
    const signed = await harness([
      'sign',
      '--key',
      join(work, 'keys', 'ec-secp256k1-priv-key.pem'),
      '--body',
      body,
      '--json',
    ]);
    const { signature } = JSON.parse(signed.out) as { signature: string };
    const verified = await harness([
      'verify',
      '--pub',
      join(work, 'keys', 'ec-secp256k1-pub-key.pem'),
      '--body',
      body,
      '--signature',
      signature,
    ]);
    expect(verified.code, verified.out + verified.err).toBe(0);
    const tampered = await harness([
      'verify',
      '--pub',
      join(work, 'keys', 'ec-secp256k1-pub-key.pem'),
      '--body',
      body.replace('500', '501'),
      '--signature',
      signature,
    ]);
    expect(tampered.code).toBe(1);
  });

  it('load names the k6 command when k6 is missing, and runs the burst once k6 is found', async () => {
    const missing = await harness(['load', '--scenario', 'same-voucher-burst', '--out', join(work, 'no-k6')], {
      OMNIVAS_K6_DIR: join(work, 'empty'),
      PATH: '/usr/bin:/bin',
    });
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/run omnivas-harness k6 install/);
    const ran = await harness([
      'load',
      '--scenario',
      'same-voucher-burst',
      '--profile',
      'smoke',
      '--vus',
      '10',
      '--vouchers',
      '1',
      '--out',
      join(work, 'load'),
    ]);
    expect(ran.out, ran.err).toMatch(/^PASS: thresholds passed; invariants hold/m);
    expect(ran.code).toBe(0);
    const checked = await harness([
      'check-history',
      '--history',
      join(work, 'load', 'history.jsonl'),
      '--finals',
      join(work, 'load', 'finals.json'),
      '--out',
      join(work, 'checked'),
    ]);
    expect(checked.code, checked.out + checked.err).toBe(0);
  });

  it('the gate runs its workers from the package', async () => {
    const ran = await harness(
      ['mutants', '--only', 'token-never-expires', '--jobs', '1', '--out', join(work, 'mutants')],
      {},
      400_000,
    );
    expect(ran.out, ran.err).toMatch(/token-never-expires/);
    expect(ran.code, ran.out + ran.err).toBe(0);
  }, 420_000);

  it('is a typed library: runCertify from the package entry', async () => {
    const script = join(app, 'certify.mjs');
    await writeFile(
      script,
      "import { runCertify, AREAS } from 'omnivas-harness';\nconst run = await runCertify({ seed: 1, areas: ['auth'] });\nconsole.log(JSON.stringify({ areas: AREAS.length, verdict: run.summary.verdict, checks: run.report.results.length }));\n",
    );
    const { stdout } = await run(process.execPath, [script], { cwd: app, timeout: 120_000 });
    const result = JSON.parse(stdout) as { areas: number; verdict: string; checks: number };
    expect(result.verdict).toBe('pass');
    expect(result.checks).toBeGreaterThan(5);
  });
});
