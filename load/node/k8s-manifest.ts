/**
 * A distributed run on the k6 operator for Kubernetes (https://grafana.com/docs/k6/latest/set-up/
 * set-up-distributed-k6/): the scenario's bundle in a ConfigMap and a TestRun (k6.io/v1alpha1)
 * that runs it on `parallelism` runner pods, each taking an equal execution segment of the VUs.
 * Nothing here runs or contacts anything: the manifests carry the target's base URL, and whoever
 * applies them points load at that target. Secrets are never in a manifest: the runners read them
 * from a Kubernetes Secret by reference (envFrom), created beforehand with `kubectl create secret`.
 * Each runner's history lines carry its pod name as `runner` (the downward API), so the histories
 * gathered with `kubectl logs` merge (omnivas-harness check-history). Documents are written as
 * JSON, which kubectl reads as it reads YAML.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from '../../lib/errors';
import { LOAD_ENV } from '../load-env';

/** A ConfigMap holds at most 1 MiB (k6 operator docs › Run k6 scripts with TestRun CRD). */
export const CONFIG_MAP_MAX_BYTES = 1_048_576;

/** The variables that hold secrets: they come from the Secret, never from the manifest. */
export const SECRET_ENV = [
  LOAD_ENV.apiKey,
  LOAD_ENV.privateKey,
  LOAD_ENV.adminToken,
  LOAD_ENV.secondApiKey,
  LOAD_ENV.secondPrivateKey,
] as const;

export interface K8sRunSpec {
  /** The TestRun's name, a DNS-1123 label; the ConfigMap is `<name>-script`. */
  readonly name: string;
  /** The scenario whose bundle is `script`: the ConfigMap key is `<scenario>.js`. */
  readonly scenario: string;
  readonly script: string;
  readonly parallelism: number;
  /** The settings every runner reads (LOAD_ENV names); secrets are refused here. */
  readonly env: Readonly<Record<string, string>>;
  /** The Secret holding the SECRET_ENV variables the scenario needs. */
  readonly secretName: string;
  /** The runner image: k6 at the version the bundles are built for. */
  readonly image: string;
}

export interface K8sManifests {
  readonly configMap: Record<string, unknown>;
  readonly testRun: Record<string, unknown>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function validate(spec: K8sRunSpec): void {
  for (const [field, value] of [
    ['name', spec.name],
    ['secretName', spec.secretName],
  ] as const) {
    if (!DNS_LABEL.test(value))
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `"${field}" ${JSON.stringify(value)} is not a Kubernetes name: use lower-case letters, digits and '-', at most 63, starting and ending with a letter or digit`,
      );
  }
  if (!Number.isInteger(spec.parallelism) || spec.parallelism < 1 || spec.parallelism > 100)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"parallelism" expected a whole number from 1 to 100, got ${spec.parallelism}`,
    );
  const secret = Object.keys(spec.env).find(
    (name) => (SECRET_ENV as readonly string[]).includes(name) || name === LOAD_ENV.runner,
  );
  if (secret !== undefined)
    throw new HarnessError(
      'INTERNAL',
      `"env" names ${secret}, which the manifest must not carry (secrets come from the Secret, ${LOAD_ENV.runner} from the pod name)`,
    );
  const bytes = new TextEncoder().encode(spec.script).length;
  if (bytes > CONFIG_MAP_MAX_BYTES)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `the ${spec.scenario} bundle is ${bytes} bytes, above the ${CONFIG_MAP_MAX_BYTES} a ConfigMap holds; serve it from a volumeClaim instead`,
    );
}

export function buildK8sManifests(spec: K8sRunSpec): K8sManifests {
  validate(spec);
  const file = `${spec.scenario}.js`;
  const scriptName = `${spec.name}-script`;
  const labels = { 'app.kubernetes.io/name': 'omnivas-harness', 'omnivas-harness/scenario': spec.scenario };
  return {
    configMap: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: scriptName, labels },
      data: { [file]: spec.script },
    },
    testRun: {
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      metadata: { name: spec.name, labels },
      spec: {
        parallelism: spec.parallelism,
        script: { configMap: { name: scriptName, file } },
        // Raw log lines: the history lines are JSON after their prefix (lib/history.ts), not logfmt.
        arguments: '--log-format=raw',
        runner: {
          image: spec.image,
          env: [
            ...Object.entries(spec.env).map(([name, value]) => ({ name, value })),
            // Every runner names itself by its pod, so the merged history keeps the runners apart.
            { name: LOAD_ENV.runner, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          ],
          envFrom: [{ secretRef: { name: spec.secretName } }],
        },
      },
    },
  };
}

/** The secret variables a scenario's runners read, for the `kubectl create secret` line. */
export function secretsNeeded(scenario: string, otpFromOutbox: boolean): string[] {
  return [
    LOAD_ENV.apiKey,
    LOAD_ENV.privateKey,
    ...(otpFromOutbox ? [LOAD_ENV.adminToken] : []),
    ...(scenario === 'idempotency-storm' ? [LOAD_ENV.secondApiKey, LOAD_ENV.secondPrivateKey] : []),
  ];
}

/**
 * How to make the Secret without a value on any command line: each variable comes from a file, or
 * from an environment variable through a process substitution (printf is a shell builtin).
 */
export function secretCommand(
  secretName: string,
  names: readonly string[],
  sources: Readonly<Record<string, { file: string } | { env: string }>> = {},
): string {
  const args = names.map((name) => {
    const source = sources[name] ?? { env: name };
    return `--from-file=${name}=${'file' in source ? source.file : `<(printf %s "$${source.env}")`}`;
  });
  return `kubectl create secret generic ${secretName} ${args.join(' ')}`;
}

/** Writes `<name>-configmap.json` and `<name>-testrun.json` into `dir`; returns their paths. */
export async function writeK8sManifests(dir: string, name: string, manifests: K8sManifests): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: Array<[string, unknown]> = [
    [join(dir, `${name}-configmap.json`), manifests.configMap],
    [join(dir, `${name}-testrun.json`), manifests.testRun],
  ];
  for (const [path, doc] of files) await writeFile(path, `${JSON.stringify(doc, null, 2)}\n`);
  return files.map(([path]) => path);
}
