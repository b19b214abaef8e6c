/**
 * A simulated server that applies docs/design.md's rules (Balance reservation, Idempotency) to planned
 * concurrent claims, redemptions and reads, and records what clients would have seen as a
 * lib/history.ts history, with the final states and a sandbox-shaped ledger. The checker's tests
 * feed it random plans (correct: no violation) and seeded bugs (the matching violation); the bench
 * uses it to make a million-op history. Each voucher is simulated on its own: invoke, the moment
 * the server acts (linearization) and completion are planned; the server acts in that order.
 */
import type { FinalVoucherState, HistoryOp, OpOutcome } from '../../lib/history';
import { randomBelow, type RandomSource } from '../../lib/random';
import type { LedgerEntry } from '../../lib/ledger-entry';

export const SIMULATED_BUGS = [
  'check-then-act',
  'fee-not-deducted',
  'fee-twice',
  'idempotency-ignored',
  'otp-reused',
  'spurious-4091',
  'acknowledged-missing',
] as const;
export type SimulatedBug = (typeof SIMULATED_BUGS)[number];

/** When an op's answer is lost: 'applied' (connection reset after the effect) or 'lost' (a 5031 fault before it). */
export type InfoFate = 'applied' | 'lost';

export interface PlannedRequest {
  readonly invokeMs: number;
  readonly durationMs: number;
  /** Where in [invoke, complete] the server acts, 0..1. */
  readonly at: number;
  /** How many VUs send it at once with the same idempotency key (1: just one). */
  readonly copies: number;
  readonly info?: InfoFate;
}

export interface PlannedClaim extends PlannedRequest {
  /** null: the whole available balance. */
  readonly amount: bigint | null;
  /** Its redemption, sent gapMs after the claim's answer, if the claim succeeds. */
  readonly redeem?: PlannedRequest & { readonly gapMs: number; readonly reuseOtp?: boolean };
}

export interface VoucherPlan {
  readonly voucher: string;
  readonly amount: bigint;
  readonly serviceFee: bigint;
  readonly claims: readonly PlannedClaim[];
  readonly reads: readonly PlannedRequest[];
}

export interface SimulatedRun {
  readonly ops: HistoryOp[];
  readonly finals: FinalVoucherState[];
  readonly initial: Map<string, { amount: bigint; serviceFee: bigint }>;
  readonly ledger: LedgerEntry[];
  /** The ops a seeded bug made wrong (empty without one). */
  readonly bugOps: HistoryOp[];
}

interface Answer {
  readonly outcome: OpOutcome;
  readonly status: number;
  readonly code?: number;
  readonly remainingBalance?: string;
}

const OK: Answer = { outcome: 'ok', status: 200 };
const refusal = (code: number): Answer => ({ outcome: 'fail', status: Math.floor(code / 10), code });
const MERCHANT = 'merchant:shop-1';

interface Pending {
  readonly amount: bigint;
  readonly claimId: string;
}

/** One voucher's server state and the ledger it writes. */
class VoucherServer {
  remaining: bigint;
  readonly pending = new Map<string, Pending>();
  reserved = 0n;
  claims = 0;
  seenFirstClaim = false;
  seenFirstRedeem = false;
  readonly keptClaims = new Map<string, Pending>();

  constructor(
    readonly plan: VoucherPlan,
    readonly ledger: LedgerEntry[],
    readonly bug: SimulatedBug | undefined,
    readonly fixedOtp: boolean,
  ) {
    this.remaining = plan.amount;
    this.#entry(0, 'voucher-issued', 'external', this.#account, plan.amount, {});
  }

