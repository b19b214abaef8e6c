import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHistoryLine, type HistoryOp } from '../../lib/history';
import {
  checkHistory,
  ledgerFromAdminJson,
  mergeHistories,
  readHistories,
  readHistory,
  type Invariant,
  type Verdict,
} from './checker';
import {
  simulateRun,
  type PlannedClaim,
  type PlannedRequest,
  type SimulatedBug,
  type SimulatedRun,
  type VoucherPlan,
} from './simulation';

const UNIT = 1_000_000n;

const requestArb = (maxInvoke: number): fc.Arbitrary<PlannedRequest> =>
  fc.record({
    invokeMs: fc.integer({ min: 0, max: maxInvoke }),
    durationMs: fc.integer({ min: 1, max: 60 }),
    at: fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000),
    copies: fc.integer({ min: 1, max: 3 }),
    info: fc.option(fc.constantFrom('applied' as const, 'lost' as const), { freq: 6, nil: undefined }),
  });

const claimArb = (balance: bigint, withInfo: boolean): fc.Arbitrary<PlannedClaim> =>
  fc
    .record({
      request: requestArb(300),
      amount: fc.option(fc.bigInt({ min: 1n, max: balance }), { freq: 8, nil: null }),
      redeem: fc.option(
        fc.record({ request: requestArb(0), gapMs: fc.integer({ min: 0, max: 100 }), reuseOtp: fc.boolean() }),
        { freq: 4, nil: undefined },
      ),
    })
    .map(({ request, amount, redeem }) => {
      const strip = (r: PlannedRequest): PlannedRequest => (withInfo ? r : { ...r, info: undefined });
      return {
        ...strip(request),
        amount,
        ...(redeem ? { redeem: { ...strip(redeem.request), gapMs: redeem.gapMs, reuseOtp: redeem.reuseOtp } } : {}),
      };
    });

const planArb = (voucher: string, withInfo = true): fc.Arbitrary<VoucherPlan> =>
  fc
    .record({ amount: fc.bigInt({ min: UNIT, max: 1000n * UNIT }), serviceFee: fc.constantFrom(0n, UNIT / 2n, UNIT) })
    .chain(({ amount, serviceFee }) =>
      fc.record({
        voucher: fc.constant(voucher),
        amount: fc.constant(amount),
        serviceFee: fc.constant(serviceFee),
        claims: fc.array(claimArb(amount / 2n + 1n, withInfo), { maxLength: 10 }),
        reads: fc.array(
          requestArb(400).map((r) => ({ ...r, info: undefined, copies: 1 })),
          { maxLength: 3 },
        ),
      }),
    );

const plansArb = (withInfo = true) =>
  fc
    .integer({ min: 1, max: 3 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => planArb(`V${i}`, withInfo))));

const check = (run: SimulatedRun, withLedger: boolean, otpSource = true): Verdict =>
  checkHistory({
    ops: run.ops,
    finals: run.finals,
    initial: run.initial,
    otpSource,
    ...(withLedger ? { ledger: run.ledger } : {}),
  });

const violated = (verdict: Verdict, invariant: Invariant) =>
  verdict.violations.filter((v) => v.invariant === invariant);
const at = (invokeMs: number, durationMs = 10, extra: Partial<PlannedRequest> = {}): PlannedRequest => ({
  invokeMs,
  durationMs,
  at: 0.5,
  copies: 1,
  ...extra,
});
const okRedeems = (run: SimulatedRun) => run.ops.filter((o) => o.op === 'redeem' && o.outcome === 'ok');

