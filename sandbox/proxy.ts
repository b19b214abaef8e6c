/**
 * A loopback proxy in front of a server: every answer held back `delayMs` (a slow remote test
 * environment), and optionally rewritten (a target that breaks the contract in a small way). For
 * tests and benchmarks: it listens on 127.0.0.1 only and forwards to one origin.
 */
import { createServer, request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface ProxyOptions {
  /** Where requests go, e.g. http://127.0.0.1:PORT. */
  readonly origin: string;
  /** Added to every answer. */
  readonly delayMs?: number;
  /** Rewrites an answer before it is sent on; the request's method, path and body are given. */
  readonly rewrite?: (answer: ProxiedAnswer, req: { method: string; path: string; body: string }) => ProxiedAnswer;
}

export interface RunningProxy {
  /** http://127.0.0.1:PORT: put it in place of the origin in a target's URLs. */
  readonly origin: string;
  /** A URL of the proxied origin, seen through the proxy. */
  via(url: string): string;
  close(): Promise<void>;
}

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const upstream = new URL(options.origin);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            let proxied: ProxiedAnswer = {
              status: answer.statusCode ?? 502,
              headers: answer.headers,
              body: Buffer.concat(parts).toString('utf8'),
            };
            if (options.rewrite)
              proxied = options.rewrite(proxied, {
                method: req.method ?? 'GET',
                path: req.url ?? '/',
                body: body.toString('utf8'),
              });
            const headers = { ...proxied.headers, 'content-length': String(Buffer.byteLength(proxied.body)) };
            delete headers['transfer-encoding'];
            setTimeout(() => res.writeHead(proxied.status, headers).end(proxied.body), options.delayMs ?? 0);
          });
        },
      );
      out.on('error', (err) => res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${err.message}`));
      out.end(body);
    });
  });
  // As the sandbox does: longer than any client's idle keep-alive, so a reused connection is never closed under it.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    via: (url) => {
      const u = new URL(url);
      return `${origin}${u.pathname}${u.search}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