  get #account(): string {
    return `voucher:${this.plan.voucher}`;
  }

  #entry(
    at: number,
    kind: LedgerEntry['kind'],
    from: string,
    to: string | null,
    amount: bigint,
    refs: { claimId?: string; reference?: string },
  ): void {
    this.ledger.push({
      seq: this.ledger.length + 1,
      at,
      kind,
      from,
      to,
      amount,
      voucherCode: this.plan.voucher,
      ...refs,
    });
  }

  get available(): bigint {
    return this.remaining - this.reserved;
  }

  /** Whether a claim of `amount` would be accepted now (null: the whole available balance). */
  admits(amount: bigint | null): boolean {
    if (this.remaining <= 0n) return false;
    return amount === null ? this.available > 0n : amount <= this.available;
  }

  claim(at: number, key: string, amount: bigint | null, admitted: boolean): Answer & { claimId?: string } {
    if (this.remaining <= 0n) return refusal(4042);
    if (!admitted) return refusal(4091);
    const reserve = amount ?? this.available;
    const claimId = `${this.plan.voucher}/claim-${++this.claims}`;
    this.pending.set(key, { amount: reserve, claimId });
    this.reserved += reserve;
    this.#entry(at, 'claim-reserved', this.#account, null, reserve, { claimId });
    return { ...OK, claimId };
  }

  #release(at: number, key: string): void {
    const p = this.pending.get(key)!;
    this.pending.delete(key);
    this.reserved -= p.amount;
    this.#entry(at, 'claim-released', this.#account, null, p.amount, { claimId: p.claimId });
  }

  redeem(at: number, named: string): Answer {
    if (this.remaining <= 0n) return refusal(4032);
    // A fixed OTP names no claim: the oldest pending one is redeemed (sandbox/README.md › Fixed OTP).
    const claimKey = this.fixedOtp ? (this.pending.keys().next().value ?? named) : named;
    const p = this.pending.get(claimKey) ?? this.keptClaims.get(claimKey);
    if (!p) return refusal(4034);
    const fees =
      this.bug === 'fee-not-deducted'
        ? []
        : this.bug === 'fee-twice'
          ? [this.plan.serviceFee, this.plan.serviceFee]
          : [this.plan.serviceFee];
    const spent = fees.reduce((s, f) => s + f, p.amount);
    const pending = this.pending.has(claimKey);
    if (p.amount > this.remaining || spent > this.remaining) {
      if (pending) this.#release(at, claimKey);
      return refusal(p.amount > this.remaining ? 4044 : 4096);
    }
    if (pending) this.#release(at, claimKey);
    // The seeded bug: the claim stays redeemable with the same OTP.
    if (this.bug === 'otp-reused') this.keptClaims.set(claimKey, p);
    this.remaining -= spent;
    const reference = `TX-${this.ledger.length + 1}`;
    this.#entry(at, 'redemption', this.#account, MERCHANT, p.amount, { claimId: p.claimId, reference });
    for (const fee of fees)
      if (fee > 0n)
        this.#entry(at, 'service-fee', this.#account, 'omnivas:fees', fee, { claimId: p.claimId, reference });
    if (this.remaining <= 0n) for (const key of [...this.pending.keys()]) this.#release(at, key);
    return OK;
  }
}

interface Event {
  readonly t: number;
  readonly order: number;
  readonly run: () => void;
}

function times(r: PlannedRequest, copy: number): { invokeMs: number; actMs: number; completeMs: number } {
  const invokeMs = r.invokeMs + copy;
  const completeMs = invokeMs + Math.max(1, r.durationMs);
  return { invokeMs, actMs: invokeMs + Math.floor(r.at * (completeMs - invokeMs)), completeMs };
}

function answerOf(info: InfoFate | undefined, answer: Answer): Answer {
  if (info === 'applied') return { outcome: 'info', status: 0 };
  if (info === 'lost') return { outcome: 'info', status: 503, code: 5031 };
  return answer;
}

type Acted = Answer & { readonly bug?: boolean };

