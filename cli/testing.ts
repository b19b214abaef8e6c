/**
 * Test helpers for the command line: runCli with captured output, a target file with its key
 * file and secret variables made at test time, and fake targets on loopback that misbehave.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import { exportPrivateKeyPem, generatePrivateKey } from '../lib/keys';
import { runCli } from './program';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  /** stderr as the lines written, for "exactly one line" assertions. */
  readonly errLines: readonly string[];
}

export async function cli(...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n'), errLines: err.flatMap((l) => l.split('\n')) };
}

export interface TargetFixture {
  /** The target file's path. */
  readonly path: string;
  readonly dir: string;
  /** The secrets it names, set in process.env under `apiKeyEnv`: tests look for them in outputs. */
  readonly apiKey: string;
  readonly apiKeyEnv: string;
  readonly privateKeyPem: string;
  readonly keyPath: string;
}

/**
 * Writes `name` (a merchant-v1 target file) and its secp256k1 key file into `dir`, and sets a
 * fresh API key in a variable of its own. `overrides` replaces top-level fields; a string is
 * written as the file's whole text.
 */
export function writeTargetFixture(
  dir: string,
  options: { name?: string; baseUrl?: string; overrides?: Record<string, unknown>; text?: string } = {},
): TargetFixture {
  mkdirSync(dir, { recursive: true });
  const tag = randomBytes(4).toString('hex');
  const apiKeyEnv = `OMNIVAS_TEST_API_KEY_${tag.toUpperCase()}`;
  const apiKey = `tk_test_${randomBytes(12).toString('hex')}`;
  process.env[apiKeyEnv] = apiKey;
  const privateKeyPem = exportPrivateKeyPem(generatePrivateKey('secp256k1'));
  // Relative to the target file: a mkdtemp path can look like base64 to the inline-secret check.
  const keyName = `key-${tag}.pem`;
  const keyPath = join(dir, keyName);
  writeFileSync(keyPath, privateKeyPem, { mode: 0o600 });
  const config = {
    name: 'fixture',
    baseUrl: options.baseUrl ?? 'http://127.0.0.1:9/api/v1/merchant/client',
    profile: 'merchant-v1',
    auth: { apiKeyEnv, privateKeyFile: keyName, keyType: 'secp256k1' },
    fixtures: { vouchers: [{ code: '3225118500682251' }] },
    otp: { source: 'fixed', code: '123456' },
    ...options.overrides,
  };
  const path = join(dir, options.name ?? `target-${tag}.json`);
  writeFileSync(path, options.text ?? JSON.stringify(config, null, 2));
  return { path, dir, apiKey, apiKeyEnv, privateKeyPem, keyPath };
}

export interface FakeTarget {
  readonly url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Connections that sent at least one byte (undici may open one more than it uses). */
  used(): number;
  close(): Promise<void>;
}

/**
 * A loopback TCP server that hands each connection to `onConnection` (default: accept and never
 * answer, the way a hung target behaves). Every socket is destroyed on close.
 */
export async function startFakeTarget(onConnection: (socket: Socket) => void = () => {}): Promise<FakeTarget> {
  const sockets = new Set<Socket>();
  let count = 0;
  let used = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', () => (used += 1));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/api/v1/merchant/client`,
    connections: () => count,
    used: () => used,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
