/**
 * The target file's vouchers as a budget shared by every area of a run: a check draws what it
 * needs (its claims, and a service fee per redemption) from a voucher that still has it, so one
 * voucher of 1,000 serves many checks; a check that must own a voucher (a whole-balance claim,
 * spending it to zero, a state sequence) gets one nobody else touches. Balances and the service
 * fee come from the detail endpoint when the budget opens. Vouchers of a kind (expired,
 * restricted…) are only ever refused, so any number of checks share them.
 */
import { HarnessError } from '../lib/errors';
import { formatMoney } from '../lib/money';
import type { Micro } from '../lib/money';
import type { VoucherFixture, VoucherKind } from '../lib/target-config';

export interface VoucherNeed {
  /** The most the check reserves or redeems on the voucher at once, fees apart. */
  readonly amount?: Micro;
  /**
   * How many redemptions it makes (each also consumes the service fee). A redeeming check redeems
   * every claim it makes, so that a fixed OTP, which redeems the oldest pending claim, finds its own.
   */
  readonly redemptions?: number;
  /** The voucher to itself: whole-balance claims, spending to zero, exact balances and states. */
  readonly own?: boolean;
  /** A voucher of a kind only a fixture provides (default: an ordinary one). */
  readonly kind?: Exclude<VoucherKind, 'ordinary'>;
}

export interface VoucherBalance {
  readonly remaining: Micro;
  readonly serviceFee: Micro;
}

/** Reads a voucher's balance and the merchant's service fee (the detail endpoint). */
export type BalanceReader = (code: string) => Promise<VoucherBalance>;

export interface VoucherDraw {
  readonly checkId: string;
  readonly code: string;
  readonly drawn: Micro;
  readonly own: boolean;
}

export interface BudgetSpend {
  readonly vouchersUsed: number;
  readonly vouchersListed: number;
  readonly drawn: Micro;
  readonly draws: readonly VoucherDraw[];
}

export interface VoucherBudget {
  /** A voucher for `need`, or a reason why none is left (the message names the fixture to add). */
  draw(need: VoucherNeed, checkId: string, read: BalanceReader): Promise<string>;
  /** What the run drew so far, for the report. */
  spend(): BudgetSpend;
}

type Lane = 'claims' | 'redemptions';

interface Account {
  readonly fixture: VoucherFixture;
  balance?: VoucherBalance;
  drawn: Micro;
  use: 'unused' | 'unreadable' | 'own' | Lane;
}

/** Thrown as CHECK_NOT_APPLICABLE: runCheck reports it as a skip with this reason. */
const notEnough = (reason: string) => new HarnessError('CHECK_NOT_APPLICABLE', reason);

const KIND_FIXTURE: Readonly<Record<Exclude<VoucherKind, 'ordinary'>, string>> = {
  expired: 'an expired voucher ({"code": …, "kind": "expired"} in "fixtures.vouchers")',
  restricted: 'a voucher restricted to another merchant ({"code": …, "kind": "restricted"} in "fixtures.vouchers")',
  redeemed: 'a voucher already spent to zero ({"code": …, "kind": "redeemed"} in "fixtures.vouchers")',
  'disabled-partner':
    'a voucher funded by a disabled partner company ({"code": …, "kind": "disabled-partner"} in "fixtures.vouchers")',
};

export function createVoucherBudget(fixtures: readonly VoucherFixture[]): VoucherBudget {
  const accounts: Account[] = fixtures
    .filter((f) => (f.kind ?? 'ordinary') === 'ordinary')
    .map((fixture) => ({ fixture, drawn: 0n, use: 'unused' }));
  const draws: VoucherDraw[] = [];
  let opened: Promise<void> | undefined;
  // Draws are decided one at a time, so two checks running at once never take the same share.
  let queue: Promise<unknown> = Promise.resolve();

  const open = (read: BalanceReader) =>
    (opened ??= Promise.all(
      accounts.map(async (a) => {
        // A voucher the target cannot read (unknown, expired) serves no check; the others still do.
        a.balance = await read(a.fixture.code).catch(() => undefined);
        if (a.balance === undefined) a.use = 'unreadable';
      }),
    ).then(() => undefined));

  /** What is left on an account once a fee's worth is kept back, so sharing never spends it to zero. */
  const left = (a: Account): Micro => a.balance!.remaining - a.drawn - a.balance!.serviceFee;

  function decide(need: VoucherNeed, checkId: string): string {
    if (need.kind !== undefined) {
      const listed = fixtures.find((f) => f.kind === need.kind);
      if (listed === undefined) throw notEnough(`needs ${KIND_FIXTURE[need.kind]}; none is listed in the target file`);
      return listed.code;
    }
    const fee = accounts.find((a) => a.balance !== undefined)?.balance?.serviceFee ?? 0n;
    const amount = (need.amount ?? 0n) + fee * BigInt(need.redemptions ?? 0);
    const fits = (a: Account) => left(a) >= amount;
    const lane: Lane = (need.redemptions ?? 0) > 0 ? 'redemptions' : 'claims';
    const account = need.own
      ? accounts.find((a) => a.use === 'unused' && fits(a))
      : (accounts.find((a) => a.use === lane && fits(a)) ?? accounts.find((a) => a.use === 'unused' && fits(a)));
    if (account === undefined) {
      const what = need.own ? 'an unused voucher of its own' : `${formatMoney(amount)} of balance`;
      throw notEnough(
        `needs ${what}${need.amount === undefined ? '' : ` (claims of up to ${formatMoney(need.amount)})`}, and the ordinary vouchers in the target file's "fixtures.vouchers" have no more: list more test vouchers there`,
      );
    }
    account.use = need.own ? 'own' : lane;
    account.drawn += need.own ? account.balance!.remaining : amount;
    draws.push({
      checkId,
      code: account.fixture.code,
      drawn: need.own ? account.balance!.remaining : amount,
      own: !!need.own,
    });
    return account.fixture.code;
  }

  return {
    async draw(need, checkId, read) {
      const turn = queue.then(async () => {
        if (need.kind === undefined) await open(read);
        return decide(need, checkId);
      });
      queue = turn.catch(() => undefined);
      return turn;
    },
    spend: () => ({
      vouchersUsed: accounts.filter((a) => a.use !== 'unused' && a.use !== 'unreadable').length,
      vouchersListed: accounts.length,
      drawn: draws.reduce((sum, d) => sum + d.drawn, 0n),
      draws: [...draws],
    }),
  };
}

/**
 * What a full certification draws from the listed ordinary vouchers, measured against the reference
 * sandbox reached through a plain target file (suites/certify-target.test.ts holds the run to it):
 * vouchers a check holds to itself (state sequences, full redemptions, idempotency balances), and
 * vouchers whose balance the other checks share in small claims.
 */
export const FULL_CERTIFY_VOUCHERS = { owned: 27, shared: 2 } as const;

/** Said before a run on a target with listed vouchers: what a full certification needs, against what is listed. */
export function describeVoucherNeed(fixtures: readonly VoucherFixture[]): string {
  const listed = fixtures.filter((f) => (f.kind ?? 'ordinary') === 'ordinary').length;
  const { owned, shared } = FULL_CERTIFY_VOUCHERS;
  const need = owned + shared;
  return `vouchers: a full certification uses about ${need} ordinary vouchers (${owned} held by one check each, ${shared} shared in small claims); the target file lists ${listed}${listed < need ? `: checks that find none left are skipped, saying so; list ${need - listed} more for a full run` : ''}`;
}
