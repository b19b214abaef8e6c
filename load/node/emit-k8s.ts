/**
 * `load --emit-k8s DIR`: instead of running k6 here, write the scenario's bundle and a TestRun for
 * the k6 operator (load/node/k8s-manifest.ts). It runs nothing and contacts nothing, so the loopback
 * rule of local runs does not apply: the manifests carry the target file's base URL, and the
 * vouchers (which this command cannot provision on a remote target) come from a file.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { HarnessError } from '../../lib/errors';
import { readJsonFile } from '../../lib/node/input-file';
import { formatMoney, moneyFromDecimal } from '../../lib/money';
import { parseTargetConfig, type TargetConfig } from '../../lib/target-config';
import { buildK8sManifests, secretCommand, secretsNeeded, writeK8sManifests } from './k8s-manifest';
import { LOAD_ENV, type VoucherSpec } from '../load-env';
import { K6_VERSION } from './k6-bin';
import { latencyBudgetEnv } from './latency-budget-env';

export interface EmitK8sOptions {
  readonly dir: string;
  readonly scenario: string;
  readonly bundlePath: string;
  readonly target: string | undefined;
  readonly vouchersFile: string | undefined;
  readonly parallelism: number;
  readonly vus: number;
  readonly seed: number;
  readonly fill: string;
  readonly profile: string;
}

/** `[{"code": "…", "amount": "100.000000"}]`: the vouchers the runners claim, issued beforehand on the target. */
export function parseVoucherList(json: unknown, path: string): VoucherSpec[] {
  if (!Array.isArray(json) || json.length === 0)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--vouchers-file ${path} expected a non-empty JSON array of {"code": "…", "amount": "100.000000"}`,
    );
  return json.map((v: { code?: unknown; amount?: unknown } | null, i) => {
    if (typeof v?.code !== 'string' || typeof v.amount !== 'string')
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `--vouchers-file ${path}: entry ${i} expected {"code": string, "amount": "decimal string"}`,
      );
    return { code: v.code, amount: formatMoney(moneyFromDecimal(v.amount, `${path}[${i}].amount`)) };
  });
}

/** The settings every runner reads; the OTP outbox needs the sandbox admin URL (its token is a secret). */
function runnerEnv(
  config: TargetConfig,
  vouchers: readonly VoucherSpec[],
  options: EmitK8sOptions,
): { env: Record<string, string>; outbox: boolean } {
  const outbox = config.otp.source === 'sandbox-outbox' && config.sandbox?.adminUrl !== undefined;
  const env: Record<string, string> = {
    [LOAD_ENV.baseUrl]: config.baseUrl,
    ...(outbox ? { [LOAD_ENV.adminUrl]: config.sandbox!.adminUrl! } : {}),
    [LOAD_ENV.initiatePath]: config.initiatePath,
    [LOAD_ENV.otp]: outbox ? 'sandbox-outbox' : config.otp.source === 'fixed' ? 'fixed' : 'none',
    ...(config.otp.source === 'fixed' ? { [LOAD_ENV.fixedOtp]: config.otp.code } : {}),
    [LOAD_ENV.seed]: String(options.seed),
    [LOAD_ENV.vus]: String(options.vus),
    [LOAD_ENV.profile]: options.profile,
    [LOAD_ENV.vouchers]: JSON.stringify(vouchers),
    [LOAD_ENV.fill]: options.fill,
    ...latencyBudgetEnv(config),
  };
  return { env, outbox };
}

/** The scenarios whose every setting the manifest carries (the flow scenarios' rate and duration options are not). */
const EMITTABLE = ['same-voucher-burst', 'idempotency-storm'];

/** Writes the manifests; `out` gets the lines that tell a person what to do next. */
export async function emitK8sRun(options: EmitK8sOptions, out: (line: string) => void): Promise<void> {
  if (!EMITTABLE.includes(options.scenario))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--emit-k8s writes manifests for ${EMITTABLE.join(' and ')}; ${options.scenario} runs on this machine only`,
    );
  if (options.target === undefined)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      '--emit-k8s needs --target FILE: the manifests carry its base URL (the embedded sandbox lives on this machine only)',
    );
  if (options.vouchersFile === undefined)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      '--emit-k8s needs --vouchers-file FILE: [{"code": "…", "amount": "100.000000"}], vouchers issued on the target beforehand',
    );
  const config = parseTargetConfig(await readJsonFile(options.target, 'target file'), options.target);
  if (config.profile !== 'merchant-v1')
    throw new HarnessError(
      'CONFIG_INVALID',
      `"profile" in ${options.target} is ${config.profile}; the load scenarios speak merchant-v1`,
    );
  const vouchers = parseVoucherList(await readJsonFile(options.vouchersFile, '--vouchers-file'), options.vouchersFile);
  const { env, outbox } = runnerEnv(config, vouchers, options);
  const name = `omnivas-${options.scenario}`;
  const secretName = 'omnivas-load-secrets';
  const manifests = buildK8sManifests({
    name,
    scenario: options.scenario,
    script: await readFile(options.bundlePath, 'utf8'),
    parallelism: options.parallelism,
    env,
    secretName,
    image: `grafana/k6:${K6_VERSION.replace(/^v/, '')}`,
  });
  const dir = resolve(options.dir);
  const files = await writeK8sManifests(dir, name, manifests);
  out(
    `k8s: ${options.scenario}, ${options.vus} VUs over ${options.parallelism} runners, ${vouchers.length} vouchers, against ${config.baseUrl}`,
  );
  for (const file of files) out(`  wrote ${file}`);
  out('next (load/README.md › Distributed runs):');
  // The values come from where the target file says, under the names the runners read.
  const { auth } = config;
  const sources = {
    [LOAD_ENV.apiKey]: { env: auth.apiKeyEnv },
    [LOAD_ENV.privateKey]:
      auth.privateKeyFile === undefined
        ? { env: auth.privateKeyEnv ?? LOAD_ENV.privateKey }
        : { file: resolve(dirname(options.target), auth.privateKeyFile) },
    ...(config.sandbox?.adminTokenEnv === undefined
      ? {}
      : { [LOAD_ENV.adminToken]: { env: config.sandbox.adminTokenEnv } }),
  };
  out(`  ${secretCommand(secretName, secretsNeeded(options.scenario, outbox), sources)}`);
  out(`  kubectl apply -f ${dir}`);
  out(
    `  for p in $(kubectl get pods -l k6_cr=${name},runner=true -o name); do kubectl logs "$p" > "\${p#pod/}.log"; done`,
  );
  out('  omnivas-harness check-history --history *.log --finals finals.json [--ledger ledger.json]');
}