function simulateVoucher(
  plan: VoucherPlan,
  bug: SimulatedBug | undefined,
  ledger: LedgerEntry[],
  ops: HistoryOp[],
  bugOps: HistoryOp[],
  options: SimulationOptions,
): FinalVoucherState {
  const server = new VoucherServer(plan, ledger, bug, options.fixedOtp !== undefined);
  const runners = options.runners ?? 1;
  const queue: Event[] = [];
  let order = 0;
  const schedule = (t: number, run: () => void) => queue.push({ t, order: order++, run });
  let vu = 0;
  const record = (base: Omit<HistoryOp, 'runner' | 'vu' | 'iteration' | 'voucher'>, vuOf: number) => {
    const op: HistoryOp = {
      runner: `runner-${vuOf % runners}`,
      vu: vuOf,
      iteration: 0,
      voucher: plan.voucher,
      ...base,
    };
    ops.push(op);
    return op;
  };
  /** Sends `copies` requests under one key: the first runs, the others replay its answer (or 409 while it runs), unless idempotency is ignored. */
  const sendKeyed = (
    r: PlannedRequest,
    kind: 'claim' | 'redeem',
    key: string,
    fields: Pick<HistoryOp, 'amount'> & Partial<HistoryOp>,
    act: (at: number) => Acted,
    done?: (a: Answer, completeMs: number) => void,
  ) => {
    let first: { answer: Answer; completeMs: number } | undefined;
    for (let copy = 0; copy < Math.max(1, r.copies); copy++) {
      const t = times(r, copy);
      const myVu = vu++;
      const info = copy === 0 ? r.info : undefined;
      schedule(t.actMs, () => {
        let answer: Acted;
        let again = false;
        if (info === 'lost') {
          // A 5031 fault: no effect, and the key stays free for a retry (sandbox/README.md › Idempotency).
          answer = answerOf('lost', OK);
        } else if (first === undefined || bug === 'idempotency-ignored') {
          again = first !== undefined;
          answer = act(t.actMs);
          first ??= { answer, completeMs: t.completeMs };
        } else {
          answer = first.completeMs > t.actMs ? { outcome: 'fail', status: 409 } : { ...first.answer, bug: false };
        }
        const seen = answerOf(info === 'lost' ? undefined : info, answer);
        const op = record(
          {
            op: kind,
            idempotencyKey: key,
            ...fields,
            invokeMs: t.invokeMs,
            completeMs: t.completeMs,
            outcome: seen.outcome,
            status: seen.status,
            ...(seen.code === undefined ? {} : { code: seen.code }),
            ...(info ? { faultInjected: true } : {}),
          },
          myVu,
        );
        if (answer.bug === true || (again && answer.outcome === 'ok')) bugOps.push(op);
        if (copy === 0) done?.(seen, t.completeMs);
      });
    }
  };
  plan.claims.forEach((c, i) => {
    const key = `${plan.voucher}/c${i}`;
    const amount = c.amount === null ? null : c.amount.toString();
    let admittedAtInvoke: boolean | undefined;
    if (bug === 'check-then-act') schedule(c.invokeMs, () => (admittedAtInvoke = server.admits(c.amount)));
    const claim = (at: number): Acted => {
      const fair = server.admits(c.amount);
      const spurious = bug === 'spurious-4091' && !server.seenFirstClaim && fair;
      server.seenFirstClaim = true;
      const admitted = spurious ? false : (admittedAtInvoke ?? fair);
      const answer = server.claim(at, key, c.amount, admitted);
      return { ...answer, bug: spurious || (answer.outcome === 'ok' && !fair) };
    };
    const redeem = (at: number): Acted => {
      if (bug === 'acknowledged-missing' && !server.seenFirstRedeem && server.pending.has(key)) {
        server.seenFirstRedeem = true;
        return { ...OK, bug: true };
      }
      return server.redeem(at, key);
    };
    const redeemAgain = (at: number): Acted => {
      const answer = server.redeem(at, key);
      return { ...answer, bug: answer.outcome === 'ok' };
    };
    sendKeyed(c, 'claim', key, { amount }, claim, (answer, completeMs) => {
      const r = c.redeem;
      if (!r || answer.outcome !== 'ok') return;
      const otp = options.fixedOtp ?? `otp-${i}`;
      sendKeyed(
        { ...r, invokeMs: completeMs + r.gapMs },
        'redeem',
        `${key}/r`,
        { amount, claimKey: key, otp },
        redeem,
        (redeemed, redeemComplete) => {
          if (!r.reuseOtp || redeemed.outcome !== 'ok') return;
          sendKeyed(
            { invokeMs: redeemComplete + 1, durationMs: r.durationMs, at: r.at, copies: 1 },
            'redeem',
            `${key}/r-again`,
            { amount, claimKey: key, otp },
            redeemAgain,
          );
        },
      );
    });
  });
  plan.reads.forEach((r, i) => {
    const t = times(r, 0);
    const myVu = vu++;
    schedule(t.actMs, () => {
      record(
        {
          op: 'detail',
          amount: null,
          idempotencyKey: `${plan.voucher}/d${i}`,
          invokeMs: t.invokeMs,
          completeMs: t.completeMs,
          outcome: 'ok',
          status: 200,
          remainingBalance: server.remaining.toString(),
        },
        myVu,
      );
    });
  });
  // Events schedule later ones (a redemption after its claim's answer): take the earliest each time.
  while (queue.length > 0) {
    let best = 0;
    for (let k = 1; k < queue.length; k++)
      if (queue[k]!.t < queue[best]!.t || (queue[k]!.t === queue[best]!.t && queue[k]!.order < queue[best]!.order))
        best = k;
    const [e] = queue.splice(best, 1);
    e!.run();
  }
  return {
    voucher: plan.voucher,
    amount: plan.amount.toString(),
    remainingBalance: server.remaining.toString(),
    serviceFee: plan.serviceFee.toString(),
    status: server.remaining <= 0n ? 'REDEEMED' : server.pending.size > 0 ? 'REDEEM_INITIATED' : 'ACTIVE',
  };
}

