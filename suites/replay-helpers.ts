/**
 * The partner profile seen from outside (onboarding › Partner API Onboarding › Request
 * Authentication: "X-Timestamp to prevent replay (<= 5 minutes clock skew)"). A probe sends
 * partner requests whose X-Timestamp sits a chosen skew from the SERVER's clock — read from the
 * sandbox admin API, or this machine's clock on a target without one — so "±300 s" means the
 * server's ±300 s. The paths are the sandbox's own partner endpoints (sandbox/README.md › The
 * partner API): the onboarding document names none.
 */
import { describeValue, HarnessError } from '../lib/errors';
import type { Micro } from '../lib/money';
import { moneyFromDecimal } from '../lib/money';
import type { ApiResponse, HeaderOverrides } from '../lib/node/http-client';
import { signMessage } from '../lib/signature';
import { renderSigningTemplate } from '../lib/signing-template';
import { fail } from './check';
import type { CheckOutcome } from './check';
import { notApplicable } from './context';
import type { CertifyContext, PartnerHandle } from './context';
import { evidenceOf } from './evidence';
import { PARTNER_ACCOUNT_PATH } from './partner-endpoints';

/** A timestamp or key refusal: bad request or unauthenticated (the sandbox answers 401). */
export const isRefused = (status: number): boolean => status === 400 || status === 401 || status === 403;
export const isAccepted = (status: number): boolean => status >= 200 && status < 300;

/** Another check (of another area, sharing the server) moved the clock when the offset jumps this much. */
const CLOCK_MOVED_MS = 250;
/** Within a server second, the part a request at the window's edge is sent in: read and checked in the same second. */
const SAFE_PART_OF_SECOND = { from: 50, to: 650 } as const;

export interface ServerClock {
  nowMs(): number;
  /** Where the time comes from, for the result's note. */
  readonly basis: string;
  /** Reads the server clock again; true when it moved since the last reading. */
  resync(): Promise<boolean>;
}

/** Server time minus local time, from the sandbox's /admin/state, taken at the call's midpoint. */
async function sandboxOffsetMs(ctx: CertifyContext): Promise<number> {
  const before = Date.now();
  const { clock } = await ctx.admin().state();
  const after = Date.now();
  const at = typeof clock === 'string' ? Date.parse(clock) : Number.NaN;
  if (!Number.isFinite(at))
    throw new HarnessError(
      'TARGET_MALFORMED_RESPONSE',
      `sandbox admin /state "clock" expected an ISO 8601 time, got ${describeValue(clock)}`,
    );
  return at - (before + after) / 2;
}

