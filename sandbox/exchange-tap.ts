/**
 * Recording what a client sends and what it gets back, for grading a client (client-cert/): the
 * raw request bytes and headers as they arrived, when, and the answer as written — or that none
 * reached the client (it hung up first, or an injected fault cut the connection). The tap may also
 * act on a request before the sandbox handles it (move the clock the moment a scenario needs it).
 * Only the merchant and partner APIs are tapped, never the admin API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxHost } from './context';
import { callerOrigin, type Reply } from './http';

export interface TappedRequest {
  /** Arrival order, from 1. */
  readonly seq: number;
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  /** Lower-case names; repeated headers joined as node joins them. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body exactly as the bytes arrived. */
  readonly body: Uint8Array;
  /** Where the sandbox takes the caller to be (X-Forwarded-For's first address, else the socket's). */
  readonly origin: string;
  /** Wall clock, ms since the epoch, when the request line arrived. */
  readonly arrivedAt: number;
  /** The sandbox clock at arrival (moved by the admin API), ms since the epoch. */
  readonly sandboxAt: number;
}

export interface TappedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Wall clock when the answer was written. */
  readonly sentAt: number;
}

export interface TappedExchange {
  readonly request: TappedRequest;
  /** Undefined when no answer reached the client. */
  readonly answer: TappedAnswer | undefined;
  /** Wall clock when the connection closed before an answer was written. */
  readonly closedAt: number | undefined;
}

export interface ExchangeTap {
  /** Called once the body has arrived, before the sandbox handles the request; awaited. */
  arrived?(request: TappedRequest): void | Promise<void>;
  /** Called once per request, when its answer was written or its connection closed without one. */
  completed(exchange: TappedExchange): void;
}

export interface TapRecording {
  arrived(body: Buffer): Promise<void>;
  answered(reply: Reply): void;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** Starts recording one request; `completed` fires when the response closes, answered or not. */
export function recordExchange(
  tap: ExchangeTap,
  host: SandboxHost,
  seq: number,
  req: IncomingMessage,
  res: ServerResponse,
): TapRecording {
  const arrivedAt = Date.now();
  const sandboxAt = host.ctx.clock.now();
  let request: TappedRequest = {
    seq,
    method: req.method ?? '',
    url: req.url ?? '/',
    headers: flatHeaders(req),
    body: new Uint8Array(0),
    origin: callerOrigin(req),
    arrivedAt,
    sandboxAt,
  };
  let answer: TappedAnswer | undefined;
  res.once('close', () => {
    const delivered = answer !== undefined && res.writableFinished;
    tap.completed({ request, answer: delivered ? answer : undefined, closedAt: delivered ? undefined : Date.now() });
  });
  return {
    async arrived(body) {
      request = { ...request, body: new Uint8Array(body) };
      await tap.arrived?.(request);
    },
    answered(reply) {
      answer = { status: reply.status, headers: { ...reply.headers }, body: reply.body, sentAt: Date.now() };
    },
  };
}
