/**
 * One pass over the history: operations grouped by voucher, then by idempotency key (docs/design.md ›
 * Idempotency: a key is scoped to the merchant and the endpoint, so a claim and a redemption may
 * share one). A key's ops are one request as far as effects go: several VUs (or retries) sending
 * it must have exactly one effect between them.
 */
import { HarnessError, describeValue } from '../../lib/errors';
import type { FinalVoucherState, HistoryOp, OpOutcome } from '../../lib/history';
import type { OutcomeCounts } from './verdict';

export interface KeyGroup {
  readonly key: string;
  readonly ops: HistoryOp[];
  /** ok if any op was acknowledged, else info if any may have run, else fail. */
  outcome: OpOutcome;
  /** claim: the amount asked (null: the whole available balance); redeem: its claim's amount (null: unknown). */
  amount: bigint | null;
  /** The earliest moment its effect could have happened: the first invoke of any of its ops. */
  invokeMs: number;
  /** The moment its effect certainly had happened: the first acknowledged completion (Infinity if none). */
  okCompleteMs: number;
  /** The last answer of any of its ops. */
  lastCompleteMs: number;
  /** The first acknowledged op, or the first op. */
  first: HistoryOp;
  /** redeem: the OTP and the claim it used, from the first acknowledged op (or the first op). */
  otp?: string;
  claimKey?: string;
  /** claim: refused with 4091 (and never acknowledged). */
  refused: boolean;
  /** redeem: it ended its claim's reservation (ok, or 4096/4044, which release the claim). */
  releasesClaim: boolean;
  /** Acknowledged ops of this key that disagree with its first acknowledged one, or a success beside a 4091. */
  readonly conflicts: HistoryOp[];
}

export interface VoucherHistory {
  readonly voucher: string;
  readonly claims: Map<string, KeyGroup>;
  readonly redeems: Map<string, KeyGroup>;
  readonly details: HistoryOp[];
  /** OTPs that may have redeemed any of the voucher's claims (a fixed test code). */
  readonly sharedOtps: Set<string>;
}

export interface HistoryIndex {
  readonly vouchers: Map<string, VoucherHistory>;
  readonly ops: number;
  readonly counts: { claim: OutcomeCounts; redeem: OutcomeCounts; detail: OutcomeCounts };
  readonly keys: number;
  readonly faults: { server: number; harness: number };
}

/** Redemption refusals that release the claim (sandbox/README.md › Money, reservations, OTPs). */
const RELEASING_REFUSALS = new Set([4044, 4096]);
const INSUFFICIENT_BALANCE = 4091;

/** A redemption answer that certainly ended its claim's reservation. */
export function endsClaim(op: HistoryOp): boolean {
  return (
    op.op === 'redeem' &&
    (op.outcome === 'ok' || (op.outcome === 'fail' && op.code !== undefined && RELEASING_REFUSALS.has(op.code)))
  );
}

const DIGITS = /^\d+$/;
const SIGNED_DIGITS = /^-?\d+$/;

/**
 * A micro-unit amount as HistoryOp and FinalVoucherState carry it: a base-10 integer string.
 * `signed` for balances, which a broken server may drive below zero (the checker must see that).
 */
