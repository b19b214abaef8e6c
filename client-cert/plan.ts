/**
 * The certification plan: numbered scenarios a merchant's integration performs against the
 * sandbox, each with what a person at the till does, the voucher and amount, the condition the
 * sandbox injects at the moment it matters, what a correct client does, and a time limit. Data
 * only: the session (session.ts) arms the conditions and watches for the goals.
 */
import { moneyFromDecimal, type Micro } from '../lib/money';
import type { ClientEndpoint } from './exchange';

/** How long the sandbox holds or loses answers, and how long each scenario may take. */
export interface PlanTimings {
  /** The timeout scenario: the first redeem's answer is held this long. */
  readonly holdMs: number;
  /** The client must give up waiting within this; the plan says so. */
  readonly clientTimeoutMs: number;
  /** The 409 scenario: the first redeem's answer is lost and the operation completes after this. */
  readonly lostAnswerMs: number;
  /** Every scenario's time limit. */
  readonly scenarioLimitMs: number;
}

/** For a person at a till with curl or a POS: room to read, type and run commands. */
export const PERSON_TIMINGS: PlanTimings = {
  holdMs: 20_000,
  clientTimeoutMs: 10_000,
  lostAnswerMs: 15_000,
  scenarioLimitMs: 300_000,
};

/** For unattended scripts (the reference clients): the same conditions, scaled down. */
export const SCRIPT_TIMINGS: PlanTimings = {
  holdMs: 1_500,
  clientTimeoutMs: 700,
  lostAnswerMs: 1_000,
  scenarioLimitMs: 30_000,
};

/** What the sandbox does to provoke the scenario's condition. */
export type Condition =
  | { readonly kind: 'none' }
  /** The first redeem answers this documented code, with no effect (an injected fault). */
  | { readonly kind: 'redeem-error'; readonly code: 5031; readonly providerMessage: string }
  /** The first redeem's connection is cut; the operation completes `lostAnswerMs` later. */
  | { readonly kind: 'redeem-lost-answer' }
  /** The first redeem's answer is held `holdMs`, longer than the client may wait. */
  | { readonly kind: 'redeem-held' }
  /** The token in use expires between initiate and redeem (the sandbox clock moves). */
  | { readonly kind: 'token-expires' };

/** An answer the scenario must show for its condition to count as met. */
export interface MustSee {
  readonly endpoint: ClientEndpoint;
  /** HTTP status, or 'none' for a request whose answer never reached the client. */
  readonly status?: number | 'none';
  /** The envelope's documented code. */
  readonly code?: number;
  readonly what: string;
}

export interface ScenarioSpec {
  readonly id: string;
  readonly title: string;
  /** The voucher the sandbox issues for this scenario. */
  readonly voucherAmount: Micro;
  readonly voucherExpired?: boolean;
  /** What to claim. */
  readonly amount: Micro;
  /** When set, the amount is the sum of these basket lines (the till adds them up). */
  readonly basket?: readonly Micro[];
  /** After the claim is refused, claim this instead (a fresh operation). */
  readonly fallbackAmount?: Micro;
  /** Redeem first with a wrong code, then with the right one. */
  readonly wrongOtpFirst?: boolean;
  readonly condition: Condition;
  /** For the person: what to do, in order. */
  readonly steps: readonly string[];
  /** What a correct client does here. */
  readonly expect: string;
  readonly mustSee: readonly MustSee[];
  /** The voucher's remaining balance once the scenario is done right. */
  readonly remainingAfter: Micro;
}

const units = (decimal: string): Micro => moneyFromDecimal(decimal);

