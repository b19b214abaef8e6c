/**
 * How fast the sandbox serves signed POSTs, against how fast node:crypto verifies secp256k1
 * signatures alone (and the sandbox's own verifier, secp256k1-verifier.ts): the sandbox must never
 * be what limits a load run. The server runs in a child process, so it has a core to itself while
 * this process generates the load on the other.
 *
 * Besides the verify ceilings, the same requests are sent the same way to a reference server: a
 * minimal node:http server that only parses the body and verifies its signature with the same
 * verifier. It shows what any Node server can do on this machine, so a low ratio can be told apart
 * from a slow sandbox.
 *
 * `benchSandbox()` is called by `npm run bench`; `npx tsx sandbox/bench.ts` prints the figures.
 * The child is this same file, run again with OMNIVAS_SANDBOX_BENCH_ROLE set: it serves from a
 * top-level await that never settles, so when the file is bundled into a larger entry point,
 * nothing after it runs in the child.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { p1363Verifier, secp256k1Verifier, type P1363Verifier } from './secp256k1-verifier';
import { startSandbox } from './start';
import { signText } from './testing';

export interface SandboxBenchFigures {
  /** node:crypto secp256k1 P1363 verifications per second, alone, in the server's process. */
  readonly verifyCeilingPerSec: number;
  /** What the sandbox verifies with (secp256k1-verifier.ts), and its own ceiling measured the same way. */
  readonly verifier: string;
  readonly verifierCeilingPerSec: number;
  /** Signed initiate-claim POSTs the sandbox answered (all 200) per second. */
  readonly signedPostsPerSec: number;
  /** signedPostsPerSec / verifyCeilingPerSec. */
  readonly ratio: number;
  /** The same requests, sent the same way, to a minimal server that only parses and verifies. */
  readonly referenceServerPerSec: number;
  /** signedPostsPerSec / referenceServerPerSec: how close the sandbox comes to a server that does nothing else. */
  readonly ratioToReference: number;
}

export interface SandboxBenchOptions {
  /** How long each server is timed, in all (default 3 s). */
  readonly seconds?: number;
  readonly connections?: number;
  readonly pipelining?: number;
}

type Role = 'sandbox' | 'reference';
const ROLE = 'OMNIVAS_SANDBOX_BENCH_ROLE';
const PUBLIC_KEY = 'OMNIVAS_SANDBOX_BENCH_PUBLIC_KEY';
const VOUCHER = 'BENCH-VOUCHER';
const WARMUP_REQUESTS = 1000;
/** Enough pre-signed requests for a timed run at a rate above the verify ceiling. */
const REQUESTS_PER_SECOND_BUDGET = 4200;
const CEILING_MS = 1500;
/** Alternating timed rounds per server. */
const ROUNDS = 6;
/** The parent asks the child for its verify ceiling while nothing else of the benchmark runs. */
const MEASURE = 'measure-verify-ceiling';

interface ChildReady {
  /** Where signed POSTs go, and the admin API when the child is the sandbox. */
  readonly postUrl: string;
  readonly adminUrl?: string;
  readonly adminToken?: string;
  readonly loginUrl?: string;
}

/** A body like the API reference's. */
const sampleBody = (i: number) =>
  JSON.stringify({ voucherCode: VOUCHER, amount: 1, idempotencyKey: `bench-${i}`, metadata: '{}' });

interface Ceilings {
  readonly nodeCrypto: number;
  readonly verifier: number;
}

/** Verifications per second, alone, with node:crypto and with the sandbox's verifier. */
function measureVerifyCeilings(ms: number): Ceilings {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const publicKey = createPublicKey(privateKey);
  const message = Buffer.from(sampleBody(0));
  const signature = Buffer.from(signText(privateKey, sampleBody(0)), 'base64');
  const perSecond = (verifies: P1363Verifier) => {
    let count = 0;
    const start = performance.now();
    while (performance.now() - start < ms / 2) {
      for (let i = 0; i < 100; i++)
        if (!verifies(message, signature)) throw new Error('the benchmark signature does not verify');
      count += 100;
    }
    return (count * 1000) / (performance.now() - start);
  };
  return {
    nodeCrypto: perSecond(p1363Verifier(publicKey, 'node:crypto')),
    verifier: perSecond(p1363Verifier(publicKey)),
  };
}

