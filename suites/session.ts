/**
 * Where a suite file gets its target. `certify` starts one target for the whole run and hands it
 * to vitest's workers through the environment (OMNIVAS_CERTIFY: the non-secret part as JSON;
 * secrets in their own variables). Without it — `npm test` — each suite file starts its own
 * embedded sandbox: the harness proving its checks pass against the correct reference.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from '../lib/errors';
import { loadTargetFile, resolveTarget } from '../lib/node/target-file';
import { SANDBOX_SECRET_ENV, defaultSandboxTarget } from '../lib/target-config';
import type { CheckResult } from './check';
import { createCertifyContext } from './context';
import type { CertifyContext, SandboxAccess } from './context';
import { startEmbeddedSandbox } from './embedded-sandbox';

export const CERTIFY_ENV = 'OMNIVAS_CERTIFY';
export const ADMIN_TOKEN_ENV = 'OMNIVAS_SANDBOX_ADMIN_TOKEN';

/** What certify passes to the suite files (no secrets: those travel in their own variables). */
export interface CertifyRunSpec {
  readonly seed: number;
  /** Each suite file appends its results here as JSON lines, one file per area. */
  readonly resultsDir: string;
  /** A target file, or the embedded sandbox certify started. */
  readonly targetFile?: string;
  readonly embedded?: { readonly url: string; readonly adminUrl: string; readonly merchantId: string };
  /** --slow: wait out token expiry on a target without the sandbox clock. */
  readonly slow?: boolean;
}

export interface SuiteSession {
  readonly context: CertifyContext;
  /** True under certify: results are recorded and the vitest outcome mirrors them. */
  readonly certifying: boolean;
  record(result: CheckResult): Promise<void>;
  close(): Promise<void>;
}

export const SERVICE_FEE = 1_000_000n;

export async function openSuiteSession(area: string, env: NodeJS.ProcessEnv = process.env): Promise<SuiteSession> {
  const specText = env[CERTIFY_ENV];
  if (specText === undefined) {
    const seed = Number(env.OMNIVAS_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const embedded = await startEmbeddedSandbox({ seed, serviceFee: SERVICE_FEE });
    return {
      context: createCertifyContext({ target: embedded.target, seed, sandbox: embedded.access, stream: area }),
      certifying: false,
      record: async () => {},
      close: () => embedded.close(),
    };
  }
  const spec = JSON.parse(specText) as CertifyRunSpec;
  const resultsFile = join(spec.resultsDir, `${area}.jsonl`);
  let context: CertifyContext;
  if (spec.embedded) {
    const adminToken = env[ADMIN_TOKEN_ENV];
    if (adminToken === undefined)
      throw new HarnessError('INTERNAL', `${ADMIN_TOKEN_ENV} is not set for the embedded sandbox`);
    const target = await resolveTarget(defaultSandboxTarget(spec.embedded), {
      env,
      baseDir: process.cwd(),
      origin: 'the embedded sandbox',
    });
    target.redactor.add(adminToken, 'admin-token');
    const sandbox: SandboxAccess = {
      adminUrl: spec.embedded.adminUrl,
      adminToken,
      merchantId: spec.embedded.merchantId,
    };
    context = createCertifyContext({ target, seed: spec.seed, sandbox, stream: area });
  } else {
    const target = await loadTargetFile(spec.targetFile!, env);
    const adminUrl = target.config.sandbox?.adminUrl;
    const sandbox =
      adminUrl && target.adminToken ? { adminUrl, adminToken: target.adminToken, merchantId: '' } : undefined;
    context = createCertifyContext({
      target,
      seed: spec.seed,
      stream: area,
      slow: spec.slow === true,
      ...(sandbox ? { sandbox } : {}),
    });
  }
  return {
    context,
    certifying: true,
    record: (result) => appendFile(resultsFile, `${JSON.stringify(result)}\n`),
    close: async () => {},
  };
}

export { SANDBOX_SECRET_ENV };
