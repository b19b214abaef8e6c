/**
 * The partner profile's request authentication (onboarding › Partner API Onboarding › Request
 * Authentication; docs/design.md › Two authentication profiles): X-Timestamp within 5 minutes of the
 * server clock either way — exactly at the edges and over the whole range —, Unix seconds only
 * (docs/design.md › Behaviour where the API documents are silent), bound by X-Signature; X-API-Key known;
 * Idempotency-Key on writes; and the sandbox's own issuing endpoint never overdrawing the
 * partner's reserved balance.
 */
import fc from 'fast-check';
import type { Micro } from '../lib/money';
import { formatMoney, MICRO_PER_UNIT } from '../lib/money';
import type { ApiResponse } from '../lib/node/http-client';
import { randomString } from '../lib/random';
import { defineCheck, fail, fromProperty, pass } from './check';
import type { CheckDefinition, CheckOutcome } from './check';
import { notApplicable } from './context';
import type { CertifyContext } from './context';
import { evidenceOf, refute } from './evidence';
import { share } from './idempotency-helpers';
import { PARTNER_VOUCHERS_PATH, partnerVoucherBody } from './partner-endpoints';
import {
  describeSkew,
  isAccepted,
  isRefused,
  onPartnerAccount,
  openPartnerProbe,
  reservedBalanceOf,
  withPartnerProbe,
} from './replay-helpers';
import type { PartnerProbe } from './replay-helpers';

const REQUEST_AUTHENTICATION = {
  doc: 'partner-and-merchant-onboarding',
  section: 'Partner API Onboarding › Request Authentication',
} as const;
const UNIX_SECONDS = {
  doc: 'docs/design.md',
  section: 'Behaviour where the API documents are silent › Partner X-Timestamp is Unix time in seconds',
} as const;
const RESERVED_BALANCE = {
  doc: 'omnivas-merchant-api-v1.0',
  section: "3. Redeem Gift › Error Codes (4093, 4095: the partner's reserved balance); the sandbox's own partner API",
} as const;
const OWNER_MSISDN = '251911000000';

// ---- the window ---------------------------------------------------------------------------------

/** Why the answer to X-Timestamp at `skew` is wrong, or undefined when it is right. */
function skewProblem(probe: PartnerProbe, skew: number, res: ApiResponse, accepted: boolean): string | undefined {
  if (accepted && !isAccepted(res.status))
    return `X-Timestamp ${describeSkew(skew)} was refused with HTTP ${res.status}; up to ${probe.window} s of skew either way is allowed`;
  if (!accepted && !isRefused(res.status))
    return `X-Timestamp ${describeSkew(skew)} was answered HTTP ${res.status}, not refused (400, 401 or 403); only ${probe.window} s of skew either way is allowed`;
  return undefined;
}

const withNote = (outcome: CheckOutcome, note: string): CheckOutcome =>
  outcome.status === 'pass' ? pass([outcome.note, note].filter(Boolean).join('; ')) : outcome;

/** The window's edges, exactly: a list of skews, each with the verdict it must get. */
function edgeCheck(accepted: boolean, skews: (window: number) => readonly number[]) {
  return (ctx: CertifyContext) =>
    withPartnerProbe(ctx, async (probe) => {
      for (const skew of skews(probe.window)) {
        const res = await probe.send({ skewSeconds: skew }, accepted ? isAccepted : isRefused);
        const problem = skewProblem(probe, skew, res, accepted);
        if (problem) return fail(problem, [evidenceOf(`X-Timestamp ${describeSkew(skew)}`, res)]);
      }
      return pass(probe.clock.basis);
    });
}

/** Generated skews, each with the verdict it must get. */
function rangeCheck(accepted: boolean, skews: (window: number) => fc.Arbitrary<number>) {
  return (ctx: CertifyContext) =>
    withPartnerProbe(ctx, async (probe) => {
      const property = fc.asyncProperty(skews(probe.window), async (skew) => {
        const res = await probe.send({ skewSeconds: skew }, accepted ? isAccepted : isRefused);
        const problem = skewProblem(probe, skew, res, accepted);
        if (problem) refute(problem, [`X-Timestamp ${describeSkew(skew)}`, res]);
      });
      return withNote(fromProperty(await fc.check(property, { seed: ctx.seed, numRuns: 50 })), probe.clock.basis);
    });
}

