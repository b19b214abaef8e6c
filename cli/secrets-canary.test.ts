/**
 * No secret in any output: certify (embedded sandbox, and a target that echoes every request back),
 * smoke, the sandbox command, every load scenario at its shortest in each signing mode it has, and
 * the mutation gate on one defect run with known secrets, and every file they write and every console
 * line is searched for every form of each secret: the whole value, a prefix (half the value, 12
 * characters at least), each line of a PEM body, the raw private key in hex and base64; and for any
 * JWT or PEM private key at all. Secrets come from what this test wrote (the echo target's file, the
 * sandbox's fixtures), from every secret the runs registered with a redactor (recorded here), and,
 * in the gate's worker processes which that mock cannot reach, from every long random draw
 * (test-support/record-random-secrets.mjs: the sandboxes' API keys and admin tokens).
 */
import { spawn } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CORPUS_PLANS } from '../load/corpus-plans';
import { LOAD_SCENARIOS } from '../load/node/scenarios';
import { cli, writeTargetFixture } from './testing';
import type { CliRun } from './testing';
import type * as Redact from '../lib/redact';

const recorded = vi.hoisted(() => [] as { secret: string; label: string | undefined }[]);

// Every redactor of the runs tells this test what it was given, so the search knows the sandbox's own secrets.
vi.mock('../lib/redact', async (importOriginal) => {
  const original = await importOriginal<typeof Redact>();
  return {
    ...original,
    createRedactor: (secrets: Iterable<string> = []) => {
      const list = [...secrets];
      for (const secret of list) recorded.push({ secret, label: undefined });
      const redactor = original.createRedactor(list);
      return {
        ...redactor,
        add: (secret: string, label?: string) => {
          recorded.push({ secret, label });
          redactor.add(secret, label);
        },
      };
    },
  };
});

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
/** Labels the redactors give real secrets (not the test hooks' "short"/"long" samples). */
const SECRET_LABELS = new Set([
  'access-token',
  'admin-token',
  'api-key',
  'partner-api-key',
  'private-key',
  'password',
  'otp-bridge-token',
  'signing-helper-token',
]);

let root = '';
const consoleText: string[] = [];
const known: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'omnivas-canary-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const keep = (run: CliRun): CliRun => {
  consoleText.push(run.out, run.err);
  return run;
};

