import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { HarnessError } from '../lib/errors';
import {
  CheckFailure,
  createRegistry,
  defineCheck,
  fail,
  fromProperty,
  isCheckFailure,
  pass,
  runCheck,
  settle,
  skip,
} from './check';
import type { CheckDefinition, CheckOutcome } from './check';

type Ctx = { calls: string[] };

function def(over: Partial<CheckDefinition<Ctx>> = {}): CheckDefinition<Ctx> {
  return {
    id: 'sig.rejects-der',
    title: 'A DER-encoded signature is refused',
    area: 'signature',
    source: { doc: 'omnivas-merchant-api-v1.0', section: 'Authentication › Step 3' },
    basis: 'document',
    severity: 'critical',
    run: async () => pass(),
    ...over,
  };
}

const refused = (thunk: () => unknown, ...fragments: string[]) => {
  const err = (() => {
    try {
      thunk();
    } catch (e) {
      return e as HarnessError;
    }
    throw new Error('expected the definition to be refused');
  })();
  expect(err.code).toBe('INVALID_ARGUMENT');
  for (const f of fragments) expect(err.message).toContain(f);
};

describe('defineCheck', () => {
  it('returns a valid definition as it is', () => {
    const d = def();
    expect(defineCheck(d)).toBe(d);
  });

  it('accepts every dotted lower-case id', () => {
    const segment = fc.stringMatching(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    const id = fc
      .tuple(fc.stringMatching(/^[a-z][a-z0-9]*$/), fc.array(segment, { minLength: 1, maxLength: 3 }))
      .map(([first, rest]) => [first, ...rest].join('.'));
    // Ids shaped like error checks must also name a documented pair; that rule has its own test.
    fc.assert(
      fc.property(
        id.filter((i) => !/^err\.[a-z-]+\.\d{4}$/.test(i)),
        (i) => defineCheck(def({ id: i })).id === i,
      ),
    );
  });

  it.each([
    'Sig.rejects-der',
    'sig',
    'sig.',
    '.sig',
    'sig..der',
    'sig.rejects_der',
    'sig.rejects der',
    '1sig.x',
    'sig.-der',
    'sig.der-',
    '',
  ])('refuses the id %j, naming it', (id) => {
    refused(() => defineCheck(def({ id })), '"id"', JSON.stringify(id));
  });

  it('refuses an error-check id that names no documented (endpoint, code) pair', () => {
    expect(defineCheck(def({ id: 'err.redeem.4035', area: 'errors' })).id).toBe('err.redeem.4035');
    expect(defineCheck(def({ id: 'err.envelope-on-unknown-path', area: 'errors' })).id).toBe(
      'err.envelope-on-unknown-path',
    );
    refused(() => defineCheck(def({ id: 'err.redeem.4305' })), '4305', 'not documented');
    refused(() => defineCheck(def({ id: 'err.initiate.4035' })), 'initiate-claim');
    refused(() => defineCheck(def({ id: 'err.redeem-gift.4035' })), 'initiate or redeem');
  });

  it('refuses an empty title or section', () => {
    refused(() => defineCheck(def({ title: '  ' })), '"title"', 'sig.rejects-der');
    refused(() => defineCheck(def({ source: { doc: 'omnivas-merchant-api-v1.0', section: '' } })), '"source.section"');
  });

  it('refuses a basis that contradicts the cited document', () => {
    refused(() => defineCheck(def({ basis: 'assumption' })), '"basis"', 'docs/design.md');
    refused(
      () =>
        defineCheck(
          def({ source: { doc: 'docs/design.md', section: 'Behaviour where the API documents are silent' } }),
        ),
      '"basis"',
    );
    expect(
      defineCheck(
        def({
          basis: 'assumption',
          source: { doc: 'docs/design.md', section: 'Behaviour where the API documents are silent › Idempotency' },
        }),
      ).basis,
    ).toBe('assumption');
  });

  it('refuses values outside the declared sets (callers may be plain JavaScript)', () => {
    refused(() => defineCheck(def({ area: 'sigs' as never })), '"area"', 'signature');
    refused(() => defineCheck(def({ severity: 'blocker' as never })), '"severity"', 'critical');
    refused(() => defineCheck(def({ needs: ['time-travel' as never] })), '"needs"', 'clock');
    refused(() => defineCheck(def({ uses: ['time-travel' as never] })), '"uses"', 'otp-per-claim');
    refused(() => defineCheck(def({ kind: 'warning' as never })), '"kind"');
    refused(() => defineCheck(def({ source: { doc: 'rfc9110' as never, section: 'x' } })), '"source.doc"');
    refused(() => defineCheck(def({ run: undefined as never })), '"run"');
  });
});

describe('createRegistry', () => {
  it('keeps checks in registration order, by area and by id', () => {
    const reg = createRegistry<Ctx>();
    const a = def({ id: 'auth.login-good-key', area: 'auth' });
    const b = def({ id: 'sig.rejects-der' });
    const c = def({ id: 'auth.token-expires', area: 'auth' });
    reg.register(a, b);
    reg.register(c);
    expect(reg.all().map((d) => d.id)).toEqual(['auth.login-good-key', 'sig.rejects-der', 'auth.token-expires']);
    expect(reg.byArea('auth')).toEqual([a, c]);
    expect(reg.byArea('replay')).toEqual([]);
    expect(reg.get('sig.rejects-der')).toBe(b);
    expect(reg.get('sig.nope')).toBeUndefined();
  });

  it('refuses a duplicate id, across calls and within one, naming it and registering nothing of the batch', () => {
    const reg = createRegistry<Ctx>();
    reg.register(def());
    refused(() => reg.register(def({ id: 'auth.fresh' }), def()), 'sig.rejects-der', 'registered twice');
    expect(reg.get('auth.fresh')).toBeUndefined();
    refused(() => createRegistry<Ctx>().register(def({ id: 'auth.x' }), def({ id: 'auth.x' })), 'auth.x');
  });

  it('validates what it registers, even without defineCheck', () => {
    refused(() => createRegistry<Ctx>().register(def({ id: 'Bad' })), '"id"');
  });
});

describe('runCheck', () => {
  const ctx = (): Ctx => ({ calls: [] });

  it('copies the definition into the result, with kind defaulting to requirement', async () => {
    const r = await runCheck(def({ needs: ['clock'] }), ctx());
    expect(r).toMatchObject({
      id: 'sig.rejects-der',
      title: 'A DER-encoded signature is refused',
      area: 'signature',
      severity: 'critical',
      basis: 'document',
      kind: 'requirement',
      needs: ['clock'],
      status: 'pass',
      evidence: [],
    });
    expect(r.source).toEqual({ doc: 'omnivas-merchant-api-v1.0', section: 'Authentication › Step 3' });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(
      (await runCheck(def({ kind: 'finding', run: async () => pass('serves /initiate-redeem only') }), ctx())).note,
    ).toBe('serves /initiate-redeem only');
  });

  it('carries a failure with its evidence and replay data', async () => {
    const evidence = [{ label: 'DER', curl: "curl -X POST 'http://127.0.0.1/x'" }];
    const r = await runCheck(
      def({
        run: async () => fail('accepted a DER signature', evidence, { seed: 42, path: '3:1', counterexample: '["x"]' }),
      }),
      ctx(),
    );
    expect(r).toMatchObject({
      status: 'fail',
      message: 'accepted a DER signature',
      evidence,
      seed: 42,
      path: '3:1',
      counterexample: '["x"]',
    });
    expect(await runCheck(def({ run: async () => skip('partner profile only') }), ctx())).toMatchObject({
      status: 'skip',
      reason: 'partner profile only',
    });
  });

  it('turns a thrown error into an error result, and the run goes on', async () => {
    const c = ctx();
    const results = [];
    for (const d of [
      def({
        id: 'auth.a',
        run: async () => {
          throw new Error('socket hang up');
        },
      }),
      def({
        id: 'auth.b',
        run: async () => {
          throw new HarnessError('TARGET_UNREACHABLE', 'no answer from 127.0.0.1:1');
        },
      }),
      def({
        id: 'auth.c',
        run: async () => {
          throw 'a string';
        },
      }),
      def({
        id: 'auth.d',
        run: async (x) => {
          x.calls.push('d');
          return pass();
        },
      }),
    ]) {
      results.push(await runCheck(d, c));
    }
    expect(results.map((r) => r.status)).toEqual(['error', 'error', 'error', 'pass']);
    expect(results[0]!.message).toBe('socket hang up');
    expect(results[0]!.evidence[0]?.note).toContain('socket hang up'); // the stack, for whoever fixes the check
    expect(results[1]!.message).toBe('TARGET_UNREACHABLE: no answer from 127.0.0.1:1');
    expect(results[2]!.message).toContain('a string');
    expect(c.calls).toEqual(['d']);
  });

  it('does not let a check that returns no outcome pass', async () => {
    const r = await runCheck(def({ run: (async () => undefined) as unknown as () => Promise<CheckOutcome> }), ctx());
    expect(r.status).toBe('error');
    expect(r.message).toContain('not pass(), fail() or skip()');
  });

  it('skips a check the target lacks the powers for, without running it', async () => {
    const run = vi.fn(async () => pass());
    const skipUnless = vi.fn((needs: readonly string[]) =>
      needs.includes('faults') ? 'not provokable from outside on this target' : undefined,
    );
    const skipped = await runCheck(def({ needs: ['faults', 'admin'], run }), ctx(), { skipUnless });
    expect(skipped).toMatchObject({
      status: 'skip',
      reason: 'not provokable from outside on this target',
      needs: ['faults', 'admin'],
    });
    expect(skipUnless).toHaveBeenCalledWith(['faults', 'admin']);
    expect(run).not.toHaveBeenCalled();

    expect((await runCheck(def({ needs: ['clock'], run }), ctx(), { skipUnless })).status).toBe('pass');
    expect(run).toHaveBeenCalledTimes(1);
    // A check needing nothing never asks, nor one that only uses a power where the target has it.
    const never = vi.fn(() => 'never');
    expect((await runCheck(def({ run }), ctx(), { skipUnless: never })).status).toBe('pass');
    expect((await runCheck(def({ uses: ['clock'], run }), ctx(), { skipUnless: never })).status).toBe('pass');
    expect(never).not.toHaveBeenCalled();
  });
});

describe('CheckFailure: the one way a check fails with evidence', () => {
  const ctx = (): Ctx => ({ calls: [] });
  const evidence = [{ label: 'login', note: 'HTTP 200 with an accessToken' }];

  it('ends a plain check thrown from deep in a helper as its failure, with the evidence', async () => {
    const helper = async () => {
      throw new CheckFailure('a wrong key obtained a token', evidence);
    };
    const r = await runCheck(def({ run: async () => (await helper(), pass()) }), ctx());
    expect(r).toMatchObject({ status: 'fail', message: 'a wrong key obtained a token', evidence });
  });

  it("ends a property as a failure with the shrunk case's evidence and its replay", async () => {
    const r = await runCheck(
      def({
        run: async () =>
          fromProperty(
            await fc.check(
              fc.asyncProperty(fc.integer({ min: 0, max: 100 }), async (n) => {
                if (n >= 10) throw new CheckFailure(`case ${n} answered HTTP 200`, [{ label: `case ${n}` }]);
              }),
              { seed: 3 },
            ),
          ),
      }),
      ctx(),
    );
    expect(r.status).toBe('fail');
    // Shrunk to the smallest failing case: the message and the evidence are that case's, not the first one found.
    expect(r.message).toMatch(/^case 10 answered HTTP 200 \(after \d+ runs and \d+ shrinks\)$/);
    expect(r.evidence).toEqual([{ label: 'case 10' }]);
    expect(r).toMatchObject({ seed: 3, counterexample: '[10]' });
  });

  it('keeps the evidence as it was when the failure was raised', () => {
    const trail = [{ label: 'first' }];
    const failure = new CheckFailure('refused', trail);
    trail.push({ label: 'later' });
    expect(failure.evidence).toEqual([{ label: 'first' }]);
  });

  it('is matched by shape: a plain Error or a HarnessError is not a CheckFailure', () => {
    expect(isCheckFailure(new CheckFailure('x'))).toBe(true);
    expect(isCheckFailure(Object.assign(new Error('x'), { name: 'CheckFailure', evidence: [] }))).toBe(true);
    expect(isCheckFailure(new Error('x'))).toBe(false);
    expect(isCheckFailure(new HarnessError('CHECK_NOT_APPLICABLE', 'x'))).toBe(false);
    expect(isCheckFailure({ name: 'CheckFailure', message: 'x', evidence: [] })).toBe(false);
  });

  it('leaves any other error a check throws as an error, and CHECK_NOT_APPLICABLE as a skip', async () => {
    const broken = await runCheck(
      def({
        run: async () => {
          throw new TypeError('cannot read properties of undefined');
        },
      }),
      ctx(),
    );
    expect(broken).toMatchObject({ status: 'error', message: 'cannot read properties of undefined' });
    const lacking = await runCheck(
      def({
        run: async () => {
          throw new HarnessError('CHECK_NOT_APPLICABLE', 'no second merchant');
        },
      }),
      ctx(),
    );
    expect(lacking).toMatchObject({ status: 'skip', reason: 'no second merchant' });
  });

  it('settle turns a thrown CheckFailure into the failure and passes anything else on', async () => {
    expect(
      await settle(async () => {
        throw new CheckFailure('refused', evidence);
      }),
    ).toEqual({ status: 'fail', message: 'refused', evidence });
    expect(await settle(async () => pass('held'))).toEqual({ status: 'pass', note: 'held' });
    await expect(
      settle(async () => {
        throw new HarnessError('TARGET_UNREACHABLE', 'no answer');
      }),
    ).rejects.toMatchObject({ code: 'TARGET_UNREACHABLE' });
  });
});

describe('fromProperty', () => {
  it('turns a failing property into a failure that replays to the same shrunk counterexample', async () => {
    const prop = fc.property(fc.integer(), fc.string(), (n, s) => n < 1000 || s.length > 0);
    const outcome = fromProperty(fc.check(prop, { seed: 7 }));
    if (outcome.status !== 'fail') throw new Error(`expected a failure, got ${outcome.status}`);
    expect(outcome.replay).toMatchObject({ seed: 7, counterexample: '[1000,""]' });
    expect(outcome.evidence).toEqual([]);
    expect(outcome.message).toContain('shrinks');
    const again = fc.check(prop, { seed: outcome.replay!.seed, path: outcome.replay!.path, endOnFailure: true });
    expect(fc.stringify(again.counterexample)).toBe('[1000,""]');
  });

  it('passes a property that holds, saying how many cases it tried', () => {
    expect(
      fromProperty(
        fc.check(
          fc.property(fc.nat(), (n) => n >= 0),
          { numRuns: 25 },
        ),
      ),
    ).toEqual({ status: 'pass', note: '25 generated cases held' });
  });

  it('reports a thrown assertion inside the property with its message', () => {
    const outcome = fromProperty(
      fc.check(
        fc.property(fc.constant(1), () => {
          throw new Error('status 200, expected 403');
        }),
      ),
    );
    expect(outcome).toMatchObject({ status: 'fail' });
    expect(outcome.status === 'fail' && outcome.message).toContain('status 200, expected 403');
  });

  it('lets a context that cannot serve the property (CHECK_NOT_APPLICABLE) reach runCheck as a skip, not a failure', async () => {
    const needsOtp = async () => {
      throw new HarnessError('CHECK_NOT_APPLICABLE', 'no OTP source on this target');
    };
    const result = await runCheck(
      def({
        run: async () => fromProperty(await fc.check(fc.asyncProperty(fc.constant(1), needsOtp), { numRuns: 3 })),
      }),
      { calls: [] },
    );
    expect(result).toMatchObject({ status: 'skip', reason: 'no OTP source on this target' });
  });

  it('ends a property whose time limit ran out before one case finished as an error, never a failure', async () => {
    const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 200));
    const result = await runCheck(
      def({
        run: async () =>
          fromProperty(
            await fc.check(fc.asyncProperty(fc.constant(1), slow), { numRuns: 3, interruptAfterTimeLimit: 20 }),
          ),
      }),
      { calls: [] },
    );
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/time limit ran out after 0 generated cases/);
  });
});
