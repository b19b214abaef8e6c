/**
 * What an initiate asks for. Commands are generated before the run, so amounts that matter at a
 * boundary are given relative to the voucher's state when the command runs: the whole available
 * balance left out (1. Initiate Claim › Request Body: amount defaults to the full balance), exactly
 * enough to empty the voucher with the fee, one micro-unit over what is available (4091).
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { formatMoney } from '../../lib/money';
import type { Micro } from '../../lib/money';
import type { VoucherState } from './voucher-model';
import { availableBalance } from './voucher-model';

export type ClaimAmount =
  | { readonly kind: 'whole' }
  | { readonly kind: 'fixed'; readonly amount: Micro }
  | { readonly kind: 'share'; readonly percent: number }
  | { readonly kind: 'to-zero' }
  /** Enough that, with the fee, `amount` is left: brings a listed voucher down to a run's amount. */
  | { readonly kind: 'leave'; readonly amount: Micro }
  | { readonly kind: 'over' };

/** 0.1, 0.2 and 0.3 are the decimals binary floating point cannot hold (docs/design.md › Money). */
const FLOAT_TRAPS: readonly Micro[] = [100_000n, 200_000n, 300_000n];

export const claimAmountArbitrary: Arbitrary<ClaimAmount> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<ClaimAmount>({ kind: 'whole' }) },
  {
    weight: 3,
    arbitrary: fc.bigInt({ min: 1n, max: 4_000_000n }).map((amount): ClaimAmount => ({ kind: 'fixed', amount })),
  },
  { weight: 1, arbitrary: fc.constantFrom(...FLOAT_TRAPS).map((amount): ClaimAmount => ({ kind: 'fixed', amount })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 60 }).map((percent): ClaimAmount => ({ kind: 'share', percent })) },
  { weight: 2, arbitrary: fc.constant<ClaimAmount>({ kind: 'to-zero' }) },
  { weight: 1, arbitrary: fc.constant<ClaimAmount>({ kind: 'over' }) },
);

const atLeastOneMicro = (amount: Micro): Micro => (amount < 1n ? 1n : amount);

/** The amount to send (undefined: none) given the voucher now; a sent amount is always positive. */
export function resolveClaimAmount(spec: ClaimAmount, v: VoucherState): Micro | undefined {
  const available = availableBalance(v);
  switch (spec.kind) {
    case 'whole':
      return undefined;
    case 'fixed':
      return spec.amount;
    case 'share':
      return atLeastOneMicro((available * BigInt(spec.percent)) / 100n);
    case 'to-zero':
      return atLeastOneMicro(available - v.serviceFee);
    case 'leave':
      return atLeastOneMicro(available - v.serviceFee - spec.amount);
    case 'over':
      return atLeastOneMicro(available + 1n);
  }
}

export function describeClaimAmount(spec: ClaimAmount): string {
  switch (spec.kind) {
    case 'whole':
      return 'no amount';
    case 'fixed':
      return formatMoney(spec.amount);
    case 'share':
      return `${spec.percent}% of available`;
    case 'to-zero':
      return 'available - serviceFee';
    case 'leave':
      return `available - serviceFee - ${formatMoney(spec.amount)}`;
    case 'over':
      return 'available + 0.000001';
  }
}
