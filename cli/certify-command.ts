/**
 * `certify`: runs the conformance suites (vitest, driven from here with its reporters set
 * explicitly) against a target file's API or the embedded sandbox, then builds summary.json,
 * junit.xml and report.html from the recorded check results. Exit 0 only when every required
 * check outside the baseline passed.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startVitest } from 'vitest/node';
import { HarnessError } from '../lib/errors';
import { fileErrorReason } from '../lib/node/key-file';
import { loadTargetFile } from '../lib/node/target-file';
import type { ResolvedTarget } from '../lib/node/target-file';
import { AREAS } from '../suites/check-result';
import type { Area, CheckResult } from '../suites/check-result';
import { summarizeReport } from '../reports/report-model';
import type { CertifyReport } from '../reports/report-model';
import { writeReports } from '../reports/write-reports';
import { startEmbeddedSandbox } from '../suites/embedded-sandbox';
import { ADMIN_TOKEN_ENV, CERTIFY_ENV, SERVICE_FEE } from '../suites/session';
import type { CertifyRunSpec } from '../suites/session';
import { seedOption } from './options';
import type { CommandIo } from './run-command';
import { EXIT } from './run-command';

const VERDICT_EXIT = { pass: EXIT.ok, incomplete: EXIT.incomplete, fail: EXIT.verdictFailed } as const;
import { HARNESS_VERSION } from './version';

/** The package root: cli/ in source, dist/ when built; both one level down. */
const PACKAGE_ROOT = resolve(import.meta.dirname, '..');

export interface CertifyOptions {
  target?: string;
  out: string;
  only?: string[];
  baseline?: string;
  seed?: string;
  defect?: string[];
  slow?: boolean;
}

function parseAreas(only: readonly string[] | undefined): readonly Area[] {
  if (only === undefined || only.length === 0) return AREAS;
  const unknown = only.filter((a) => !(AREAS as readonly string[]).includes(a));
  if (unknown.length > 0)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--only: unknown area ${JSON.stringify(unknown[0])}; choose from ${AREAS.join(', ')}`,
    );
  return only as Area[];
}

/** A baseline file: a JSON array of check ids, or { "ids": [...] } (a summary.json's failures can be pasted in). */
async function readBaseline(path: string | undefined): Promise<string[]> {
  if (path === undefined) return [];
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new HarnessError('CONFIG_UNREADABLE', `cannot read --baseline ${path}: ${fileErrorReason(err)}`, {
      cause: err,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HarnessError(
      'INVALID_JSON',
      `--baseline ${path} is not JSON; give an array of check ids such as ["sig.rejects-der"]`,
      { cause: err },
    );
  }
  const ids = Array.isArray(json) ? json : (json as { ids?: unknown } | null)?.ids;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string'))
    throw new HarnessError('CONFIG_INVALID', `--baseline ${path} expected an array of check ids, or {"ids": [...]}`);
  return ids;
}

async function readResults(dir: string): Promise<CheckResult[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
  const lines = await Promise.all(
    files.map(async (f) => (await readFile(join(dir, f), 'utf8')).split('\n').filter(Boolean)),
  );
  return lines.flat().map((line) => JSON.parse(line) as CheckResult);
}

/** Runs the suite files of `areas` in vitest with the given environment added to this process's. */
async function runSuites(areas: readonly Area[], env: Record<string, string>, slow: boolean): Promise<void> {
  const saved = { ...process.env };
  Object.assign(process.env, env); // vitest's workers inherit it
  try {
    const vitest = await startVitest('test', [], {
      root: PACKAGE_ROOT,
      config: false,
      watch: false,
      include: areas.map((area) => `suites/${area}.suite.test.ts`),
      reporters: ['default'],
      // --slow waits a token's 300 s out for real.
      testTimeout: slow ? 900_000 : 120_000,
      hookTimeout: 60_000,
      passWithNoTests: false,
      // One target for the whole run: areas that move its clock or queue faults must not overlap.
      fileParallelism: false,
    });
    await vitest.close();
  } finally {
    for (const key of Object.keys(env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

export async function certifyCommand(options: CertifyOptions, io: CommandIo): Promise<number> {
  const areas = parseAreas(options.only);
  const seed = seedOption(options.seed);
  const baselineIds = await readBaseline(options.baseline);
  if (options.target !== undefined && (options.defect?.length ?? 0) > 0)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      '--defect switches on seeded defects in the embedded sandbox; it cannot be used with --target',
    );
  const startedAt = new Date().toISOString();
  const resultsDir = await mkdtemp(join(tmpdir(), 'omnivas-certify-'));
  const embedded =
    options.target === undefined
      ? await startEmbeddedSandbox({ defects: options.defect, seed, serviceFee: SERVICE_FEE })
      : undefined;
  try {
    // Load the target here too, so a bad file fails at once with one clear line.
    const target: ResolvedTarget = embedded?.target ?? (await loadTargetFile(options.target!));
    for (const warning of target.warnings) io.err(warning);
    const spec: CertifyRunSpec = {
      seed,
      resultsDir,
      slow: options.slow === true,
      ...(embedded
        ? { embedded: { ...embedded.urls, merchantId: embedded.access.merchantId } }
        : { targetFile: resolve(options.target!) }),
    };
    io.out(
      `certify: ${target.config.name} at ${target.config.baseUrl}; areas ${areas.join(', ')}; seed ${seed}${options.defect?.length ? `; defects ${options.defect.join(', ')}` : ''}`,
    );
    await runSuites(
      areas,
      {
        [CERTIFY_ENV]: JSON.stringify(spec),
        ...(embedded ? { ...embedded.secretsEnv, [ADMIN_TOKEN_ENV]: embedded.access.adminToken } : {}),
      },
      options.slow === true,
    );

    const report: CertifyReport = {
      harnessVersion: HARNESS_VERSION,
      target: {
        name: target.config.name,
        baseUrl: target.config.baseUrl,
        profile: target.config.profile,
        sandbox: embedded !== undefined || target.config.sandbox !== undefined,
      },
      startedAt,
      finishedAt: new Date().toISOString(),
      seed,
      results: await readResults(resultsDir),
      baselineIds,
    };
    if (report.results.length === 0)
      throw new HarnessError(
        'INTERNAL',
        'the suites recorded no check results; run with --only to narrow down which area broke',
      );
    const dir = resolve(options.out);
    await writeReports(dir, report, target.redactor);
    const summary = summarizeReport(report);
    const t = summary.totals;
    io.out(
      `${summary.verdict.toUpperCase()}: ${t.pass} passed, ${t.fail} failed, ${t.error} broke, ${t.skip} skipped; error codes verified ${summary.coverage.codesVerified}/${summary.coverage.codesDocumented}`,
    );
    for (const r of summary.blocking)
      io.out(`  ${r.status === 'error' ? 'BROKE' : 'FAIL '} ${r.id}: ${target.redactor.redactText(r.message ?? '')}`);
    io.out(`reports: ${join(dir, 'report.html')}, ${join(dir, 'summary.json')}, ${join(dir, 'junit.xml')}`);
    for (const r of summary.verdict === 'incomplete' ? summary.completeness.reasons : [])
      io.out(`  SKIP  ${r.checkIds.length} required: ${target.redactor.redactText(r.reason)}`);
    return VERDICT_EXIT[summary.verdict];
  } finally {
    await embedded?.close();
    await rm(resultsDir, { recursive: true, force: true });
  }
}