describe('checkHistory on a correct server', () => {
  it('finds no violation in random concurrent histories, with the ledger and without', () => {
    fc.assert(
      fc.property(plansArb(), fc.integer({ min: 1, max: 4 }), (plans, runners) => {
        const run = simulateRun(plans, { runners });
        for (const withLedger of [true, false]) {
          const verdict = check(run, withLedger);
          expect(verdict.violations).toEqual([]);
          expect(verdict.valid).toBe(verdict.counts.undetermined > 0 ? 'unknown' : true);
          expect(verdict.ops).toBe(run.ops.length);
        }
        expect(check(run, true, false).violations).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('finds no violation when one fixed OTP serves every claim (the server picks the oldest claim)', () => {
    fc.assert(
      fc.property(plansArb(), (plans) => {
        // No reuse attempts: with one code for all claims, the client cannot tell a reuse from the
        // redemption of another pending claim (the server picks the oldest); only the ledger can.
        const noReuse = plans.map((p) => ({
          ...p,
          claims: p.claims.map((c) => (c.redeem ? { ...c, redeem: { ...c.redeem, reuseOtp: false } } : c)),
        }));
        const run = simulateRun(noReuse, { fixedOtp: '735191' });
        for (const ledger of [run.ledger, undefined]) {
          expect(
            checkHistory({
              ops: run.ops,
              finals: run.finals,
              initial: run.initial,
              ledger,
              otpSource: true,
              fixedOtp: true,
            }).violations,
          ).toEqual([]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('decides conservation under a fixed OTP without the ledger when no claim is of the whole balance', () => {
    fc.assert(
      fc.property(plansArb(false), (plans) => {
        // What a client of a target without sandbox powers sees: which claim each redemption took is
        // unknown, but which claims there were, how many redemptions, and the final balance are known.
        const known = plans.map((p) => ({
          ...p,
          claims: p.claims.map((c) => ({
            ...c,
            amount: c.amount ?? UNIT,
            ...(c.redeem ? { redeem: { ...c.redeem, reuseOtp: false } } : {}),
          })),
        }));
        const run = simulateRun(known, { fixedOtp: '735191' });
        const verdict = checkHistory({
          ops: run.ops,
          finals: run.finals,
          initial: run.initial,
          otpSource: true,
          fixedOtp: true,
        });
        expect(verdict.undetermined).toEqual([]);
        expect(verdict.valid).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('decides every voucher with the ledger when no claim is of the whole balance', () => {
    fc.assert(
      fc.property(plansArb(), (plans) => {
        const fixed = plans.map((p) => ({ ...p, claims: p.claims.map((c) => ({ ...c, amount: c.amount ?? UNIT })) }));
        expect(check(simulateRun(fixed), true).valid).toBe(true);
      }),
    );
  });
});

describe('checkHistory against seeded server bugs', () => {
  const runWith = (plans: VoucherPlan[], bug: SimulatedBug) => simulateRun(plans, { bug });

  it('check-then-act: a burst accepted beyond the balance is an over-reservation naming the accepted claims', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 10n * UNIT, max: 1000n * UNIT }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 0, max: 1000 }),
        (amount, n, seed) => {
          // n claims sent at once, each fitting alone, together more than the balance; redeemed after the burst.
          const each = amount / BigInt(n) + 1n + BigInt(seed);
          const claims: PlannedClaim[] = Array.from({ length: n }, (_, i) => ({
            ...at(i, 40),
            amount: each,
            redeem: { ...at(0), gapMs: 200 },
          }));
          const run = runWith([{ voucher: 'V', amount, serviceFee: UNIT / 2n, claims, reads: [] }], 'check-then-act');
          expect(run.bugOps.length).toBeGreaterThan(0);
          for (const withLedger of [true, false]) {
            const [found] = violated(check(run, withLedger), 'no-over-reservation');
            expect(found?.voucher).toBe('V');
            for (const op of found!.ops) expect([op.op, op.outcome]).toEqual(['claim', 'ok']);
            expect(found!.ops).toEqual(expect.arrayContaining(run.bugOps));
          }
          // The same burst against the correct server passes.
          expect(
            check(simulateRun([{ voucher: 'V', amount, serviceFee: UNIT / 2n, claims, reads: [] }]), false).violations,
          ).toEqual([]);
        },
      ),
      { numRuns: 50 },
    );
  });

  for (const bug of ['fee-not-deducted', 'fee-twice'] as const) {
    it(`${bug}: conservation breaks, naming acknowledged redemptions`, () => {
      fc.assert(
        fc.property(plansArb(false), fc.boolean(), (plans, withLedger) => {
          const charged = plans.map((p) => ({ ...p, serviceFee: UNIT / 2n }));
          const run = runWith(charged, bug);
          const redeemed = new Set(okRedeems(run).map((o) => o.voucher));
          const verdict = check(run, withLedger);
          const found = violated(verdict, 'conservation');
          // Without the ledger a whole-balance redemption's amount is unknown: that voucher may only be undetermined.
          const undecided = new Set(verdict.undetermined.map((u) => u.voucher));
          expect(new Set(found.map((v) => v.voucher))).toEqual(
            new Set([...redeemed].filter((v) => !undecided.has(v) || found.some((f) => f.voucher === v))),
          );
          for (const v of redeemed)
            expect(found.some((f) => f.voucher === v) || (!withLedger && undecided.has(v))).toBe(true);
          // Named: the acknowledged redemptions whose fees do not add up, or the balance read that shows it.
          for (const v of found) {
            expect(v.ops.length).toBeGreaterThan(0);
            for (const op of v.ops)
              expect([op.voucher, op.outcome, op.op === 'claim']).toEqual([v.voucher, 'ok', false]);
          }
        }),
        { numRuns: 60 },
      );
    });
  }

  it('idempotency ignored: a key run twice is one-effect-per-key, naming that key', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 9 }), (copies, tenths) => {
        const amount = 100n * UNIT;
        const claims: PlannedClaim[] = [{ ...at(0, 20, { copies }), amount: (BigInt(tenths) * UNIT) / 2n }];
        const run = runWith([{ voucher: 'V', amount, serviceFee: 0n, claims, reads: [] }], 'idempotency-ignored');
        expect(run.bugOps.length).toBeGreaterThan(0);
        const found = violated(check(run, true), 'one-effect-per-key');
        expect(found.length).toBeGreaterThan(0);
        for (const v of found) for (const op of v.ops) expect(op.idempotencyKey).toBe(run.bugOps[0]!.idempotencyKey);
      }),
      { numRuns: 30 },
    );
  });

  it('idempotency ignored: a key both accepted and refused is caught without the ledger', () => {
    // The second run of the key finds the balance reserved by the first and is refused.
    const claims: PlannedClaim[] = [{ ...at(0, 20, { copies: 2 }), amount: 60n * UNIT }];
    const run = runWith(
      [{ voucher: 'V', amount: 100n * UNIT, serviceFee: 0n, claims, reads: [] }],
      'idempotency-ignored',
    );
    const [found] = violated(check(run, false), 'one-effect-per-key');
    expect(found?.ops.map((o) => [o.idempotencyKey, o.outcome, o.code])).toEqual([
      ['V/c0', 'ok', undefined],
      ['V/c0', 'fail', 4091],
    ]);
  });

  it('OTP reused: a second redemption with the same OTP is one-redemption-per-otp, naming both', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 40n * UNIT }), fc.boolean(), (amount, withLedger) => {
        const claims: PlannedClaim[] = [{ ...at(0), amount, redeem: { ...at(0), gapMs: 5, reuseOtp: true } }];
        const run = runWith([{ voucher: 'V', amount: 100n * UNIT, serviceFee: UNIT, claims, reads: [] }], 'otp-reused');
        expect(run.bugOps).toHaveLength(1);
        const [found] = violated(check(run, withLedger), 'one-redemption-per-otp');
        expect(found?.ops.map((o) => o.idempotencyKey)).toEqual(['V/c0/r', 'V/c0/r-again']);
        expect(found!.ops[1]).toBe(run.bugOps[0]);
        // The correct server refuses the reuse (4034) and nothing is violated.
        expect(
          check(simulateRun([{ voucher: 'V', amount: 100n * UNIT, serviceFee: UNIT, claims, reads: [] }]), withLedger)
            .violations,
        ).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });

  it('spurious 4091: a lone claim that fits, refused, is named', () => {
    fc.assert(
      fc.property(planArb('V'), fc.boolean(), (plan, withLedger) => {
        // A first claim alone (answered before anything else is sent), then the random traffic.
        const lone: PlannedClaim = { ...at(0, 5), amount: plan.amount / 3n + 1n };
        const later = plan.claims.map((c) => ({ ...c, invokeMs: c.invokeMs + 1000 }));
        const run = runWith(
          [
            {
              ...plan,
              claims: [lone, ...later],
              reads: plan.reads.map((r) => ({ ...r, invokeMs: r.invokeMs + 1000 })),
            },
          ],
          'spurious-4091',
        );
        expect(run.bugOps).toHaveLength(1);
        const [found] = violated(check(run, withLedger), 'no-spurious-refusal');
        expect(found?.ops).toEqual([run.bugOps[0]]);
      }),
      { numRuns: 50 },
    );
  });

  it('acknowledged success missing: with the ledger, acknowledged-present names the redemption; without, the balance does not add up', () => {
    fc.assert(
      fc.property(plansArb(false), (plans) => {
        // No OTP reuse here: a reuse would really redeem the claim the bug left pending, and the
        // ledger could not tell which of the two acknowledged redemptions is the missing one.
        const noReuse = plans.map((p) => ({
          ...p,
          claims: p.claims.map((c) => (c.redeem ? { ...c, redeem: { ...c.redeem, reuseOtp: false } } : c)),
        }));
        const run = runWith(noReuse, 'acknowledged-missing');
        fc.pre(run.bugOps.length > 0);
        // The history carries no claim id, so of two concurrent claims of one amount the ledger cannot
        // tell whose redemption is missing: the one named has the bug op's voucher and amount.
        const named = violated(check(run, true), 'acknowledged-present').flatMap((v) => v.ops);
        for (const bugOp of run.bugOps)
          expect(
            named.some(
              (o) =>
                o === bugOp ||
                (o.op === 'redeem' && o.voucher === bugOp.voucher && o.amount === bugOp.amount && o.outcome === 'ok'),
            ),
          ).toBe(true);
        const verdict = check(run, false);
        const without = new Set(
          verdict.violations
            .filter((v) => v.invariant === 'acknowledged-present' || v.invariant === 'conservation')
            .map((v) => v.voucher),
        );
        const undecided = new Set(verdict.undetermined.map((u) => u.voucher));
        // Without the ledger a voucher with a whole-balance redemption may only be undetermined.
        for (const bugOp of run.bugOps) expect(without.has(bugOp.voucher) || undecided.has(bugOp.voucher)).toBe(true);
        for (const v of without) expect(run.bugOps.some((o) => o.voucher === v)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

/** A hand-written op: the checker's messages are easiest to read on these. */
const op = (
  fields: Partial<HistoryOp> & Pick<HistoryOp, 'op' | 'idempotencyKey' | 'invokeMs' | 'completeMs' | 'outcome'>,
): HistoryOp => ({
  runner: 'r1',
  vu: 1,
  iteration: 0,
  voucher: 'V',
  amount: null,
  status: fields.outcome === 'ok' ? 200 : 409,
  ...fields,
});
const initial = new Map([['V', { amount: 100n * UNIT, serviceFee: UNIT }]]);
const final = (remaining: bigint) => [
  {
    voucher: 'V',
    amount: (100n * UNIT).toString(),
    remainingBalance: remaining.toString(),
    serviceFee: UNIT.toString(),
    status: 'ACTIVE',
  },
];

describe('checkHistory edge cases', () => {
  it('judges an empty history valid', () => {
    const verdict = checkHistory({ ops: [], finals: [], initial: new Map(), otpSource: true });
    expect(verdict).toMatchObject({ valid: true, vouchers: 0, ops: 0, violations: [], undetermined: [] });
  });

  it('accepts either fate of an unknown redemption, and refuses a balance no subset explains', () => {
    const claim = op({
      op: 'claim',
      idempotencyKey: 'c',
      amount: String(10n * UNIT),
      invokeMs: 0,
      completeMs: 5,
      outcome: 'ok',
    });
    const redeem = op({
      op: 'redeem',
      idempotencyKey: 'r',
      claimKey: 'c',
      otp: '123456',
      amount: String(10n * UNIT),
      invokeMs: 10,
      completeMs: 15,
      outcome: 'info',
      status: 0,
    });
    for (const remaining of [100n * UNIT, 89n * UNIT])
      expect(checkHistory({ ops: [claim, redeem], finals: final(remaining), initial, otpSource: true }).valid).toBe(
        true,
      );
    const [broken] = checkHistory({
      ops: [claim, redeem],
      finals: final(95n * UNIT),
      initial,
      otpSource: true,
    }).violations;
    expect(broken).toMatchObject({ invariant: 'conservation', voucher: 'V' });
  });

  it('says "unknown" rather than search more than 20 unknown redemptions', () => {
    const ops = Array.from({ length: 21 }, (_, i) => [
      op({
        op: 'claim',
        idempotencyKey: `c${i}`,
        amount: String(UNIT),
        invokeMs: i * 20,
        completeMs: i * 20 + 5,
        outcome: 'ok',
      }),
      op({
        op: 'redeem',
        idempotencyKey: `r${i}`,
        claimKey: `c${i}`,
        otp: `o${i}`,
        amount: String(UNIT),
        invokeMs: i * 20 + 10,
        completeMs: i * 20 + 15,
        outcome: 'info',
        status: 0,
      }),
    ]).flat();
    const verdict = checkHistory({ ops, finals: final(90n * UNIT), initial, otpSource: true });
    expect(verdict.valid).toBe('unknown');
    expect(verdict.undetermined[0]).toMatchObject({ invariant: 'conservation', voucher: 'V' });
    expect(checkHistory({ ops, finals: final(10n * UNIT), initial, otpSource: true }).violations[0]?.invariant).toBe(
      'conservation',
    );
  });

  describe('a fixed OTP without the ledger: which claims the redemptions consumed is searched', () => {
    // Three claims, the second and third redeemed with the one code: the server takes the oldest
    // pending claims (the first two), not the ones the client meant.
    const claims: PlannedClaim[] = [1n, 2n, 3n].map((units, i) => ({
      ...at(i * 10, 5),
      amount: units * UNIT + units,
      ...(i > 0 ? { redeem: { ...at(0), gapMs: 20 } } : {}),
    }));
    const plan: VoucherPlan = { voucher: 'V', amount: 100n * UNIT, serviceFee: UNIT / 2n, claims, reads: [] };
    const judge = (run: SimulatedRun) =>
      checkHistory({ ops: run.ops, finals: run.finals, initial: run.initial, otpSource: true, fixedOtp: true });

    it('holds when some two of the three claims, with their fees, account for the balance', () => {
      const run = simulateRun([plan], { fixedOtp: '735191' });
      expect(okRedeems(run)).toHaveLength(2);
      expect(BigInt(run.finals[0]!.remainingBalance)).toBe(100n * UNIT - (3n * UNIT + 3n) - UNIT);
      expect(judge(run)).toMatchObject({ valid: true, undetermined: [] });
    });

    it('breaks when no two of them do (the fees not deducted)', () => {
      const run = simulateRun([plan], { fixedOtp: '735191', bug: 'fee-not-deducted' });
      const [found] = violated(judge(run), 'conservation');
      expect(found?.message).toMatch(
        /no choice of which of the 3 claims the 2 redemptions with a shared OTP consumed \(2 of them\), with their fees, accounts for it/,
      );
      expect(found?.ops.map((o) => o.op)).toEqual(['redeem', 'redeem']);
    });

    it('stays undetermined, saying why, when a whole-balance claim may have been consumed', () => {
      // The second claim, pending when the first is redeemed, asks for the whole balance left.
      const whole = { ...plan, claims: [claims[1]!, { ...at(20, 5), amount: null }] };
      const verdict = judge(simulateRun([whole], { fixedOtp: '735191' }));
      expect(verdict.valid).toBe('unknown');
      expect(verdict.undetermined[0]?.message).toMatch(
        /which of the 2 claims the 1 redemptions with a shared OTP consumed is unknown to a client, and a whole-balance claim among them/,
      );
    });
  });

  it('leaves a whole-balance redemption undetermined without the ledger and decides it with one', () => {
    const claims: PlannedClaim[] = [{ ...at(0), amount: null, redeem: { ...at(0), gapMs: 5 } }];
    const run = simulateRun([{ voucher: 'V', amount: 7n * UNIT, serviceFee: 0n, claims, reads: [] }]);
    expect(okRedeems(run)).toHaveLength(1);
    expect(check(run, false).valid).toBe('unknown');
    expect(check(run, true).valid).toBe(true);
    // With a fee, the whole balance cannot also pay it: the redemption is refused with 4096.
    const charged = simulateRun([{ voucher: 'V', amount: 7n * UNIT, serviceFee: UNIT, claims, reads: [] }]);
    expect(charged.ops.find((o) => o.op === 'redeem')).toMatchObject({ outcome: 'fail', code: 4096 });
    expect(check(charged, false).valid).toBe(true);
  });

  it('names a refusal made while the balance was plainly free, and a read below zero', () => {
    const refused = op({
      op: 'claim',
      idempotencyKey: 'c',
      amount: String(5n * UNIT),
      invokeMs: 0,
      completeMs: 5,
      outcome: 'fail',
      code: 4091,
    });
    const read = op({
      op: 'detail',
      idempotencyKey: 'd',
      invokeMs: 10,
      completeMs: 12,
      outcome: 'ok',
      remainingBalance: '0',
    });
    const negative = { ...read, idempotencyKey: 'd2', remainingBalance: '-1' };
    expect(
      violated(
        checkHistory({ ops: [negative], finals: final(100n * UNIT), initial, otpSource: true }),
        'no-over-reservation',
      )[0]?.ops,
    ).toEqual([negative]);
    const verdict = checkHistory({ ops: [refused, read], finals: final(100n * UNIT), initial, otpSource: true });
    expect(violated(verdict, 'no-spurious-refusal')[0]?.ops).toEqual([refused]);
    expect(violated(verdict, 'conservation')[0]?.ops).toEqual([read]);
    expect(checkHistory({ ops: [], finals: final(-1n), initial, otpSource: true })).toMatchObject({ valid: false });
  });

  it("tells the server's faults from the harness's own", () => {
    const base = { op: 'detail' as const, invokeMs: 0, completeMs: 1, outcome: 'info' as const };
    const ops = [
      op({ ...base, idempotencyKey: 'a', status: 503, code: 5031 }),
      op({ ...base, idempotencyKey: 'b', status: 0, faultInjected: true }),
      op({ ...base, idempotencyKey: 'c', status: 0 }),
      op({ ...base, idempotencyKey: 'd', status: 500 }),
    ];
    expect(checkHistory({ ops, finals: [], initial, otpSource: false }).faults).toEqual({ server: 3, harness: 1 });
  });

  it('refuses input it cannot judge, naming the field', () => {
    expect(() => checkHistory({ ops: [], finals: [], initial: {} as never, otpSource: true })).toThrow(/"initial"/);
    expect(() =>
      checkHistory({
        ops: [op({ op: 'claim', idempotencyKey: 'c', voucher: 'W', invokeMs: 0, completeMs: 1, outcome: 'ok' })],
        finals: [],
        initial,
        otpSource: true,
      }),
    ).toThrow(/voucher W/);
    expect(() =>
      checkHistory({
        ops: [op({ op: 'claim', idempotencyKey: 'c', amount: '1.5', invokeMs: 0, completeMs: 1, outcome: 'ok' })],
        finals: [],
        initial,
        otpSource: true,
      }),
    ).toThrow(/"claim c: amount" expected integer micro-units/);
  });
});

describe('ledgerFromAdminJson', () => {
  it('reads GET /admin/ledger as the sandbox answers it, and a run judged from it agrees', () => {
    const claims: PlannedClaim[] = [{ ...at(0), amount: 12_500_000n, redeem: { ...at(0), gapMs: 5 } }];
    const run = simulateRun([{ voucher: 'V', amount: 100n * UNIT, serviceFee: UNIT, claims, reads: [] }]);
    // The admin API's JSON form (sandbox/ledger.ts ledgerEntryJson): 6-place amounts, ISO times.
    const json = {
      entries: run.ledger.map((e) => ({
        ...e,
        at: new Date(e.at).toISOString(),
        amount: `${e.amount / UNIT}.${(e.amount % UNIT).toString().padStart(6, '0')}`,
      })),
    };
    const read = ledgerFromAdminJson(JSON.parse(JSON.stringify(json)));
    expect(read).toEqual(run.ledger);
    expect(
      checkHistory({ ops: run.ops, finals: run.finals, initial: run.initial, ledger: read, otpSource: true }).valid,
    ).toBe(true);
    expect(() => ledgerFromAdminJson({ entries: [{ ...json.entries[0], amount: 'ten' }] })).toThrow(
      /entries\[0\]\.amount/,
    );
    expect(() => ledgerFromAdminJson({ rows: [] })).toThrow(/"ledger" expected/);
  });
});

describe('readHistory and mergeHistories', () => {
  it('reads the lines of several runners among k6 output and judges the merge as the whole', async () => {
    await fc.assert(
      fc.asyncProperty(plansArb(), async (plans) => {
        const run = simulateRun(plans, { runners: 3 });
        const files = ['runner-0', 'runner-1', 'runner-2'].map((runner) => [
          'INFO[0000] k6 starting',
          ...run.ops
            .filter((o) => o.runner === runner)
            .map((o) => `time="…" level=info msg="${formatHistoryLine(o)}"`.replace(/"$/, '')),
        ]);
        const merged = await readHistories(
          ...files.map((lines) => lines.map((l) => l.replace(/^time="…" level=info msg="/, 'console: '))),
        );
        expect(merged).toHaveLength(run.ops.length);
        expect(new Set(merged.map((o) => JSON.stringify(o)))).toEqual(new Set(run.ops.map((o) => JSON.stringify(o))));
        const whole = check(run, true);
        const fromFiles = checkHistory({
          ops: merged,
          finals: run.finals,
          initial: run.initial,
          ledger: run.ledger,
          otpSource: true,
        });
        expect(fromFiles.valid).toBe(whole.valid);
        expect(fromFiles.counts).toEqual(whole.counts);
      }),
      { numRuns: 30 },
    );
  });

  it('reads async lines, and refuses a broken line or the same runner twice', async () => {
    const one = op({ op: 'claim', idempotencyKey: 'c', amount: '5', invokeMs: 0, completeMs: 1, outcome: 'ok' });
    async function* lines() {
      yield 'noise';
      yield formatHistoryLine(one);
    }
    expect(await readHistory(lines())).toEqual([one]);
    await expect(readHistory(['OMNIVAS_OP {"op":'])).rejects.toMatchObject({
      code: 'INVALID_JSON',
      message: expect.stringContaining('history line 1'),
    });
    await expect(readHistory([formatHistoryLine({ ...one, outcome: 'maybe' as never })])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('"outcome"'),
    });
    expect(() => mergeHistories([one], [one])).toThrow(/runner "r1"/);
    expect(mergeHistories([{ ...one, invokeMs: 9 }], [{ ...one, runner: 'r2' }]).map((o) => o.runner)).toEqual([
      'r2',
      'r1',
    ]);
  });
});

describe('keys scoped to their merchant', () => {
  // docs/design.md › Idempotency: one key from two merchants is two keys (the storm's second merchant).
  const claim = (amount: string, merchant?: string): HistoryOp => ({
    runner: 'k6-0',
    ...(merchant === undefined ? {} : { merchant }),
    vu: 1,
    iteration: 0,
    op: 'claim',
    voucher: 'V1',
    amount,
    idempotencyKey: 'k-1',
    invokeMs: 0,
    completeMs: 5,
    outcome: 'ok',
    status: 200,
  });
  const input = (ops: HistoryOp[]) => ({
    ops,
    finals: [],
    initial: new Map([['V1', { amount: 100n * UNIT, serviceFee: UNIT }]]),
    otpSource: false,
  });

  it('judges one key of two merchants as two keys, each with its own effect', () => {
    expect(checkHistory(input([claim('10000000'), claim('20000000', 'merchant-2')])).valid).toBe(true);
  });

  it('still names one merchant acknowledging one key with two effects', () => {
    const verdict = checkHistory(input([claim('10000000', 'merchant-2'), claim('20000000', 'merchant-2')]));
    expect(verdict.violations.map((v) => [v.invariant, v.message])).toEqual([
      ['one-effect-per-key', expect.stringContaining('claim key k-1@merchant-2 was acknowledged 2 times')],
    ]);
  });

  it('refuses a merchant that is not a string', async () => {
    await expect(readHistory([formatHistoryLine({ ...claim('1'), merchant: 7 as never })])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('"merchant"'),
    });
  });
});
