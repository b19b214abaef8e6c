/**
 * The sandbox's HTTP server: node:http, one listener, three APIs by path prefix. Whatever arrives
 * gets the error envelope or a documented success, never a crash or a hang: unparseable HTTP is
 * answered from 'clientError', slow clients are cut off by node's header and request timeouts.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { errorEnvelope } from '../lib/error-catalog';
import { isHarnessError } from '../lib/errors';
import { ADMIN_BASE_PATH, ADMIN_ROUTES, guardAdmin } from './admin-api';
import type { Handler, SandboxHost } from './context';
import { ActiveDefects } from './defects';
import { envelopeReply, readBody, sendReply } from './http';
import { MERCHANT_BASE_PATH, MERCHANT_ROUTES } from './merchant-api';
import { PARTNER_BASE_PATH, PARTNER_ROUTES } from './partner-api';
import { ConnectionDropped, refuse, Refusal } from './refusal';
import { Router } from './router';

interface Api {
  readonly prefix: string;
  readonly router: Router<Handler>;
  /** The control plane: guarded, and its errors are not subject to seeded defects. */
  readonly admin: boolean;
}

const APIS: readonly Api[] = [
  { prefix: MERCHANT_BASE_PATH, router: new Router(MERCHANT_ROUTES), admin: false },
  { prefix: PARTNER_BASE_PATH, router: new Router(PARTNER_ROUTES), admin: false },
  { prefix: ADMIN_BASE_PATH, router: new Router(ADMIN_ROUTES), admin: true },
];

/** Errors outside the API under test are written without seeded defects. */
const NO_DEFECTS = new ActiveDefects();

export interface ServerTimeouts {
  /** The whole request, headers and body, must arrive within this. */
  readonly requestTimeoutMs: number;
}

function apiFor(path: string): Api | undefined {
  return APIS.find(
    (api) => path.startsWith(api.prefix) && (path.length === api.prefix.length || path[api.prefix.length] === '/'),
  );
}

function asRefusal(err: unknown, host: SandboxHost): Refusal {
  if (err instanceof Refusal) return err;
  // A HarnessError while handling a request is the request's fault: lib/ refused its input.
  if (isHarnessError(err) && err.code !== 'INTERNAL') return refuse(400, err.message);
  host.ctx.log(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return refuse(500, 'Internal sandbox error');
}

async function handle(host: SandboxHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ctx = host.ctx;
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const api = apiFor(path);
  try {
    // RFC 9112 › 3.2: a server must answer 400 to an HTTP/1.1 request without Host.
    if (req.headers.host === undefined && req.httpVersion === '1.1')
      throw refuse(400, 'Missing Host header: HTTP/1.1 requests must carry one');
    if (!api)
      throw refuse(
        404,
        `No route for ${path.slice(0, 200)}; the APIs are under ${APIS.map((a) => a.prefix).join(', ')}`,
      );
    if (api.admin) guardAdmin(req, host);
    const { handler, params } = api.router.match(req.method ?? '', path.slice(api.prefix.length));
    const body = await readBody(req);
    sendReply(res, await handler({ ctx, host, req, body, params }));
  } catch (err) {
    if (err instanceof ConnectionDropped || res.destroyed) return;
    sendReply(res, envelopeReply(asRefusal(err, host), api && !api.admin ? ctx.defects : NO_DEFECTS));
  }
}

/**
 * Answers what node's HTTP parser refused (bad syntax, headers over 16 KiB, a request slower than
 * the timeouts) with the envelope, as node's own handler would with a bare status: only on a
 * socket no response has been written to yet.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  const [status, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request header fields too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request timed out: the whole request must arrive in time']
        : [400, `Malformed HTTP request (${err.code ?? 'parse error'})`];
  answerOnSocket(socket, status, message);
}

/** The envelope written straight to a socket node's request handler never saw, then the connection closed. */
function answerOnSocket(socket: Socket, status: number, message: string): void {
  if (!socket.writable || socket.bytesWritten > 0) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorEnvelope(status, message));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * CONNECT (a proxy tunnel) and protocol upgrades (WebSocket, h2c) reach neither route table: node
 * hands them to these events and, with no listener, closes the socket without a word. The sandbox
 * is no proxy and speaks only HTTP/1.1, so both get a 405 or 400 envelope.
 */
function answerTunnel(req: IncomingMessage, duplex: Duplex): void {
  const socket = duplex as Socket; // node's server hands its net.Socket over, typed as any Duplex
  socket.on('error', () => {}); // a client gone before the answer is no concern of the server's
  if (req.method === 'CONNECT') answerOnSocket(socket, 405, 'CONNECT is not supported: the sandbox is not a proxy');
  else
    answerOnSocket(
      socket,
      400,
      `Upgrade to ${JSON.stringify(String(req.headers.upgrade ?? '').slice(0, 40))} is not supported: the sandbox speaks HTTP/1.1 only`,
    );
}

export function createSandboxServer(host: SandboxHost, timeouts: ServerTimeouts): Server {
  const server = createServer(
    {
      requestTimeout: timeouts.requestTimeoutMs,
      headersTimeout: Math.min(timeouts.requestTimeoutMs, 10_000),
      // node checks the two timeouts above this often (default 30 s, too coarse for a test run).
      connectionsCheckingInterval: Math.min(1000, timeouts.requestTimeoutMs),
      // Longer than any pause a load scenario makes between two requests on one connection (a VU
      // waiting for its OTP or its next burst): a server closing an idle connection just as the
      // client reuses it turns a request into a status-0 answer the checker cannot judge.
      keepAliveTimeout: 65_000,
      // node would answer a request without Host (HTTP/1.1 requires one) with a bare 400 and no
      // body; handle() answers it with the envelope instead.
      requireHostHeader: false,
    },
    (req, res) => void handle(host, req, res),
  );
  server.on('clientError', answerClientError);
  server.on('connect', answerTunnel);
  server.on('upgrade', answerTunnel);
  return server;
}
