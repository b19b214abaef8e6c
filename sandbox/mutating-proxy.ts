/**
 * Test support: a loopback proxy in front of a server that changes its answers in small ways
 * (a field dropped, a string parsed, a type swapped) or delays them. The harness's checks must
 * notice each change through it: proof that they read the answers, not just the status.
 */
import { createServer, request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProxiedRequest {
  readonly method: string;
  /** Path and query as the client sent them. */
  readonly path: string;
}

export interface AnswerMutation {
  /** A new JSON body for the answer, or undefined to pass it through unchanged. */
  readonly json?: (body: unknown, request: ProxiedRequest) => unknown;
  /** Every answer waits this long before it is sent. */
  readonly delayMs?: number;
  /** Every request waits this long before it is forwarded: the server sees it late, as on a slow network. */
  readonly holdRequestMs?: number;
}

export interface RunningProxy {
  /** http://127.0.0.1:PORT: put the upstream's paths after it. */
  readonly url: string;
  /** How many answers the mutation changed. */
  mutated(): number;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A copy of a success answer with `change` applied to its `data`, or undefined when it has none. */
const onData =
  (change: (data: Json) => boolean) =>
  (body: unknown): unknown => {
    if (!isObject(body) || !isObject(body.data)) return undefined;
    const copy = structuredClone(body) as Json & { data: Json };
    return change(copy.data) ? copy : undefined;
  };

/** data.voucher[field] as a JSON number instead of the string the API documents. */
function voucherFieldAsNumber(field: string): AnswerMutation {
  return {
    json: onData((data) => {
      const voucher = data.voucher;
      if (!isObject(voucher) || typeof voucher[field] !== 'string') return false;
      voucher[field] = Number(voucher[field]);
      return true;
    }),
  };
}

/** The documented ways to break an answer that a status-only check would miss. */
export const MUTATIONS = {
  /** data.idempotencyKey left out of initiate and redeem answers. */
  dropIdempotencyKey: {
    json: onData((data) => 'idempotencyKey' in data && delete data.idempotencyKey),
  },
  /** data.metadata handed back as the parsed object instead of the string that was sent. */
  parseMetadata: {
    json: onData((data) => {
      if (typeof data.metadata !== 'string') return false;
      data.metadata = JSON.parse(data.metadata) as unknown;
      return true;
    }),
  },
  /** The voucher's amount as a JSON number instead of its 6-place decimal string. */
  amountAsNumber: voucherFieldAsNumber('amount'),
  /**
   * The voucher's serialNumber as a JSON number instead of a string: a field no harness reader
   * needs, so a run goes on and only the contract notices it.
   */
  serialNumberAsNumber: voucherFieldAsNumber('serialNumber'),
} as const satisfies Record<string, AnswerMutation>;

/** Every answer `delayMs` late; with `holdRequestMs`, every request reaches the server that late too. */
export const delayEvery = (delayMs: number, holdRequestMs?: number): AnswerMutation => ({ delayMs, holdRequestMs });

/** Forwards to `upstream` (an http://host:port origin), mutating answers as `mutation` says. */
export async function startMutatingProxy(upstream: string, mutation: AnswerMutation): Promise<RunningProxy> {
  const target = new URL(upstream);
  let mutated = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      if (mutation.holdRequestMs) await sleep(mutation.holdRequestMs);
      const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
      const upstreamReq = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (upstreamRes) => {
          const body: Buffer[] = [];
          upstreamRes.on('data', (chunk: Buffer) => body.push(chunk));
          upstreamRes.on('end', () => {
            void answer(upstreamRes.statusCode ?? 502, upstreamRes.headers, Buffer.concat(body));
          });
        },
      );
      upstreamReq.on('error', () => res.destroy());
      upstreamReq.end(Buffer.concat(chunks));
    });

    async function answer(status: number, headers: IncomingHttpHeaders, body: Buffer): Promise<void> {
      let out = body;
      if (mutation.json && /json/i.test(String(headers['content-type']))) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          parsed = undefined;
        }
        const changed =
          parsed === undefined ? undefined : mutation.json(parsed, { method: req.method ?? '', path: req.url ?? '' });
        if (changed !== undefined) {
          mutated++;
          out = Buffer.from(JSON.stringify(changed));
        }
      }
      if (mutation.delayMs) await sleep(mutation.delayMs);
      const { 'content-length': _length, 'transfer-encoding': _encoding, connection: _connection, ...rest } = headers;
      res.writeHead(status, { ...rest, 'content-length': out.length });
      res.end(out);
    }
  });
  // As the sandbox does: longer than any client's idle keep-alive, so a reused connection is never closed under it.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    mutated: () => mutated,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
