/**
 * What each corpus-capable scenario sends, slot by slot. The scenario calls its slot function for
 * the request it is about to make; the load command maps the same function over the whole run to
 * have the generator pre-sign every slot. Pure (k6 and Node). A scenario joins presigned mode by
 * adding its plan to CORPUS_PLANS and getting its requests from load/k6/signed-requests.ts.
 */
import { moneyFromDecimal, type Micro } from '../lib';
import { burstAmount, flowAmount, type VoucherSpec } from './load-env';
import type { CorpusSlot } from './request-corpus';

/** What the load command knows about a run when it asks for the plan. */
export interface PlanInput {
  readonly vouchers: readonly VoucherSpec[];
  readonly vus: number;
  readonly seed: number;
  readonly fill: number;
  /** Flow scenarios: the most flows the run starts (load/load-env.ts flowPlan's iterations); 0 for the others. */
  readonly flows: number;
}

/**
 * The same-voucher burst: round `round` (one per voucher) of VU `vu`, 1-based and test-wide (k6's
 * exec.vu.idInTest, so runners of a distributed run do not repeat amounts; `vus` is then the
 * test's total, which the runners split); slots run round by round.
 */
export function burstSlot(input: PlanInput, round: number, vu: number): CorpusSlot & { readonly amount: Micro } {
  const { vouchers, vus, seed, fill } = input;
  const voucher = vouchers[round]!;
  return {
    index: round * vus + (vu - 1),
    voucherCode: voucher.code,
    amount: burstAmount({ seed, round, vu, vus, balance: moneyFromDecimal(voucher.amount), fill }),
    claimKeyPrefix: `burst-${round}-${vu}`,
    redeemKeyPrefix: `redeem-${round}-${vu}`,
  };
}

export function burstPlan(input: PlanInput): CorpusSlot[] {
  return input.vouchers.flatMap((_, round) =>
    Array.from({ length: input.vus }, (_v, i) => burstSlot(input, round, i + 1)),
  );
}

/**
 * Flow `index` of a flow scenario (load/k6/merchant-flow.ts; k6's iterationInTest, unique across
 * runners): voucher index mod N, and an amount unique in the run so its OTP SMS is found by it.
 */
export function flowSlot(vouchers: readonly VoucherSpec[], index: number): CorpusSlot & { readonly amount: Micro } {
  return {
    index,
    voucherCode: vouchers[index % vouchers.length]!.code,
    amount: flowAmount(index),
    claimKeyPrefix: `flow-${index}`,
    redeemKeyPrefix: `redeem-${index}`,
  };
}

/** Every flow the run can start: `flows` is rate × (duration + 1 s), as k6's constant-arrival-rate may start one more than rate × duration (9 at 2/s over 4 s). */
export function flowCorpusPlan(input: PlanInput): CorpusSlot[] {
  return Array.from({ length: input.flows }, (_, index) => flowSlot(input.vouchers, index));
}

/** What a throughput claim asks for: half a unit, so a 100-unit voucher takes 200 before refusing. */
export const THROUGHPUT_CLAIM: Micro = 500_000n;

/** The claims of the throughput bench: every voucher (all of one amount) claimed down to nothing available, none refused by a correct server. */
export function throughputClaims(vouchers: readonly VoucherSpec[]): number {
  return vouchers.reduce((n, v) => n + Number(moneyFromDecimal(v.amount) / THROUGHPUT_CLAIM), 0);
}

/** The claim throughput bench (load/k6/claim-throughput.scenario.ts): claim `index` goes to the vouchers in turn; no redemptions. */
export function throughputSlot(vouchers: readonly VoucherSpec[], index: number): CorpusSlot {
  return {
    index,
    voucherCode: vouchers[index % vouchers.length]!.code,
    amount: THROUGHPUT_CLAIM,
    claimKeyPrefix: `tp-${index}`,
  };
}

export function throughputPlan(vouchers: readonly VoucherSpec[]): CorpusSlot[] {
  return Array.from({ length: throughputClaims(vouchers) }, (_, index) => throughputSlot(vouchers, index));
}

/** The load command's scenarios that can run presigned, by name. */
export const CORPUS_PLANS: Readonly<Record<string, (input: PlanInput) => CorpusSlot[]>> = {
  'same-voucher-burst': burstPlan,
  'steady-flow': flowCorpusPlan,
  soak: flowCorpusPlan,
  faults: flowCorpusPlan,
};
