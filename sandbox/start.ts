/**
 * Starting and stopping a sandbox: a fresh context, the server on 127.0.0.1, the URLs and admin
 * token a caller needs.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { MERCHANT_BASE_PATH } from '../lib/endpoint-catalog';
import { HarnessError } from '../lib/errors';
import { ADMIN_BASE_PATH } from './admin-api';
import { createContext, type SandboxHost, type SandboxSetup } from './context';
import { parseDefectNames } from './defects';
import type { ExchangeTap } from './exchange-tap';
import { fixtureSpecs, NO_FIXTURES, type SandboxFixtures } from './fixtures';
import { PARTNER_BASE_PATH } from './partner-api';
import { createSandboxServer } from './server';

/** A port someone else holds (or a privileged one) is the user's to change, not a bug: exit 2, one line. */
function listenRefusal(err: NodeJS.ErrnoException, port: number): Error {
  if (err.code === 'EADDRINUSE')
    return new HarnessError(
      'SANDBOX_PORT_UNAVAILABLE',
      `port ${port} on ${SANDBOX_HOST} is already in use; pick another --port, or --port 0 for a free one`,
      { cause: err },
    );
  if (err.code === 'EACCES')
    return new HarnessError(
      'SANDBOX_PORT_UNAVAILABLE',
      `port ${port} on ${SANDBOX_HOST} needs privileges this user lacks; pick a --port above 1023, or 0 for a free one`,
      { cause: err },
    );
  return err;
}

/** The sandbox listens on loopback only. */
export const SANDBOX_HOST = '127.0.0.1';
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly fixtures?: SandboxFixtures;
  /** Seeded defect names (listDefects()); an unknown name throws SANDBOX_UNKNOWN_DEFECT. */
  readonly defects?: readonly string[];
  /** Seeds OTPs, voucher codes and reference numbers; random (and reported) when left out. */
  readonly seed?: number;
  /** Admin changes and internal errors; never requests, keys or tokens. */
  readonly log?: (line: string) => void;
  /** Honour the test-hook header x-omnivas-test-fault on writes (docs/test-hooks.md). Off by default. */
  readonly testHooks?: boolean;
  /** Cut-off for a whole request, headers and body (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** Records every merchant and partner API exchange and may act before each is handled (client-cert/). */
  readonly tap?: ExchangeTap;
}

export interface RunningSandbox {
  /** The merchant API's base URL, …/api/v1/merchant/client. */
  readonly url: string;
  /** The sandbox's own partner API, …/api/v1/partner. */
  readonly partnerUrl: string;
  readonly adminUrl: string;
  /** Bearer token for the admin API. */
  readonly adminToken: string;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly port: number;
  readonly seed: number;
  readonly defects: readonly string[];
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const setup: SandboxSetup = {
    fixtures: options.fixtures === undefined ? NO_FIXTURES : fixtureSpecs(options.fixtures),
    defects: parseDefectNames(options.defects ?? []),
    seed: options.seed ?? randomInt(2 ** 31),
    log: options.log ?? (() => {}),
    testHooks: options.testHooks === true,
  };
  const host: SandboxHost = {
    ctx: createContext(setup),
    adminToken: randomBytes(32).toString('base64url'),
    seed: setup.seed,
    reset() {
      this.ctx = createContext(setup);
    },
  };
  const server = createSandboxServer(host, {
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    ...(options.tap === undefined ? {} : { tap: options.tap }),
  });
  await new Promise<void>((resolve, reject) => {
    const refused = (err: NodeJS.ErrnoException) => reject(listenRefusal(err, options.port ?? 0));
    server.once('error', refused);
    server.listen(options.port ?? 0, SANDBOX_HOST, () => {
      server.off('error', refused);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${SANDBOX_HOST}:${port}`;
  return {
    url: `${origin}${MERCHANT_BASE_PATH}`,
    partnerUrl: `${origin}${PARTNER_BASE_PATH}`,
    adminUrl: `${origin}${ADMIN_BASE_PATH}`,
    adminToken: host.adminToken,
    origin,
    port,
    seed: setup.seed,
    defects: setup.defects,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
