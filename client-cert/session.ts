/**
 * The certification engine: a sandbox with the merchant's registered key and one voucher per
 * scenario, every exchange the client makes recorded, and the plan's scenarios run one at a time —
 * each condition armed at its moment, each scenario bounded by its time limit. Library only: the
 * control API (control-api.ts) and the command (cli/certify-client-command.ts) drive it.
 */
import { HarnessError } from '../lib/errors';
import { exportPrivateKeyPem, exportPublicKeyPem, generatePrivateKey, importPublicKeyPemStrict } from '../lib/keys';
import type { KeyType } from '../lib/keys';
import { formatMoney, moneyFromDecimal } from '../lib/money';
import { createSandboxAdminClient, type SandboxAdminClient } from '../lib/node/sandbox-admin-client';
import { startSandbox, type RunningSandbox, type TappedExchange, type TappedRequest } from '../sandbox';
import { describeExchange, toClientExchange, tokenExpiry, type ClientExchange } from './exchange';
import { conditionText, selectScenarios, SCENARIOS, type PlanTimings, type ScenarioSpec } from './plan';

/** The merchant's registered origins: on loopback every caller is 127.0.0.1 (sandbox/README.md). */
export const REGISTERED_ORIGINS: readonly string[] = ['127.0.0.1'];
/** Redeem with no fee, so "the whole voucher" is simply its amount. */
const SERVICE_FEE = 0n;
/** The voucher owner's phone numbers: 2519000000NN, NN the scenario's number. */
const ownerOf = (n: number) => `2519000000${String(n).padStart(2, '0')}`;
/** The token-expiry scenario leaves the token this long before the claim, so the claim outlives it. */
const TOKEN_LEFT_AT_CLAIM_MS = 30_000;

export interface SessionOptions {
  /** The merchant's public key (PEM); a secp256k1 pair is generated when left out. */
  readonly publicKeyPem?: string;
  readonly timings: PlanTimings;
  /** Scenario ids, in plan order; all when empty. */
  readonly scenarios?: readonly string[];
  readonly seed?: number;
  /** Ends a scenario by itself once its goal is met and the client has been quiet this long (a person at a till). */
  readonly autoFinishQuietMs?: number;
}

export interface PlannedScenario {
  readonly number: number;
  readonly spec: ScenarioSpec;
  readonly voucherCode: string;
  readonly ownerMsisdn: string;
  readonly condition: string;
  readonly timeLimitMs: number;
}

export type FinishReason = 'done' | 'goal-reached' | 'time-limit' | 'session-closed';

export interface ScenarioOutcome {
  readonly id: string;
  readonly number: number;
  readonly title: string;
  readonly voucherCode: string;
  readonly endedBy: FinishReason;
  readonly startedAt: number;
  readonly endedAt: number;
  /** Whether the scenario's goal was met: its answers seen and the voucher's balance as it should be. */
  readonly goalMet: boolean;
  /** What was missing, one line each. */
  readonly missing: readonly string[];
  readonly remaining: string | undefined;
  readonly expectedRemaining: string;
  /** Exchange numbers (seq) recorded during the scenario. */
  readonly exchanges: readonly number[];
}

export type SessionEvent =
  | { readonly kind: 'scenario-started'; readonly scenario: PlannedScenario }
  | { readonly kind: 'exchange'; readonly exchange: ClientExchange; readonly line: string }
  | { readonly kind: 'otp'; readonly scenario: PlannedScenario; readonly otp: string; readonly wrongOtp?: string }
  | { readonly kind: 'condition'; readonly scenario: PlannedScenario; readonly what: string }
  | { readonly kind: 'scenario-finished'; readonly outcome: ScenarioOutcome };