/** |skew| beyond the window up to 10^6 s, half of them within another window's width of the edge, where a doubled window hides. */
const outsideWindow = (window: number): fc.Arbitrary<number> =>
  fc
    .tuple(
      fc.oneof(fc.integer({ min: window + 1, max: 2 * window + 60 }), fc.integer({ min: window + 1, max: 1_000_000 })),
      fc.boolean(),
    )
    .map(([size, ahead]) => (ahead ? size : -size));

const windowChecks = [
  defineCheck<CertifyContext>({
    id: 'replay.accepts-edge-of-window',
    title: 'X-Timestamp exactly the replay window (300 s) behind or ahead of the server clock is accepted',
    area: 'replay',
    source: REQUEST_AUTHENTICATION,
    basis: 'document',
    severity: 'high',
    run: edgeCheck(true, (w) => [-w, w]),
  }),
  defineCheck<CertifyContext>({
    id: 'replay.refuses-just-outside-window',
    title: 'X-Timestamp one second beyond the replay window (301 s) behind or ahead of the server clock is refused',
    area: 'replay',
    source: REQUEST_AUTHENTICATION,
    basis: 'document',
    severity: 'critical',
    run: edgeCheck(false, (w) => [-(w + 1), w + 1]),
  }),
  defineCheck<CertifyContext>({
    id: 'replay.accepts-skews-within-window',
    title: 'Any X-Timestamp within the replay window (300 s) of the server clock, either way, is accepted',
    area: 'replay',
    source: REQUEST_AUTHENTICATION,
    basis: 'document',
    severity: 'high',
    run: rangeCheck(true, (w) => fc.integer({ min: -w, max: w })),
  }),
  defineCheck<CertifyContext>({
    id: 'replay.refuses-skews-outside-window',
    title:
      'Any X-Timestamp beyond the replay window (301 s) up to 10^6 s away from the server clock, either way, is refused',
    area: 'replay',
    source: REQUEST_AUTHENTICATION,
    basis: 'document',
    severity: 'critical',
    run: rangeCheck(false, outsideWindow),
  }),
];

// ---- the timestamp's form and its signature -------------------------------------------------------

/** Every (label, X-Timestamp) in `stamps`, each sent with a signature made for it, must be refused. */
async function refusesStamps(
  probe: PartnerProbe,
  stamps: readonly (readonly [string, string | null])[],
): Promise<CheckOutcome> {
  for (const [label, stamp] of stamps) {
    const res = await probe.stamped(stamp, stamp ?? '');
    if (!isRefused(res.status))
      return fail(
        `X-Timestamp ${label} (signed as sent) was answered HTTP ${res.status}, not refused (400, 401 or 403)`,
        [evidenceOf(`X-Timestamp ${label}`, res)],
      );
  }
  return pass();
}