/** Every form of a secret a leak could take. */
function formsOf(secret: string): string[] {
  if (secret.includes('-----BEGIN')) {
    const body = secret.split(/\r?\n/).filter((l) => l.length >= 12 && !l.startsWith('-----'));
    // A PEM's first line opens with the key type's fixed ASN.1 header: only whole lines are secret.
    return body;
  }
  if (secret.length < 12) return [secret];
  return [secret, secret.slice(0, Math.max(12, Math.ceil(secret.length / 2)))];
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** An HTTP server on loopback that answers every request with its own headers and body. */
async function startEchoTarget() {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const echoed = JSON.stringify({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo-headers': JSON.stringify(req.headers) });
      res.end(echoed);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/v1/merchant/client`, close: () => new Promise((r) => server.close(r)) };
}

describe('secrets canary', () => {
  it('certify against an echoing target: the API key and private key never come back out', async () => {
    const echo = await startEchoTarget();
    try {
      const fixture = writeTargetFixture(join(root, 'echo-target'), { baseUrl: echo.url });
      known.push(fixture.apiKey, fixture.privateKeyPem);
      keep(
        await cli('certify', '--target', fixture.path, '--only', 'auth', 'errors', '--out', join(root, 'certify-echo')),
      );
    } finally {
      await echo.close();
    }
  }, 60_000);

  it('certify against the embedded sandbox', async () => {
    const run = keep(await cli('certify', '--only', 'auth', 'errors', '--out', join(root, 'certify-sandbox')));
    expect(run.code, run.out + run.err).toBe(0);
  }, 60_000);

  it('smoke against the embedded sandbox', async () => {
    const run = keep(await cli('smoke', '--out', join(root, 'smoke')));
    expect(run.code, run.out + run.err).toBe(0);
  }, 30_000);

  // Every scenario, in each signing mode it has (a presigned corpus needs a corpus plan), at its shortest.
  const loads = Object.keys(LOAD_SCENARIOS).flatMap((scenario) =>
    (CORPUS_PLANS[scenario] === undefined ? ['k6'] : ['k6', 'presigned']).map((signing) => ({ scenario, signing })),
  );
  it.each(loads)(
    'load $scenario, --signing $signing',
    async ({ scenario, signing }) => {
      const size =
        'flow' in LOAD_SCENARIOS[scenario as keyof typeof LOAD_SCENARIOS]
          ? ['--duration', '2s', '--vouchers', '2']
          : ['--vus', '4', '--vouchers', '1'];
      const out = join(root, `load-${scenario}-${signing}`);
      // k6's own json metrics output too, once: its samples (URLs, tags) are searched with the rest.
      const k6Out = scenario === 'same-voucher-burst' && signing === 'k6' ? ['--k6-out', 'json'] : [];
      const run = keep(
        await cli('load', '--scenario', scenario, ...size, '--signing', signing, '--out', out, ...k6Out),
      );
      // A run this short may miss a threshold (exit 1); what matters here is that it ran and wrote its files.
      expect([0, 1], run.out + run.err).toContain(run.code);
      expect(await readdir(out)).toEqual(expect.arrayContaining(['summary.json', 'history.jsonl', 'finals.json']));
      expect(await readFile(join(out, 'history.jsonl'), 'utf8'), 'no operation ran').toMatch(/OMNIVAS_OP/);
      if (k6Out.length > 0)
        expect(await readFile(join(out, 'k6-metrics.json'), 'utf8')).toMatch(
          /"metric":"http_req_duration","type":"Point"/,
        );
    },
    90_000,
  );

  it('the mutation gate on one defect, its workers and load runs included', async () => {
    const saved = process.env.NODE_OPTIONS;
    await mkdir(join(root, 'gate-secrets'));
    const secretsFile = join(root, 'gate-secrets', 'random.txt');
    const recorder = pathToFileURL(join(import.meta.dirname, 'test-support', 'record-random-secrets.mjs')).href;
    // The workers are forked with this environment: each loads the recorder before anything else.
    process.env.NODE_OPTIONS = `${saved ?? ''} --import ${recorder}`.trim();
    process.env.OMNIVAS_CANARY_SECRETS = secretsFile;
    try {
      const argv = ['--only', 'signature-not-checked', '--jobs', '2', '--seed', '3', '--out', join(root, 'mutants')];
      const run = keep(await cli('mutants', ...argv));
      expect(run.code, run.out + run.err).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved;
      delete process.env.OMNIVAS_CANARY_SECRETS;
    }
    const drawn = (await readFile(secretsFile, 'utf8')).split('\n').filter((line) => line !== '');
    // Two check runs and two load runs, each with a sandbox of its own: an admin token and API keys apiece.
    expect(drawn.length).toBeGreaterThanOrEqual(8);
    known.push(...drawn);
  }, 180_000);

  it("the sandbox command, sent the fixture merchant's key", async () => {
    const fixture = writeTargetFixture(join(root, 'sandbox-fixture'));
    known.push(fixture.apiKey, fixture.privateKeyPem);
    const publicKeyPem = createPublicKey(fixture.privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    const fixtures = join(root, 'sandbox-fixture', 'fixtures.json');
    await writeFile(
      fixtures,
      JSON.stringify({ merchants: [{ id: 'shop-1', name: 'Shop One', apiKey: fixture.apiKey, publicKeyPem }] }),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'sandbox', '--fixtures', fixtures], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const announced = new Promise<{ url: string; adminToken: string }>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const line = stdout.split('\n').find((l) => l.startsWith('{'));
        if (line !== undefined && stdout.includes('\n'))
          resolve(JSON.parse(line) as { url: string; adminToken: string });
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const { url, adminToken } = await announced;
      // A login whose signature is wrong, and one that is not JSON: both carry the key.
      for (const body of [JSON.stringify({ key: fixture.apiKey }), `{"key": "${fixture.apiKey}"`])
        await fetch(`${url}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': fixture.apiKey, 'x-signature': 'AAAA' },
          body,
        }).then((r) => r.text());
      // The admin token is the one secret the command prints, on purpose: its first line is for the operator.
      consoleText.push(stdout.replace(adminToken, ''), stderr);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
    consoleText.push(stderr);
  }, 30_000);

  it('no form of any secret appears in any file written or any console line', async () => {
    const secrets = new Set([
      ...known,
      ...recorded.filter((r) => r.label === undefined || SECRET_LABELS.has(r.label)).map((r) => r.secret),
    ]);
    const forms = new Set([...secrets].flatMap(formsOf));
    // The runs did register the secrets this search relies on.
    expect(recorded.some((r) => r.label === 'admin-token')).toBe(true);
    expect(recorded.some((r) => r.label === 'private-key' && /^[0-9a-f]{64}$/.test(r.secret))).toBe(true);
    expect(forms.size).toBeGreaterThan(10);
    const files = await filesUnder(root);
    const written = files.filter(
      (f) => !f.includes('echo-target') && !f.includes('sandbox-fixture') && !f.includes('gate-secrets'),
    );
    expect(written.length).toBeGreaterThan(15);
    const leaks: string[] = [];
    const texts: [string, string][] = [
      ...(await Promise.all(written.map(async (f) => [f, await readFile(f, 'utf8')] as [string, string]))),
      ['console', consoleText.join('\n')],
    ];
    const jwt = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/;
    const pem = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
    for (const [where, text] of texts) {
      for (const form of forms)
        if (text.includes(form)) leaks.push(`${where}: ${form.slice(0, 6)}… (${form.length} chars)`);
      if (jwt.test(text)) leaks.push(`${where}: a JWT`);
      if (pem.test(text)) leaks.push(`${where}: a PEM private key`);
    }
    const lines = texts.reduce((n, [, text]) => n + text.split('\n').length, 0);
    // The figures of the search, for the record (issue 14's closing note).
    console.log(
      `secrets canary: ${written.length} files and the console, ${lines} lines, searched for ${secrets.size} secrets in ${forms.size} forms`,
    );
    expect(leaks).toEqual([]);
  });
});