/** Reads the body, re-serialises it and verifies x-signature (with the sandbox's verifier): the least a signed endpoint must do. */
function startReferenceServer(publicKey: KeyObject): Promise<{ url: string; close(): Promise<void> }> {
  const verifies = p1363Verifier(publicKey);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const canonical = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      const ok = verifies(Buffer.from(canonical), Buffer.from(String(req.headers['x-signature']), 'base64'));
      const body = JSON.stringify({ success: ok, statusCode: ok ? 200 : 403 });
      res.writeHead(ok ? 200 : 403, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}

async function serveForBench(role: Role): Promise<never> {
  let ready: ChildReady;
  let close: () => Promise<void>;
  if (role === 'sandbox') {
    const sandbox = await startSandbox({ seed: 1 });
    ready = {
      postUrl: `${sandbox.url}/topup-transactions/initiate-claim`,
      adminUrl: sandbox.adminUrl,
      adminToken: sandbox.adminToken,
      loginUrl: `${sandbox.url}/auth/login`,
    };
    close = sandbox.close;
  } else {
    const reference = await startReferenceServer(createPublicKey(process.env[PUBLIC_KEY]!));
    ready = { postUrl: reference.url };
    close = reference.close;
  }
  process.on('message', (m) => {
    if (m === MEASURE) process.send!(measureVerifyCeilings(CEILING_MS));
  });
  process.on('disconnect', () => void close().then(() => process.exit(0)));
  process.send!(ready);
  return new Promise<never>(() => {});
}

/** A server process, and the next message it sends. */
function startChild(role: Role, publicKeyPem: string): { child: ChildProcess; next: <T>() => Promise<T> } {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, [ROLE]: role, [PUBLIC_KEY]: publicKeyPem },
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`the benchmark's ${role} process exited (${code})`));
      child.once('exit', exited);
      child.once('message', (m) => {
        child.off('exit', exited);
        resolve(m as T);
      });
    });
  return { child, next };
}

async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Record<string, string>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, string>;
}

interface SignedRequest {
  readonly body: string;
  readonly signature: string;
}

