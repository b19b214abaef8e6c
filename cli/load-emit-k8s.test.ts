/**
 * `load --emit-k8s` writes well-formed manifests for the k6 operator: a ConfigMap holding the
 * bundle under the very key the TestRun names, the parallelism asked for, the settings each runner
 * reads, a distinct RUNNER per pod, the credentials only by reference to a Secret — and no secret
 * value anywhere, in the files or in what the command prints. The documents are JSON, which is
 * YAML too, so JSON.parse is the parser a reader of them needs.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './program';
import { exportPrivateKeyPem, generatePrivateKey } from '../lib/keys';
import { buildK8sManifests, CONFIG_MAP_MAX_BYTES, secretCommand, SECRET_ENV } from '../load/node/k8s-manifest';

const SECRETS = {
  K8S_TEST_API_KEY: 'api-key-marker-7Qz',
  K8S_TEST_ADMIN: 'admin-token-marker-9Wx',
  K8S_TEST_PEM: exportPrivateKeyPem(generatePrivateKey('secp256k1')),
};

afterEach(() => {
  for (const name of Object.keys(SECRETS)) delete process.env[name];
});

function inputs(): { dir: string; target: string; vouchers: string } {
  const dir = mkdtempSync(join(tmpdir(), 'omnivas-k8s-'));
  const target = join(dir, 'target.json');
  writeFileSync(
    target,
    JSON.stringify({
      name: 'cluster sandbox',
      baseUrl: 'https://omnivas-sandbox.load.svc:8443/api/v1/merchant/client',
      profile: 'merchant-v1',
      auth: { apiKeyEnv: 'K8S_TEST_API_KEY', privateKeyEnv: 'K8S_TEST_PEM', keyType: 'secp256k1' },
      otp: { source: 'sandbox-outbox' },
      sandbox: { adminUrl: 'https://omnivas-sandbox.load.svc:8443/admin', adminTokenEnv: 'K8S_TEST_ADMIN' },
      expectations: { latencyP95Ms: 900 },
    }),
  );
  const vouchers = join(dir, 'vouchers.json');
  writeFileSync(
    vouchers,
    JSON.stringify([
      { code: '3225118500682251', amount: '100' },
      { code: '3225118500682252', amount: '50.5' },
    ]),
  );
  return { dir, target, vouchers };
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

/** What the test reads of the two documents. */
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  data: Record<string, string>;
  spec: {
    parallelism: number;
    arguments: string;
    script: { configMap: { name: string; file: string } };
    runner: { env: EnvVar[]; envFrom: unknown };
  };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