const formChecks = [
  defineCheck<CertifyContext>({
    id: 'replay.refuses-missing-timestamp',
    title: 'A partner request without X-Timestamp is refused',
    area: 'replay',
    source: REQUEST_AUTHENTICATION,
    basis: 'document',
    severity: 'critical',
    run: (ctx) => withPartnerProbe(ctx, (probe) => refusesStamps(probe, [['missing', null]])),
  }),
  defineCheck<CertifyContext>({
    id: 'replay.refuses-non-numeric-timestamp',
    title:
      'X-Timestamp that is not Unix seconds (an ISO 8601 or HTTP date, hexadecimal, a word) is refused even when signed as sent',
    area: 'replay',
    source: UNIX_SECONDS,
    basis: 'assumption',
    severity: 'medium',
    run: (ctx) =>
      withPartnerProbe(ctx, (probe) => {
        const now = new Date(probe.clock.nowMs());
        return refusesStamps(probe, [
          ['as ISO 8601', now.toISOString()],
          ['as an HTTP date', now.toUTCString()],
          ['in hexadecimal', `0x${probe.nowSeconds().toString(16)}`],
          ['as a word', 'now'],
        ]);
      }),
  }),
  defineCheck<CertifyContext>({
    id: 'replay.refuses-millisecond-timestamp',
    title: 'X-Timestamp in milliseconds instead of seconds is refused even when signed as sent',
    area: 'replay',
    source: UNIX_SECONDS,
    basis: 'assumption',
    severity: 'medium',
    run: (ctx) =>
      withPartnerProbe(ctx, (probe) =>
        refusesStamps(probe, [['in milliseconds', String(Math.floor(probe.clock.nowMs()))]]),
      ),
  }),
  defineCheck<CertifyContext>({
    id: 'replay.signature-bound-to-timestamp',
    title: 'A signature made for one X-Timestamp, sent with another (both inside the window), is refused',
    area: 'replay',
    source: REQUEST_AUTHENTICATION,
    basis: 'document',
    severity: 'critical',
    run: (ctx) =>
      withPartnerProbe(ctx, async (probe) => {
        // Well inside the window, so only the signature can refuse it.
        const inside = fc.integer({ min: -(probe.window - 30), max: probe.window - 30 });
        const property = fc.asyncProperty(
          fc.tuple(inside, inside).filter(([signed, sent]) => signed !== sent),
          async ([signed, sent]) => {
            const now = probe.nowSeconds();
            const res = await probe.stamped(String(now + sent), String(now + signed));
            if (!isRefused(res.status))
              refute(
                `X-Timestamp ${describeSkew(sent)} with a signature made for ${describeSkew(signed)} was answered HTTP ${res.status}, not refused`,
                ['mismatched timestamp', res],
              );
          },
        );
        return fromProperty(await fc.check(property, { seed: ctx.seed, numRuns: 25 }));
      }),
  }),
];

// ---- the API key, and writes ------------------------------------------------------------------------

const isClientError = (status: number): boolean => status >= 400 && status < 500;

/** The sandbox's own POST /vouchers for `amount`; `expect` as for PartnerProbe.send. */
const issueVoucher = (
  probe: PartnerProbe,
  amount: Micro,
  expect: (status: number) => boolean,
  idempotencyKey?: null,
): Promise<ApiResponse> =>
  probe.send(
    {
      method: 'POST',
      path: PARTNER_VOUCHERS_PATH,
      body: partnerVoucherBody({ amount, ownerMsisdn: OWNER_MSISDN }),
      ...(idempotencyKey === null ? { idempotencyKey } : {}),
    },
    expect,
  );