/** Sends requests[from..to), 64 in flight, until they run out or `untilMs` passes; all must be 200. */
async function fire(
  pool: Pool,
  path: string,
  token: string,
  requests: readonly SignedRequest[],
  from: number,
  to: number,
  untilMs: number,
): Promise<{ done: number; next: number }> {
  let next = from;
  let done = 0;
  const worker = async () => {
    while (next < to && performance.now() < untilMs) {
      const { body, signature } = requests[next++]!;
      const res = await pool.request({
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-token': token, 'x-signature': signature },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200)
        throw new Error(`the server answered ${res.statusCode} during the benchmark: ${text}`);
      done++;
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  return { done, next };
}

/** A running server process under test, with the requests it has not been sent yet. */
interface Target {
  readonly role: Role;
  readonly child: ChildProcess;
  readonly next: <T>() => Promise<T>;
  readonly pool: Pool;
  readonly path: string;
  readonly token: string;
  sent: number;
  done: number;
  elapsedMs: number;
}

async function startTarget(role: Role, publicKeyPem: string, options: SandboxBenchOptions): Promise<Target> {
  const { child, next } = startChild(role, publicKeyPem);
  const ready = await next<ChildReady>();
  let token = '';
  if (role === 'sandbox') {
    const admin = { authorization: `Bearer ${ready.adminToken!}` };
    const merchant = await postJson(`${ready.adminUrl!}/merchants`, { publicKeyPem }, admin);
    await postJson(`${ready.adminUrl!}/vouchers`, { code: VOUCHER, amount: '1000000000' }, admin);
    token = (await postJson(ready.loginUrl!, { key: merchant.apiKey })).accessToken!;
  }
  const url = new URL(ready.postUrl);
  const pool = new Pool(url.origin, { connections: options.connections ?? 16, pipelining: options.pipelining ?? 1 });
  return { role, child, next, pool, path: url.pathname, token, sent: 0, done: 0, elapsedMs: 0 };
}

/** Sends the target's next requests for `ms` (or `count` of them, untimed, to warm it up). */
async function round(
  target: Target,
  requests: readonly SignedRequest[],
  limit: { ms: number } | { count: number },
): Promise<void> {
  const start = performance.now();
  const until = 'ms' in limit ? start + limit.ms : Infinity;
  const to = 'count' in limit ? target.sent + limit.count : requests.length;
  const { done, next } = await fire(target.pool, target.path, target.token, requests, target.sent, to, until);
  target.sent = next;
  if ('ms' in limit) {
    target.done += done;
    target.elapsedMs += performance.now() - start;
  }
}

async function verifyCeilings(target: Target): Promise<Ceilings> {
  const answer = target.next<Ceilings>();
  target.child.send(MEASURE);
  return answer;
}

async function stopTarget(target: Target): Promise<void> {
  await target.pool.close();
  target.child.disconnect();
}

/**
 * Both servers run at once (an idle one costs nothing) and are timed in alternating rounds, so a
 * change in this machine's load falls on both alike; the ceiling is measured before and after.
 */
export async function benchSandbox(options: SandboxBenchOptions = {}): Promise<SandboxBenchFigures> {
  const seconds = options.seconds ?? 3;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const requests = Array.from({ length: WARMUP_REQUESTS + Math.ceil(seconds * REQUESTS_PER_SECOND_BUDGET) }, (_, i) => {
    const body = sampleBody(i);
    return { body, signature: signText(privateKey, body) };
  });
  const targets = [
    await startTarget('reference', publicKeyPem, options),
    await startTarget('sandbox', publicKeyPem, options),
  ] as const;
  const [reference, sandbox] = targets;
  try {
    for (const target of targets) await round(target, requests, { count: WARMUP_REQUESTS });
    const before = await verifyCeilings(sandbox);
    for (let i = 0; i < ROUNDS; i++)
      for (const target of targets) await round(target, requests, { ms: (seconds * 1000) / ROUNDS });
    const after = await verifyCeilings(sandbox);
    const verifyCeilingPerSec = (before.nodeCrypto + after.nodeCrypto) / 2;
    const perSec = (t: Target) => (t.done * 1000) / t.elapsedMs;
    return {
      verifyCeilingPerSec,
      verifier: secp256k1Verifier,
      verifierCeilingPerSec: (before.verifier + after.verifier) / 2,
      signedPostsPerSec: perSec(sandbox),
      ratio: perSec(sandbox) / verifyCeilingPerSec,
      referenceServerPerSec: perSec(reference),
      ratioToReference: perSec(sandbox) / perSec(reference),
    };
  } finally {
    await Promise.all(targets.map(stopTarget));
  }
}

const role = process.env[ROLE];
if (role === 'sandbox' || role === 'reference') await serveForBench(role);

if (role === undefined && /sandbox[\\/]bench\.ts$/.test(process.argv[1] ?? '')) {
  const figures = await benchSandbox();
  console.log(
    `node:crypto secp256k1 verify ceiling (alone, in the server's process): ${figures.verifyCeilingPerSec.toFixed(0)}/s; ${figures.verifier} (the sandbox's verifier): ${figures.verifierCeilingPerSec.toFixed(0)}/s`,
  );
  console.log(
    `sandbox: signed initiate-claim POSTs answered 200: ${figures.signedPostsPerSec.toFixed(0)}/s  (ratio to the ceiling ${figures.ratio.toFixed(3)})`,
  );
  console.log(
    `reference server (parse + verify only), same requests and client: ${figures.referenceServerPerSec.toFixed(0)}/s  (sandbox/reference ${figures.ratioToReference.toFixed(3)})`,
  );
}
