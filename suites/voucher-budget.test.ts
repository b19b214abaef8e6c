import { describe, expect, it } from 'vitest';
import { MICRO_PER_UNIT } from '../lib/money';
import type { VoucherFixture } from '../lib/target-config';
import { createVoucherBudget } from './voucher-budget';
import type { BalanceReader } from './voucher-budget';

const UNIT = MICRO_PER_UNIT;
const vouchers = (n: number): VoucherFixture[] => Array.from({ length: n }, (_, i) => ({ code: `V${i}` }));
/** Every voucher holds 1,000; the merchant's fee is 1. */
const reader =
  (balances: Record<string, bigint> = {}): BalanceReader =>
  async (code) => {
    if (code === 'UNKNOWN') throw new Error('4041');
    return { remaining: balances[code] ?? 1_000n * UNIT, serviceFee: UNIT };
  };

describe('voucher budget', () => {
  it('serves many checks from one voucher until its balance runs low, keeping a fee back', async () => {
    const budget = createVoucherBudget(vouchers(2));
    const codes = [];
    // 99 draws of 10 fit in 1,000 less a fee kept back; the 100th opens the second voucher.
    for (let i = 0; i < 100; i++) codes.push(await budget.draw({ amount: 10n * UNIT }, 'claims', reader()));
    expect(codes.filter((c) => c === 'V0')).toHaveLength(99);
    expect(codes.at(-1)).toBe('V1');
    expect(budget.spend()).toMatchObject({ vouchersUsed: 2, vouchersListed: 2, drawn: 1_000n * UNIT });
  });

  it('counts a fee per redemption, and keeps redeeming checks apart from claims left pending', async () => {
    const budget = createVoucherBudget(vouchers(3));
    const claimOnly = await budget.draw({ amount: 10n * UNIT }, 'a', reader());
    const redeeming = await budget.draw({ amount: 10n * UNIT, redemptions: 2 }, 'b', reader());
    expect(redeeming).not.toBe(claimOnly);
    expect(await budget.draw({ amount: 5n * UNIT, redemptions: 1 }, 'c', reader())).toBe(redeeming);
    expect(budget.spend().draws.map((d) => d.drawn)).toEqual([10n * UNIT, 12n * UNIT, 6n * UNIT]);
  });

  it('gives an own voucher to one check only, and says which fixture to add when none is left', async () => {
    const budget = createVoucherBudget([...vouchers(2), { code: 'UNKNOWN' }]);
    const own = await budget.draw({ own: true }, 'a', reader());
    const shared = await budget.draw({ amount: UNIT }, 'b', reader());
    expect(shared).not.toBe(own);
    await expect(budget.draw({ own: true }, 'c', reader())).rejects.toMatchObject({
      code: 'CHECK_NOT_APPLICABLE',
      message: expect.stringMatching(/an unused voucher of its own.*"fixtures\.vouchers".*list more/),
    });
    await expect(budget.draw({ amount: 2_000n * UNIT }, 'd', reader())).rejects.toMatchObject({
      code: 'CHECK_NOT_APPLICABLE',
      message: expect.stringMatching(/2000\.000000 of balance/),
    });
    expect(budget.spend().vouchersUsed).toBe(2);
  });

  it('hands a voucher of a kind to every check that asks, and names the fixture when none is listed', async () => {
    const budget = createVoucherBudget([{ code: 'E', kind: 'expired' }, ...vouchers(1)]);
    expect(await budget.draw({ kind: 'expired' }, 'a', reader())).toBe('E');
    expect(await budget.draw({ kind: 'expired' }, 'b', reader())).toBe('E');
    await expect(budget.draw({ kind: 'restricted' }, 'c', reader())).rejects.toMatchObject({
      code: 'CHECK_NOT_APPLICABLE',
      message: expect.stringMatching(/"kind": "restricted"/),
    });
    // Kinds are never spent as ordinary vouchers.
    expect(await budget.draw({ own: true }, 'd', reader())).toBe('V0');
  });

  it('decides concurrent draws one at a time, so no two checks share an own voucher', async () => {
    const budget = createVoucherBudget(vouchers(5));
    const codes = await Promise.all(Array.from({ length: 5 }, (_, i) => budget.draw({ own: true }, `c${i}`, reader())));
    expect(new Set(codes).size).toBe(5);
  });
});
