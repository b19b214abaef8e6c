/**
 * A loopback relay in front of the sandbox that keeps every exchange passing through it: what a
 * program outside the harness (the guide's examples) sent and what it was answered, whatever the
 * program prints. Bodies are kept through the redactor; an access token the sandbox issues is
 * registered with it as it passes, so no credential reaches a report.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redactor } from '../lib/redact';

export interface RelayedExchange {
  readonly method: string;
  /** The path as requested, query included. */
  readonly path: string;
  /** The request body, parsed when it is JSON, redacted. */
  readonly request: unknown;
  readonly status: number;
  /** The answer body, parsed when it is JSON, redacted. */
  readonly answer: unknown;
}

export interface RecordingRelay {
  /** http://127.0.0.1:<port>: the relay's origin; paths are passed on unchanged. */
  readonly origin: string;
  readonly exchanges: RelayedExchange[];
  close(): Promise<void>;
}

/** Hop-by-hop headers and the ones fetch sets itself. */
const NOT_FORWARDED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts a relay on 127.0.0.1 that passes every request on to `targetOrigin` (the sandbox's). */
export async function startRecordingRelay(targetOrigin: string, redactor: Redactor): Promise<RecordingRelay> {
  const exchanges: RelayedExchange[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      const headers = Object.fromEntries(
        Object.entries(req.headers).flatMap(([k, v]) =>
          NOT_FORWARDED.has(k) || v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]],
        ),
      );
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      let status = 502;
      let text: string;
      let contentType = 'text/plain';
      try {
        const answer = await fetch(`${targetOrigin}${path}`, {
          method,
          headers,
          body: method === 'GET' || method === 'HEAD' ? undefined : new Uint8Array(body),
        });
        status = answer.status;
        text = await answer.text();
        contentType = answer.headers.get('content-type') ?? contentType;
      } catch (err) {
        text = `the relay could not reach the sandbox: ${(err as Error).message}`;
      }
      const answer = parsed(text);
      const token = (answer as { accessToken?: unknown } | null)?.accessToken;
      if (typeof token === 'string' && token !== '') redactor.add(token, 'access-token');
      exchanges.push({
        method,
        path,
        request: redactor.redactValue(parsed(body.toString('utf8'))),
        status,
        answer: redactor.redactValue(answer),
      });
      res.writeHead(status, { 'content-type': contentType }).end(text);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