describe('load --emit-k8s', () => {
  it('writes a ConfigMap with the bundle and a TestRun that runs it, the secrets only by reference', async () => {
    Object.assign(process.env, SECRETS);
    const { dir, target, vouchers } = inputs();
    const out = join(dir, 'k8s');
    const run = await cli(
      'load',
      '--scenario',
      'same-voucher-burst',
      '--emit-k8s',
      out,
      '--target',
      target,
      '--vouchers-file',
      vouchers,
      '--parallelism',
      '4',
      '--vus',
      '200',
      '--seed',
      '5',
      '--fill',
      '3',
    );
    expect(run.code, run.out + run.err).toBe(0);

    const names = readdirSync(out).sort();
    expect(names).toEqual(['omnivas-same-voucher-burst-configmap.json', 'omnivas-same-voucher-burst-testrun.json']);
    const texts = names.map((n) => readFileSync(join(out, n), 'utf8'));
    const [configMap, testRun] = texts.map((t) => JSON.parse(t) as Manifest) as [Manifest, Manifest];

    expect(configMap).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    expect(testRun).toMatchObject({ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', spec: { parallelism: 4 } });
    for (const doc of [configMap, testRun]) expect(doc.metadata.name).toMatch(DNS_LABEL);
    // The TestRun names the ConfigMap and the key that holds the script, and that key holds the bundle.
    const script = testRun.spec.script.configMap;
    expect(script.name).toBe(configMap.metadata.name);
    expect(Object.keys(configMap.data)).toEqual([script.file]);
    const bundle = configMap.data[script.file]!;
    expect(bundle).toBe(readFileSync(join(import.meta.dirname, '..', 'dist', 'load', 'same-voucher-burst.js'), 'utf8'));
    expect(new TextEncoder().encode(bundle).length).toBeLessThanOrEqual(CONFIG_MAP_MAX_BYTES);
    expect(testRun.spec.arguments).toContain('--log-format=raw');

    const env = testRun.spec.runner.env;
    const value = (name: string) => env.find((e) => e.name === name)?.value;
    expect(value('OMNIVAS_BASE_URL')).toBe('https://omnivas-sandbox.load.svc:8443/api/v1/merchant/client');
    expect(value('OMNIVAS_OTP_SOURCE')).toBe('sandbox-outbox');
    expect([value('VUS'), value('SEED'), value('FILL')]).toEqual(['200', '5', '3']);
    // The target file's budget: the runners' p95 thresholds.
    expect(JSON.parse(value('OMNIVAS_LATENCY_P95_MS')!)).toEqual({
      login: 900,
      'initiate-claim': 900,
      'voucher-detail': 900,
      'redeem-gift': 900,
    });
    expect(JSON.parse(value('VOUCHERS')!)).toEqual([
      { code: '3225118500682251', amount: '100.000000' },
      { code: '3225118500682252', amount: '50.500000' },
    ]);
    // Each runner pod names itself: its history lines carry a runner of their own.
    expect(env.find((e) => e.name === 'RUNNER')).toEqual({
      name: 'RUNNER',
      valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
    });
    expect(new Set(env.map((e) => e.name)).size).toBe(env.length);

    // Credentials: by reference to a Secret, never in a manifest or in what was printed.
    expect(testRun.spec.runner.envFrom).toEqual([{ secretRef: { name: 'omnivas-load-secrets' } }]);
    for (const name of SECRET_ENV) expect(env.map((e) => e.name)).not.toContain(name);
    for (const text of [...texts, run.out, run.err]) {
      for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
      // The bundle's PEM reader names "PRIVATE KEY"; the key itself is its base64 body.
      expect(text).not.toContain(SECRETS.K8S_TEST_PEM.split('\n')[1]);
    }
    expect(run.out).toContain(
      'kubectl create secret generic omnivas-load-secrets --from-file=OMNIVAS_API_KEY=<(printf %s "$K8S_TEST_API_KEY")',
    );
    expect(run.out).toContain('kubectl get pods -l k6_cr=omnivas-same-voucher-burst,runner=true');
  });

  it('needs a target file and a vouchers file, and refuses a scenario it cannot carry or a bad parallelism', async () => {
    const { dir, target, vouchers } = inputs();
    const base = ['load', '--scenario', 'same-voucher-burst', '--emit-k8s', join(dir, 'k8s')];
    expect((await cli(...base, '--vouchers-file', vouchers)).err).toMatch(/--emit-k8s needs --target FILE/);
    expect((await cli(...base, '--target', target)).err).toMatch(/--emit-k8s needs --vouchers-file FILE/);
    const flow = await cli(
      'load',
      '--scenario',
      'steady-flow',
      '--emit-k8s',
      join(dir, 'k8s'),
      '--target',
      target,
      '--vouchers-file',
      vouchers,
    );
    expect(flow.err).toMatch(
      /--emit-k8s writes manifests for same-voucher-burst and idempotency-storm; steady-flow runs on this machine only/,
    );
    const bad = await cli(...base, '--target', target, '--vouchers-file', vouchers, '--parallelism', '0');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--parallelism expected a whole number from 1 to 100/);
    const missing = await cli(...base, '--target', target, '--vouchers-file', join(dir, 'none.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(
      /^omnivas-harness: cannot read --vouchers-file \S*none\.json: no such file .*\[FILE_UNREADABLE\]$/,
    );
    writeFileSync(join(dir, 'bad.json'), '[{"code": "1"},]');
    const notJson = await cli(...base, '--target', target, '--vouchers-file', join(dir, 'bad.json'));
    expect(notJson.code).toBe(2);
    expect(notJson.err).toMatch(
      /^omnivas-harness: "--vouchers-file \S*bad\.json" is not valid JSON: .*line 1 column 16.*\[INVALID_JSON\]$/,
    );
  });
});

describe('buildK8sManifests', () => {
  const spec = {
    name: 'omnivas-x',
    scenario: 'same-voucher-burst',
    script: 'export default function () {}',
    parallelism: 2,
    env: { VUS: '10' },
    secretName: 'omnivas-load-secrets',
    image: 'grafana/k6:2.2.0',
  };

  it('refuses to carry a secret variable or RUNNER in the manifest', () => {
    for (const name of [...SECRET_ENV, 'RUNNER'])
      expect(() => buildK8sManifests({ ...spec, env: { [name]: 'x' } })).toThrow(
        expect.objectContaining({ code: 'INTERNAL' }),
      );
  });

  it('refuses names Kubernetes would refuse, and a bundle too big for a ConfigMap', () => {
    expect(() => buildK8sManifests({ ...spec, name: 'Omnivas_X' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => buildK8sManifests({ ...spec, script: 'x'.repeat(CONFIG_MAP_MAX_BYTES + 1) })).toThrow(
      /above the 1048576 a ConfigMap holds/,
    );
  });

  it('makes the Secret from files and environment variables, never a value on the command line', () => {
    expect(
      secretCommand('s', ['OMNIVAS_API_KEY', 'OMNIVAS_PRIVATE_KEY'], { OMNIVAS_PRIVATE_KEY: { file: 'keys/p.pem' } }),
    ).toBe(
      'kubectl create secret generic s --from-file=OMNIVAS_API_KEY=<(printf %s "$OMNIVAS_API_KEY") --from-file=OMNIVAS_PRIVATE_KEY=keys/p.pem',
    );
  });
});
