/**
 * The control API an unattended merchant test script drives the plan with, on loopback:
 *
 *   POST /next    → the next scenario: voucher, amount, steps, where to read the OTP ({"done": true} at the end)
 *   GET  /otp     → {"otp", "wrongOtp"?} texted for the current scenario's voucher (waits up to 5 s)
 *   POST /done    → ends the current scenario; its outcome
 *   GET  /status  → the current scenario, the finished ones, how many remain
 *
 * The OTP here stands for the customer reading the SMS out at the till (the sandbox's outbox).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError } from '../lib/errors';
import { formatMoney } from '../lib/money';
import type { CertSession, PlannedScenario } from './session';

const OTP_WAIT_MS = 5_000;

export interface ControlApi {
  readonly url: string;
  /** Resolves once the script asked for a scenario past the last one. */
  readonly planDone: Promise<void>;
  close(): Promise<void>;
}

/** A scenario as the script needs it: money as decimal strings, times in seconds. */
export function scenarioJson(s: PlannedScenario, session: CertSession, controlUrl?: string) {
  const { spec } = s;
  return {
    number: s.number,
    of: session.plan.length,
    id: spec.id,
    title: spec.title,
    voucherCode: s.voucherCode,
    amount: formatMoney(spec.amount),
    ...(spec.basket === undefined ? {} : { basket: spec.basket.map(formatMoney) }),
    ...(spec.fallbackAmount === undefined ? {} : { fallbackAmount: formatMoney(spec.fallbackAmount) }),
    wrongOtpFirst: spec.wrongOtpFirst === true,
    steps: spec.steps,
    condition: s.condition,
    expect: spec.expect,
    timeLimitSeconds: s.timeLimitMs / 1000,
    clientTimeoutSeconds: session.timings.clientTimeoutMs / 1000,
    ...(controlUrl === undefined ? {} : { otpUrl: `${controlUrl}/otp` }),
  };
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export async function startControlApi(session: CertSession, port = 0): Promise<ControlApi> {
  let markDone!: () => void;
  const planDone = new Promise<void>((resolve) => (markDone = resolve));
  let url = '';

  async function otp(): Promise<{ otp: string; wrongOtp?: string } | undefined> {
    const s = session.current();
    if (!s) return undefined;
    for (const started = Date.now(); Date.now() - started < OTP_WAIT_MS; await sleep(100)) {
      const last = (await session.otps(s.spec.id)).at(-1);
      if (last !== undefined)
        return { otp: last, ...(s.spec.wrongOtpFirst ? { wrongOtp: session.wrongOtp(last) } : {}) };
    }
    return undefined;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const key = `${req.method} ${path}`;
    if (key === 'POST /next') {
      const next = await session.next();
      if (!next) markDone();
      return send(res, 200, next ? { done: false, scenario: scenarioJson(next, session, url) } : { done: true });
    }
    if (key === 'GET /otp') {
      const found = await otp();
      return found
        ? send(res, 200, found)
        : send(res, 404, { message: 'no OTP was texted for the current scenario yet: initiate the claim first' });
    }
    if (key === 'POST /done') return send(res, 200, { outcome: (await session.finish('done')) ?? null });
    if (key === 'GET /status') {
      const current = session.current();
      return send(res, 200, {
        current: current ? scenarioJson(current, session, url) : null,
        finished: session.outcomes(),
        remaining: session.plan.length - session.outcomes().length - (current ? 1 : 0),
      });
    }
    send(res, 404, { message: `no ${key}; use POST /next, GET /otp, POST /done, GET /status` });
  }

  const server: Server = createServer((req, res) => {
    req.resume();
    route(req, res).catch((err: unknown) =>
      send(res, 500, { message: `control API: ${err instanceof Error ? err.message : String(err)}` }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new HarnessError(
          'INVALID_ARGUMENT',
          `--control-port ${port}: cannot listen on 127.0.0.1 (${err.code ?? err.message}); choose a free port, or 0 to pick one`,
          { cause: err },
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    planDone,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