export interface CertSession {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly merchantId: string;
  readonly keyType: KeyType;
  readonly publicKeyPem: string;
  /** Only when the session generated the pair. */
  readonly privateKeyPem: string | undefined;
  readonly plan: readonly PlannedScenario[];
  readonly timings: PlanTimings;
  /** The scenario running now, if any. */
  current(): PlannedScenario | undefined;
  /** Starts the next scenario (ending the current one first); undefined when the plan is done. */
  next(): Promise<PlannedScenario | undefined>;
  /** Ends the current scenario. */
  finish(reason?: FinishReason): Promise<ScenarioOutcome | undefined>;
  /** Resolves when the current scenario ends (by done, its goal or its time limit). */
  ended(): Promise<ScenarioOutcome | undefined>;
  /** The OTPs texted for a scenario's voucher so far, oldest first. */
  otps(scenarioId: string): Promise<string[]>;
  /** A code that is not the scenario's OTP: for the wrong-OTP scenario. */
  wrongOtp(otp: string): string;
  outcomes(): readonly ScenarioOutcome[];
  exchanges(): readonly ClientExchange[];
  /** Issued access tokens: secrets to redact, and what metadata must not hold. */
  tokens(): readonly string[];
  on(listener: (event: SessionEvent) => void): void;
  close(): Promise<void>;
}

interface Running {
  readonly scenario: PlannedScenario;
  readonly startedAt: number;
  readonly timer: NodeJS.Timeout;
  quietTimer: NodeJS.Timeout | undefined;
  ended: Promise<ScenarioOutcome | undefined>;
  resolve: (o: ScenarioOutcome | undefined) => void;
  /** token-expires: the token the claim carried, and whether the clock has been moved past it. */
  claimToken: string | undefined;
  tokenExpired: boolean;
  otpsSeen: number;
}

const wrongOtpFor = (otp: string) => otp.slice(0, -1) + String((Number(otp.at(-1) ?? '0') + 5) % 10);