export async function serverClock(ctx: CertifyContext): Promise<ServerClock> {
  // The admin API reads the sandbox clock; --slow gives other targets the clock power without one.
  if (!ctx.powers.has('admin')) {
    return {
      nowMs: Date.now,
      basis:
        "skews were measured against this machine's clock: the target has no admin clock, so keep this machine synchronised (NTP)",
      resync: async () => false,
    };
  }
  let offset = await sandboxOffsetMs(ctx);
  return {
    nowMs: () => Date.now() + offset,
    basis: "skews were measured against the sandbox's clock",
    async resync() {
      const previous = offset;
      offset = await sandboxOffsetMs(ctx);
      return Math.abs(offset - previous) > CLOCK_MOVED_MS;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the server's current second has just begun, so it cannot tick between our reading and the server's check. */
async function awayFromSecondBoundary(clock: ServerClock): Promise<void> {
  const into = clock.nowMs() % 1000;
  if (into >= SAFE_PART_OF_SECOND.from && into <= SAFE_PART_OF_SECOND.to) return;
  await sleep((into < SAFE_PART_OF_SECOND.from ? 0 : 1000) + SAFE_PART_OF_SECOND.from + 10 - into);
}

export const describeSkew = (skew: number): string =>
  skew === 0 ? 'equal to the server clock' : `${Math.abs(skew)} s ${skew < 0 ? 'behind' : 'ahead of'} the server clock`;

export interface ProbeRequest {
  readonly method?: 'GET' | 'POST';
  /** Default: the account read. */
  readonly path?: string;
  readonly body?: string;
  /** X-Timestamp minus the server's now, in seconds. Default 0. */
  readonly skewSeconds?: number;
  readonly headers?: HeaderOverrides;
  /** Writes: undefined sends a fresh key, null sends none. */
  readonly idempotencyKey?: string | null;
}

export interface PartnerProbe {
  /** The accepted skew either way (expectations.replayWindowSeconds). */
  readonly window: number;
  readonly clock: ServerClock;
  /** A correct account read at the server's time: proof the endpoint answers at all. */
  readonly baseline: ApiResponse;
  nowSeconds(): number;
  /**
   * Sends `request`; when the status is not what `expect` wants and the server clock moved
   * meanwhile (another check, sharing the server, advanced it), sends it again on the new clock.
   */
  send(request?: ProbeRequest, expect?: (status: number) => boolean): Promise<ApiResponse>;
  /** The account read carrying X-Timestamp `sent` (null: none) and a signature made for timestamp `signedFor`. */
  stamped(sent: string | null, signedFor: string): Promise<ApiResponse>;
}

/** The API key the string-to-sign may name: the target's own on a partner target; the sandbox's partners use the default template, which does not. */
function apiKeyForTemplate(ctx: CertifyContext, handle: PartnerHandle): string {
  if (ctx.target.config.profile === 'partner') return ctx.target.apiKey;
  if (handle.signingTemplate.includes('{apiKey}'))
    throw notApplicable('the partner signing template signs the API key, which this harness does not hand to checks');
  return '';
}

export async function openPartnerProbe(
  ctx: CertifyContext,
  options: { reservedBalance?: Micro } = {},
): Promise<PartnerProbe> {
  const handle = await ctx.partner(options);
  const clock = await serverClock(ctx);
  const window = ctx.expectations.replayWindowSeconds;
  let skewMs = 0;
  const client = handle.client(() => clock.nowMs() + skewMs);
  const nowSeconds = () => Math.floor(clock.nowMs() / 1000);

  async function sendOnce(request: ProbeRequest): Promise<ApiResponse> {
    const skew = request.skewSeconds ?? 0;
    // Only a skew on the window's edge can change verdict when the second ticks.
    if (Math.abs(Math.abs(skew) - window) <= 1) await awayFromSecondBoundary(clock);
    skewMs = skew * 1000;
    const { method = 'GET', path = PARTNER_ACCOUNT_PATH, body, headers, idempotencyKey } = request;
    return client.send({
      method,
      path,
      ...(body === undefined ? {} : { body }),
      ...(headers === undefined ? {} : { headers }),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
  }

  async function send(request: ProbeRequest = {}, expect?: (status: number) => boolean): Promise<ApiResponse> {
    for (let attempt = 1; ; attempt++) {
      const res = await sendOnce(request);
      if (expect === undefined || expect(res.status) || attempt === 3 || !(await clock.resync())) return res;
    }
  }

  const baseline = await send({}, isAccepted);
  if (baseline.status === 404)
    throw notApplicable(
      `the target has no partner GET ${PARTNER_ACCOUNT_PATH} (an endpoint of the sandbox's own; the onboarding document names none), so the partner rules cannot be observed`,
    );
  // The signature covers the path as the server sees it: the base URL's and the request's.
  const signedPath = new URL(baseline.exchange.url).pathname;
  const apiKey = apiKeyForTemplate(ctx, handle);

  return {
    window,
    clock,
    baseline,
    nowSeconds,
    send,
    stamped(sent, signedFor) {
      const signed = renderSigningTemplate(handle.signingTemplate, {
        timestamp: signedFor,
        method: 'GET',
        path: signedPath,
        body: '',
        apiKey,
        idempotencyKey: '',
      });
      return send({ headers: { 'x-timestamp': sent, 'x-signature': signMessage(handle.key, signed) } });
    },
  };
}

/**
 * Runs `body` with a probe whose correct baseline request was accepted; a refused baseline is the
 * target's failure (a well-formed, current request must pass), reported as such.
 */
export async function withPartnerProbe(
  ctx: CertifyContext,
  body: (probe: PartnerProbe) => Promise<CheckOutcome>,
  options: { reservedBalance?: Micro } = {},
): Promise<CheckOutcome> {
  const probe = await openPartnerProbe(ctx, options);
  if (!isAccepted(probe.baseline.status)) {
    return fail(
      `a correctly signed partner request with X-Timestamp equal to the server clock was refused with HTTP ${probe.baseline.status}; nothing else can be judged`,
      [evidenceOf('baseline', probe.baseline)],
    );
  }
  return body(probe);
}

/** The company's reserved balance from the sandbox's GET /account. */
export async function reservedBalanceOf(probe: PartnerProbe): Promise<{ balance: Micro; res: ApiResponse }> {
  const res = await probe.send({}, isAccepted);
  const shown = (res.json as { data?: { reservedBalance?: unknown } } | undefined)?.data?.reservedBalance;
  if (!isAccepted(res.status) || typeof shown !== 'string') {
    throw new HarnessError(
      'TARGET_MALFORMED_RESPONSE',
      `partner GET ${PARTNER_ACCOUNT_PATH} answered HTTP ${res.status} without data.reservedBalance as a decimal string`,
    );
  }
  return { balance: moneyFromDecimal(shown, 'data.reservedBalance'), res };
}

/**
 * The checks that spend from a partner's reserved balance and read it back exactly take turns, per
 * run (keyed by its target): on a target they share the one account of "fixtures.partner", where
 * another check's voucher issued in between would look like a wrong debit.
 */
const accountTurns = new WeakMap<object, Promise<unknown>>();

export function onPartnerAccount<T>(ctx: CertifyContext, body: () => Promise<T>): Promise<T> {
  const turn = (accountTurns.get(ctx.target) ?? Promise.resolve()).then(body);
  accountTurns.set(
    ctx.target,
    turn.catch(() => undefined),
  );
  return turn;
}