export function microFromHistory(text: string, field: string | (() => string), signed = false): bigint {
  if (typeof text !== 'string' || !(signed ? SIGNED_DIGITS : DIGITS).test(text)) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"${typeof field === 'string' ? field : field()}" expected integer micro-units as a base-10 string such as "12500000", got ${describeValue(text)}`,
    );
  }
  return BigInt(text);
}

/** The server's fault (5xx, a documented 5xxx code, no answer while a fault was injected) or the harness's own (no answer, nothing injected). */
export function faultOf(op: HistoryOp): 'server' | 'harness' | undefined {
  if (op.status >= 500 || (op.code !== undefined && op.code >= 5000 && op.code < 6000)) return 'server';
  if (op.status === 0) return op.faultInjected === true ? 'server' : 'harness';
  return undefined;
}

const RANK: Record<OpOutcome, number> = { fail: 0, info: 1, ok: 2 };

function sameEffect(a: HistoryOp, b: HistoryOp): boolean {
  return a.amount === b.amount && a.otp === b.otp && a.claimKey === b.claimKey;
}

/** A key as its merchant owns it: another merchant's same key is another key (docs/design.md › Idempotency). */
function scoped(op: HistoryOp, key: string): string;
function scoped(op: HistoryOp, key: string | undefined): string | undefined;
function scoped(op: HistoryOp, key: string | undefined): string | undefined {
  return key === undefined || op.merchant === undefined ? key : `${key}@${op.merchant}`;
}

function addToGroup(groups: Map<string, KeyGroup>, op: HistoryOp): void {
  const amount = op.amount === null ? null : microFromHistory(op.amount, () => `${op.op} ${op.idempotencyKey}: amount`);
  const key = scoped(op, op.idempotencyKey);
  let g = groups.get(key);
  if (!g) {
    // Every field set here, in one order: one hidden class for all groups keeps this loop fast.
    g = {
      key,
      ops: [],
      outcome: op.outcome,
      amount,
      invokeMs: op.invokeMs,
      okCompleteMs: Infinity,
      lastCompleteMs: op.completeMs,
      first: op,
      otp: op.otp,
      claimKey: scoped(op, op.claimKey),
      refused: false,
      releasesClaim: false,
      conflicts: [],
    };
    groups.set(key, g);
  }
  g.ops.push(op);
  g.invokeMs = Math.min(g.invokeMs, op.invokeMs);
  g.lastCompleteMs = Math.max(g.lastCompleteMs, op.completeMs);
  if (op.code === INSUFFICIENT_BALANCE && op.outcome === 'fail') g.refused = true;
  if (endsClaim(op)) g.releasesClaim = true;
  if (op.outcome !== 'ok') {
    if (RANK[op.outcome] > RANK[g.outcome]) g.outcome = op.outcome;
    return;
  }
  if (g.okCompleteMs === Infinity) {
    // The first acknowledged op defines what the key did.
    g.outcome = 'ok';
    g.first = op;
    g.amount = amount;
    g.otp = op.otp;
    g.claimKey = scoped(op, op.claimKey);
  } else if (!sameEffect(g.first, op)) {
    g.conflicts.push(op);
  }
  g.okCompleteMs = Math.min(g.okCompleteMs, op.completeMs);
}

function emptyCounts(): OutcomeCounts {
  return { ok: 0, fail: 0, info: 0 };
}

/**
 * The OTPs of a voucher that served several of its claims (a fixed test code; random OTPs are
 * unique among a voucher's pending claims, but not across vouchers): with one, the server redeems
 * its oldest pending claim, whichever the client meant (sandbox/README.md › Fixed OTP).
 */
function sharedOtps(v: VoucherHistory): Set<string> {
  const claimOfOtp = new Map<string, string>();
  const shared = new Set<string>();
  for (const r of v.redeems.values()) {
    if (r.otp === undefined || r.claimKey === undefined) continue;
    const seen = claimOfOtp.get(r.otp);
    if (seen === undefined) claimOfOtp.set(r.otp, r.claimKey);
    else if (seen !== r.claimKey) shared.add(r.otp);
  }
  return shared;
}

/**
 * A redemption consumes its claim's amount; the claim may appear anywhere in a merged history, so
 * the link is made afterwards. Through a shared OTP the amount is unknown to the client.
 */
function linkRedemptions(v: VoucherHistory, fixedOtp: boolean): void {
  const shared = sharedOtps(v);
  for (const r of v.redeems.values()) {
    if (r.otp !== undefined && (fixedOtp || shared.has(r.otp))) {
      r.amount = null;
      v.sharedOtps.add(r.otp);
    } else if (r.amount === null && r.claimKey !== undefined) r.amount = v.claims.get(r.claimKey)?.amount ?? null;
  }
}

/** Groups the ops by voucher and key in one pass; a voucher of `finals` with no ops still appears. */
export function indexHistory(
  ops: Iterable<HistoryOp>,
  finals: readonly FinalVoucherState[],
  fixedOtp = false,
): HistoryIndex {
  const vouchers = new Map<string, VoucherHistory>();
  const voucherOf = (code: string) => {
    let v = vouchers.get(code);
    if (!v)
      vouchers.set(
        code,
        (v = { voucher: code, claims: new Map(), redeems: new Map(), details: [], sharedOtps: new Set() }),
      );
    return v;
  };
  const counts = { claim: emptyCounts(), redeem: emptyCounts(), detail: emptyCounts() };
  const faults = { server: 0, harness: 0 };
  let total = 0;
  for (const op of ops) {
    total++;
    const v = voucherOf(op.voucher);
    counts[op.op][op.outcome]++;
    const fault = faultOf(op);
    if (fault) faults[fault]++;
    if (op.op === 'claim') addToGroup(v.claims, op);
    else if (op.op === 'redeem') addToGroup(v.redeems, op);
    else if (op.op === 'detail') v.details.push(op);
    else
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `"op" expected claim, redeem or detail, got ${describeValue((op as HistoryOp).op)}`,
      );
  }
  for (const f of finals) voucherOf(f.voucher);
  let keys = 0;
  for (const v of vouchers.values()) {
    keys += v.claims.size + v.redeems.size;
    linkRedemptions(v, fixedOtp);
  }
  return { vouchers, ops: total, counts, keys, faults };
}