export const SCENARIOS: readonly ScenarioSpec[] = [
  {
    id: 'full-redemption',
    title: 'Redeem a whole voucher',
    voucherAmount: units('100'),
    amount: units('100'),
    condition: { kind: 'none' },
    steps: ['Claim 100.00 (initiate-claim)', 'Enter the OTP the customer reads out', 'Redeem (redeem-gift)'],
    expect: 'One login, a signed claim, a signed redemption: voucher REDEEMED, balance 0.',
    mustSee: [{ endpoint: 'redeem', status: 200, what: 'a successful redemption' }],
    remainingAfter: 0n,
  },
  {
    id: 'partial-amount',
    title: 'Redeem part of a voucher: a basket of 10.10 + 20.20',
    voucherAmount: units('100'),
    amount: units('30.3'),
    basket: [units('10.1'), units('20.2')],
    condition: { kind: 'none' },
    steps: ['Claim the basket total, 30.30 (two lines: 10.10 and 20.20)', 'Enter the OTP', 'Redeem'],
    expect:
      'The amount sent as a JSON number with at most 6 decimals (30.3), not a float sum such as 30.299999999999997.',
    mustSee: [{ endpoint: 'redeem', status: 200, what: 'a successful redemption' }],
    remainingAfter: units('69.7'),
  },
  {
    id: 'wrong-otp',
    title: 'A wrong OTP, then the right one',
    voucherAmount: units('100'),
    amount: units('5'),
    wrongOtpFirst: true,
    condition: { kind: 'none' },
    steps: ['Claim 5.00', 'Redeem with the WRONG code given', 'Redeem again with the right OTP'],
    expect:
      'The 4035 is final for that request: the corrected redemption is a new request with a new idempotency key (the old key with another body is refused with 422).',
    mustSee: [
      { endpoint: 'redeem', code: 4035, what: '4035 for the wrong code' },
      { endpoint: 'redeem', status: 200, what: 'the redemption with the right code' },
    ],
    remainingAfter: units('95'),
  },
  {
    id: 'over-balance-4091',
    title: 'An amount over the balance (4091), then the whole balance',
    voucherAmount: units('50'),
    amount: units('80'),
    fallbackAmount: units('50'),
    condition: { kind: 'none' },
    steps: ['Claim 80.00 (the voucher holds 50.00): refused with 4091', 'Claim 50.00 instead', 'Enter the OTP; redeem'],
    expect: 'Show the refusal; do not resend the 80.00 claim. The 50.00 claim is a new operation with a new key.',
    mustSee: [
      { endpoint: 'initiate', code: 4091, what: '4091 for the claim over the balance' },
      { endpoint: 'redeem', status: 200, what: 'the redemption of the whole balance' },
    ],
    remainingAfter: 0n,
  },
  {
    id: 'expired-voucher-4036',
    title: 'An expired voucher (4036)',
    voucherAmount: units('40'),
    voucherExpired: true,
    amount: units('10'),
    condition: { kind: 'none' },
    steps: ['Claim 10.00 (accepted: expiry is checked at redemption)', 'Enter the OTP; redeem: refused with 4036'],
    expect: 'Show the refusal; do not resend the redemption.',
    mustSee: [{ endpoint: 'redeem', code: 4036, what: '4036 on redemption' }],
    remainingAfter: units('40'),
  },
  {
    id: 'redeem-5031',
    title: 'A transient 5031 on redeem',
    voucherAmount: units('100'),
    amount: units('20'),
    condition: { kind: 'redeem-error', code: 5031, providerMessage: 'telebirr timeout' },
    steps: ['Claim 20.00', 'Enter the OTP; redeem: the first attempt fails with 5031', 'Retry'],
    expect: 'Retry the redemption with the SAME idempotency key and the same body until it succeeds.',
    mustSee: [
      { endpoint: 'redeem', code: 5031, what: 'the injected 5031' },
      { endpoint: 'redeem', status: 200, what: 'the retried redemption' },
    ],
    remainingAfter: units('80'),
  },
  {
    id: 'in-flight-409',
    title: 'A 409 while the first request is in flight',
    voucherAmount: units('100'),
    amount: units('15'),
    condition: { kind: 'redeem-lost-answer' },
    steps: [
      'Claim 15.00',
      'Enter the OTP; redeem: the connection is cut, but the sandbox keeps processing it',
      'Retry: 409 while the first is still running; keep retrying until the answer comes',
    ],
    expect:
      'Retry with the same key and body after a cut connection and after each 409, until the first answer is returned.',
    mustSee: [
      { endpoint: 'redeem', status: 'none', what: 'the redemption whose answer was lost' },
      { endpoint: 'redeem', status: 200, what: "the first redemption's answer, on a retry" },
    ],
    remainingAfter: units('85'),
  },
  {
    id: 'timeout',
    title: 'A timeout: the answer is slower than the client waits',
    voucherAmount: units('100'),
    amount: units('12'),
    condition: { kind: 'redeem-held' },
    steps: [
      'Claim 12.00',
      'Enter the OTP; redeem: the sandbox holds the answer; give up waiting (time out)',
      'Retry until the answer comes (409 while the first is still held)',
    ],
    expect: 'Time out, then retry with the same key and body until the answer comes.',
    mustSee: [
      { endpoint: 'redeem', status: 'none', what: 'a redemption the client gave up waiting for' },
      { endpoint: 'redeem', status: 200, what: 'the answer, on a retry' },
    ],
    remainingAfter: units('88'),
  },
  {
    id: 'token-expiry',
    title: 'The access token expires mid-flow',
    voucherAmount: units('100'),
    amount: units('10'),
    condition: { kind: 'token-expires' },
    steps: ['Claim 10.00', 'Enter the OTP; redeem: refused with 401 (the token expired)', 'Log in again; redeem'],
    expect: 'Log in again upon the 401 and resend the redemption with the new token (same key and body).',
    mustSee: [
      { endpoint: 'redeem', status: 401, what: 'the 401 for the expired token' },
      { endpoint: 'redeem', status: 200, what: 'the redemption with a new token' },
    ],
    remainingAfter: units('90'),
  },
];

/** The scenarios named (all when none), in plan order; an unknown id is refused by the caller. */
export function selectScenarios(ids: readonly string[] | undefined): ScenarioSpec[] {
  if (ids === undefined || ids.length === 0) return [...SCENARIOS];
  return SCENARIOS.filter((s) => ids.includes(s.id));
}

/** The condition in words, with the timings of this run. */
export function conditionText(c: Condition, t: PlanTimings): string {
  switch (c.kind) {
    case 'none':
      return 'none: the sandbox behaves normally';
    case 'redeem-error':
      return `the first redemption answers ${c.code} ("Transfer failed: ${c.providerMessage}") and has no effect`;
    case 'redeem-lost-answer':
      return `the first redemption's connection is cut at once; the sandbox completes it ${t.lostAnswerMs / 1000} s later`;
    case 'redeem-held':
      return `the first redemption's answer is held ${t.holdMs / 1000} s; your client must give up waiting within ${t.clientTimeoutMs / 1000} s`;
    case 'token-expires':
      return 'the sandbox clock moves so that the token in use expires between the claim and the redemption';
  }
}