export async function startCertSession(options: SessionOptions): Promise<CertSession> {
  const specs = selectScenarios(options.scenarios);
  const unknown = (options.scenarios ?? []).filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length > 0)
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--scenario ${unknown.map((u) => JSON.stringify(u)).join(', ')} is not in the plan; choose from ${SCENARIOS.map((s) => s.id).join(', ')}`,
    );
  const generated = options.publicKeyPem === undefined ? generatePrivateKey('secp256k1') : undefined;
  const publicKeyPem = generated ? exportPublicKeyPem(generated) : options.publicKeyPem!;
  const keyType = importPublicKeyPemStrict(publicKeyPem, '--key').type;

  const listeners: ((e: SessionEvent) => void)[] = [];
  const emit = (e: SessionEvent) => listeners.forEach((l) => l(e));
  const recorded: ClientExchange[] = [];
  const issuedTokens: string[] = [];
  const finished: ScenarioOutcome[] = [];
  let running: Running | undefined;
  let position = 0;
  let admin: SandboxAdminClient;
  let plan: PlannedScenario[] = [];
  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => {});
    return p;
  };

  async function arrived(request: TappedRequest): Promise<void> {
    const r = running;
    if (!r || r.scenario.spec.condition.kind !== 'token-expires') return;
    const x = toClientExchange({ request, answer: undefined, closedAt: undefined }, r.scenario.spec.id);
    if (x.voucherCode !== r.scenario.voucherCode || x.token === undefined) return;
    const exp = tokenExpiry(x.token);
    if (exp === undefined) return;
    if (x.endpoint === 'initiate' && r.claimToken === undefined) {
      r.claimToken = x.token;
      const ahead = exp * 1000 - TOKEN_LEFT_AT_CLAIM_MS - request.sandboxAt;
      if (ahead > 0) await admin.advanceClock(ahead / 1000);
    } else if (x.endpoint === 'redeem' && !r.tokenExpired && x.token === r.claimToken) {
      r.tokenExpired = true;
      const ahead = exp * 1000 + 1000 - (await admin.clockMs());
      if (ahead > 0) await admin.advanceClock(ahead / 1000);
      emit({ kind: 'condition', scenario: r.scenario, what: 'the sandbox clock moved past the token’s expiry' });
    }
  }

  function completed(tapped: TappedExchange): void {
    const r = running;
    const x = toClientExchange(tapped, r?.scenario.spec.id);
    recorded.push(x);
    if (x.endpoint === 'login' && typeof x.answer?.json?.accessToken === 'string')
      issuedTokens.push(x.answer.json.accessToken);
    emit({ kind: 'exchange', exchange: x, line: describeExchange(x) });
    if (!r) return;
    if (x.endpoint === 'initiate' && x.answer?.status === 200 && x.voucherCode === r.scenario.voucherCode)
      void track(announceOtps(r));
    if (options.autoFinishQuietMs !== undefined) void track(finishWhenQuiet(r));
  }

  async function announceOtps(r: Running): Promise<void> {
    const otps = await otpsOf(r.scenario);
    for (const otp of otps.slice(r.otpsSeen))
      emit({
        kind: 'otp',
        scenario: r.scenario,
        otp,
        ...(r.scenario.spec.wrongOtpFirst ? { wrongOtp: wrongOtpFor(otp) } : {}),
      });
    r.otpsSeen = Math.max(r.otpsSeen, otps.length);
  }

  async function finishWhenQuiet(r: Running): Promise<void> {
    if (r.quietTimer) clearTimeout(r.quietTimer);
    r.quietTimer = undefined;
    const { met } = await goalOf(r);
    if (!met || running !== r) return;
    r.quietTimer = setTimeout(() => void track(endScenario('goal-reached')), options.autoFinishQuietMs);
  }

  async function otpsOf(s: PlannedScenario): Promise<string[]> {
    return (await admin.sms({ voucherCode: s.voucherCode })).flatMap((m) => (m.otp === undefined ? [] : [m.otp]));
  }

  async function goalOf(r: Running): Promise<{ met: boolean; missing: string[]; remaining: string | undefined }> {
    const { spec, voucherCode } = r.scenario;
    const mine = recorded.filter((x) => x.scenario === spec.id);
    const missing = spec.mustSee
      .filter(
        (m) =>
          !mine.some(
            (x) =>
              x.endpoint === m.endpoint &&
              x.voucherCode === voucherCode &&
              (m.status === undefined ||
                (m.status === 'none' ? x.answer === undefined : x.answer?.status === m.status)) &&
              (m.code === undefined || x.answer?.code === m.code),
          ),
      )
      .map((m) => `never saw ${m.what}`);
    const voucher = await admin.voucher(voucherCode);
    const remaining = typeof voucher.remainingBalance === 'string' ? voucher.remainingBalance : undefined;
    if (remaining === undefined || moneyFromDecimal(remaining) !== spec.remainingAfter)
      missing.push(
        `the voucher's remaining balance is ${remaining ?? 'unknown'}, expected ${formatMoney(spec.remainingAfter)}`,
      );
    return { met: missing.length === 0, missing, remaining };
  }

  async function endScenario(reason: FinishReason): Promise<ScenarioOutcome | undefined> {
    const r = running;
    if (!r) return undefined;
    running = undefined;
    clearTimeout(r.timer);
    if (r.quietTimer) clearTimeout(r.quietTimer);
    await admin.clearFaults();
    const goal = await goalOf(r);
    const { spec } = r.scenario;
    const outcome: ScenarioOutcome = {
      id: spec.id,
      number: r.scenario.number,
      title: spec.title,
      voucherCode: r.scenario.voucherCode,
      endedBy: reason,
      startedAt: r.startedAt,
      endedAt: Date.now(),
      goalMet: goal.met,
      missing: reason === 'time-limit' ? [...goal.missing, 'the time limit ran out'] : goal.missing,
      remaining: goal.remaining,
      expectedRemaining: formatMoney(spec.remainingAfter),
      exchanges: recorded.filter((x) => x.scenario === spec.id).map((x) => x.seq),
    };
    finished.push(outcome);
    emit({ kind: 'scenario-finished', outcome });
    r.resolve(outcome);
    return outcome;
  }

  async function arm(s: PlannedScenario): Promise<void> {
    const c = s.spec.condition;
    const t = options.timings;
    if (c.kind === 'redeem-error')
      await admin.addFault({
        endpoint: 'redeem-gift',
        kind: 'error',
        code: c.code,
        providerMessage: c.providerMessage,
      });
    else if (c.kind === 'redeem-lost-answer')
      await admin.addFault({ endpoint: 'redeem-gift', kind: 'lost-answer', delayMs: t.lostAnswerMs });
    else if (c.kind === 'redeem-held')
      await admin.addFault({ endpoint: 'redeem-gift', kind: 'delay', delayMs: t.holdMs });
  }

  const sandbox: RunningSandbox = await startSandbox({
    seed: options.seed,
    tap: { arrived, completed },
    requestTimeoutMs: Math.max(10_000, options.timings.holdMs + 5_000),
  });
  try {
    admin = createSandboxAdminClient({ adminUrl: sandbox.adminUrl, adminToken: sandbox.adminToken });
    const merchant = await admin.createMerchant({
      publicKeyPem,
      keyType,
      name: 'merchant under certification',
      serviceFee: SERVICE_FEE,
      allowedOrigins: REGISTERED_ORIGINS,
    });
    const now = await admin.clockMs();
    plan = [];
    for (const [i, spec] of specs.entries()) {
      const ownerMsisdn = ownerOf(i + 1);
      const voucher = await admin.createVoucher({
        amount: spec.voucherAmount,
        ownerMsisdn,
        ...(spec.voucherExpired ? { expirationDate: new Date(now - 24 * 3600_000).toISOString() } : {}),
      });
      plan.push({
        number: i + 1,
        spec,
        voucherCode: voucher.code,
        ownerMsisdn,
        condition: conditionText(spec.condition, options.timings),
        timeLimitMs: options.timings.scenarioLimitMs,
      });
    }

    return {
      baseUrl: sandbox.url,
      apiKey: merchant.apiKey,
      merchantId: merchant.id,
      keyType,
      publicKeyPem,
      privateKeyPem: generated ? exportPrivateKeyPem(generated) : undefined,
      plan,
      timings: options.timings,
      current: () => running?.scenario,
      async next() {
        await endScenario('done');
        const scenario = plan[position];
        if (!scenario) return undefined;
        position++;
        await arm(scenario);
        let resolve!: (o: ScenarioOutcome | undefined) => void;
        const ended = new Promise<ScenarioOutcome | undefined>((res) => (resolve = res));
        running = {
          scenario,
          startedAt: Date.now(),
          timer: setTimeout(() => void track(endScenario('time-limit')), scenario.timeLimitMs),
          quietTimer: undefined,
          ended,
          resolve,
          claimToken: undefined,
          tokenExpired: false,
          otpsSeen: 0,
        };
        emit({ kind: 'scenario-started', scenario });
        return scenario;
      },
      finish: (reason = 'done') => endScenario(reason),
      ended: () => running?.ended ?? Promise.resolve(undefined),
      otps: (id) => {
        const s = plan.find((p) => p.spec.id === id);
        return s ? otpsOf(s) : Promise.resolve([]);
      },
      wrongOtp: wrongOtpFor,
      outcomes: () => finished,
      exchanges: () => recorded,
      tokens: () => issuedTokens,
      on: (listener) => void listeners.push(listener),
      async close() {
        await endScenario('session-closed').catch(() => undefined);
        await Promise.allSettled([...pending]);
        await sandbox.close();
      },
    };
  } catch (err) {
    await sandbox.close();
    throw err;
  }
}