export interface SimulationOptions {
  readonly bug?: SimulatedBug;
  /** How many runners (k6 instances) the VUs are spread over. */
  readonly runners?: number;
  /** One OTP for every claim, as with a fixed test code. */
  readonly fixedOtp?: string;
}

/** Simulates every voucher's plan; ops of several runners (by VU) in invoke order. */
export function simulateRun(plans: readonly VoucherPlan[], options: SimulationOptions = {}): SimulatedRun {
  const ops: HistoryOp[] = [];
  const ledger: LedgerEntry[] = [];
  const bugOps: HistoryOp[] = [];
  const finals = plans.map((p) => simulateVoucher(p, options.bug, ledger, ops, bugOps, options));
  const initial = new Map(plans.map((p) => [p.voucher, { amount: p.amount, serviceFee: p.serviceFee }]));
  return { ops: ops.sort((a, b) => a.invokeMs - b.invokeMs), finals, initial, ledger, bugOps };
}

const MICRO = 1_000_000n;

/** Random plans without fast-check (the bench): bursts of concurrent claims, most redeemed, a few reads. */
export function randomPlans(random: RandomSource, vouchers: number, claimsPerVoucher: number): VoucherPlan[] {
  const below = (n: number) => randomBelow(random, n);
  return Array.from({ length: vouchers }, (_, v) => {
    const start = below(10_000);
    const claims: PlannedClaim[] = Array.from({ length: claimsPerVoucher }, () => ({
      invokeMs: start + below(50),
      durationMs: 1 + below(30),
      at: below(1000) / 1000,
      copies: 1,
      amount: BigInt(1 + below(100)) * MICRO,
      redeem: { invokeMs: 0, gapMs: below(20), durationMs: 1 + below(30), at: below(1000) / 1000, copies: 1 },
    }));
    return {
      voucher: `V${v}`,
      amount: BigInt(500 + below(2000)) * MICRO,
      serviceFee: MICRO,
      claims,
      reads: [{ invokeMs: start + below(200), durationMs: 5, at: 0.5, copies: 1 }],
    };
  });
}