const keyChecks = [
  defineCheck<CertifyContext>({
    id: 'replay.refuses-unknown-api-key',
    title: 'A partner request with an unknown X-API-Key, or none, is refused',
    area: 'replay',
    source: REQUEST_AUTHENTICATION,
    basis: 'document',
    severity: 'critical',
    run: (ctx) =>
      withPartnerProbe(ctx, async (probe) => {
        for (const [label, apiKey] of [
          ['unknown', `unknown-${randomString(ctx.random, 24)}`],
          ['missing', null],
        ] as const) {
          const res = await probe.send({ headers: { 'x-api-key': apiKey } });
          if (!isRefused(res.status))
            return fail(
              `a request with X-API-Key ${label} (otherwise correctly signed and timed) was answered HTTP ${res.status}, not refused (400, 401 or 403)`,
              [evidenceOf(`X-API-Key ${label}`, res)],
            );
        }
        return pass();
      }),
  }),
  defineCheck<CertifyContext>({
    id: 'replay.partner-write-needs-idempotency-key',
    title: "A partner write without Idempotency-Key is refused and has no effect (on the sandbox's own POST /vouchers)",
    area: 'replay',
    source: REQUEST_AUTHENTICATION,
    basis: 'document',
    severity: 'high',
    // On a sandbox a partner company of its own; elsewhere the partner of "fixtures.partner", one unit of whose balance it spends.
    run: (ctx) =>
      withPartnerProbe(
        ctx,
        (probe) =>
          onPartnerAccount(ctx, async () => {
            const expected = ctx.expectations.missingIdempotencyKeyStatus;
            const amount = 1_000_000n;
            const before = await reservedBalanceOf(probe);
            if (before.balance < amount)
              throw notApplicable(
                `the partner's reserved balance is ${formatMoney(before.balance)}, below the ${formatMoney(amount)} of the voucher this check issues: fund the partner of "fixtures.partner"`,
              );
            const keyless = await issueVoucher(probe, amount, (status) => status === expected, null);
            if (keyless.status !== expected)
              return fail(
                `POST ${PARTNER_VOUCHERS_PATH} without Idempotency-Key was answered HTTP ${keyless.status}, not ${expected}`,
                [evidenceOf('without a key', keyless)],
              );
            const after = await reservedBalanceOf(probe);
            if (after.balance !== before.balance)
              return fail(
                `the refused write moved the reserved balance from ${formatMoney(before.balance)} to ${formatMoney(after.balance)}`,
                [evidenceOf('without a key', keyless), evidenceOf('account', after.res)],
              );
            // The same write with a key passes: the refusal was for the missing key.
            const keyed = await issueVoucher(probe, amount, isAccepted);
            if (!isAccepted(keyed.status))
              return fail(
                `the same write with an Idempotency-Key was answered HTTP ${keyed.status}: the endpoint refuses it for another reason`,
                [evidenceOf('with a key', keyed)],
              );
            return pass();
          }),
        { reservedBalance: 100_000_000n },
      ),
  }),
  defineCheck<CertifyContext>({
    id: 'replay.partner-no-overdraft',
    title:
      "Issuing vouchers beyond the partner's reserved balance is refused and debits nothing; within it, debits exactly (the sandbox's own partner endpoints)",
    area: 'replay',
    source: RESERVED_BALANCE,
    basis: 'document',
    severity: 'critical',
    async run(ctx) {
      // A sandbox funds a partner company per run at a generated balance; elsewhere the runs share the
      // account of "fixtures.partner" as it is funded, and each spends at most one unit of it.
      const sandbox = ctx.powers.has('admin');
      const reservedArb = sandbox ? fc.bigInt({ min: 1_000_000n, max: 1_000_000_000n }) : fc.constant(undefined);
      const property = fc.asyncProperty(
        reservedArb,
        fc.integer({ min: 1, max: 1000 }),
        fc.bigInt({ min: 1n, max: 1_000_000_000n }),
        (reserved, perMille, excess) =>
          onPartnerAccount(ctx, async () => {
            const probe = await openPartnerProbe(ctx, reserved === undefined ? {} : { reservedBalance: reserved });
            if (!isAccepted(probe.baseline.status))
              refute(`the partner account read was refused with HTTP ${probe.baseline.status}`, [
                'account',
                probe.baseline,
              ]);
            const funded = reserved ?? (await reservedBalanceOf(probe)).balance;
            if (funded <= 0n)
              throw notApplicable(
                'the partner of "fixtures.partner" has no reserved balance left to issue a voucher from: fund it',
              );
            const first = share(reserved ?? (funded < MICRO_PER_UNIT ? funded : MICRO_PER_UNIT), perMille);
            const issued = await issueVoucher(probe, first, isAccepted);
            if (!isAccepted(issued.status))
              refute(
                `a voucher of ${formatMoney(first)} within the reserved balance ${formatMoney(funded)} was refused with HTTP ${issued.status}`,
                ['within', issued],
              );
            const left = funded - first;
            const debited = await reservedBalanceOf(probe);
            if (debited.balance !== left)
              refute(
                `issuing ${formatMoney(first)} out of ${formatMoney(funded)} left ${formatMoney(debited.balance)}, not ${formatMoney(left)}`,
                ['within', issued],
                ['account', debited.res],
              );
            const beyond = left + excess;
            const overdraft = await issueVoucher(probe, beyond, isClientError);
            if (!isClientError(overdraft.status))
              refute(
                `a voucher of ${formatMoney(beyond)} with ${formatMoney(left)} reserved was answered HTTP ${overdraft.status}, not refused`,
                ['beyond', overdraft],
              );
            const after = await reservedBalanceOf(probe);
            if (after.balance !== left)
              refute(
                `the refused voucher moved the reserved balance from ${formatMoney(left)} to ${formatMoney(after.balance)}`,
                ['beyond', overdraft],
                ['account', after.res],
              );
          }),
      );
      return fromProperty(await fc.check(property, { seed: ctx.seed, numRuns: sandbox ? 10 : 3 }));
    },
  }),
];

export const replayChecks: readonly CheckDefinition<CertifyContext>[] = [...windowChecks, ...formChecks, ...keyChecks];
