/**
 * The load checker's verdict for CI and for people: junit.xml with one testcase per invariant
 * (a failure names the first operations that break it, per voucher), and verdict.json, where
 * every bigint is a decimal string so JSON.stringify cannot throw.
 */
import type { HistoryOp } from '../lib/history';
import { escapeAttribute, escapeText } from './escape-markup';
import { INVARIANTS, type Invariant, type Verdict, type Violation } from '../load/checker/verdict';

/** What each invariant means (docs/design.md › Invariants the load scenarios check), for the testcase text. */
export const INVARIANT_TITLES: Record<Invariant, string> = {
  conservation: 'amount = remainingBalance + Σ(successful redemptions + their fees), exactly',
  'no-over-reservation':
    'the claims accepted never reserve more than the balance had available; remainingBalance never below zero',
  'no-spurious-refusal': 'a claim refused with 4091 is explained by the claims accepted before or alongside it',
  'one-effect-per-key': 'one effect per idempotency key',
  'one-redemption-per-otp': 'one redemption per OTP',
  'acknowledged-present': "every success a client saw is in the server's final state",
  'failed-absent': "nothing a client saw fail is in the server's final state",
};

/** At most this many violations are written out per invariant; the message gives the total. */
const VIOLATIONS_PER_CASE = 20;

function attributes(attrs: Record<string, string | number>): string {
  return Object.entries(attrs)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('');
}

/** One op as a person reads it: who, when, what, and what came back. */
export function describeOp(op: HistoryOp): string {
  const amount = op.amount === null ? 'whole balance' : `${op.amount} µ`;
  const answer = `${op.outcome} ${op.status}${op.code === undefined ? '' : `/${op.code}`}`;
  const extra = [
    op.claimKey === undefined ? '' : ` claim=${op.claimKey}`,
    op.otp === undefined ? '' : ` otp=${op.otp}`,
    op.remainingBalance === undefined ? '' : ` remaining=${op.remainingBalance} µ`,
  ].join('');
  return `${op.runner} vu ${op.vu} it ${op.iteration}: ${op.op} ${op.voucher} ${amount} key=${op.idempotencyKey}${extra} [${op.invokeMs}..${op.completeMs}] → ${answer}${op.faultInjected ? ' (fault injected)' : ''}`;
}

function violationText(v: Violation): string {
  return [`voucher ${v.voucher}: ${v.message}`, ...v.ops.map((op) => `  ${describeOp(op)}`)].join('\n');
}

function testcase(invariant: Invariant, verdict: Verdict): string {
  const broken = verdict.violations.filter((v) => v.invariant === invariant);
  const undecided = verdict.undetermined.filter((u) => u.invariant === invariant);
  const open = `    <testcase${attributes({ classname: 'omnivas.load.invariants', name: invariant })}`;
  if (broken.length > 0) {
    const first = broken[0]!;
    const message = `${broken.length} violation${broken.length === 1 ? '' : 's'}; first on voucher ${first.voucher}: ${first.message}`;
    const shown = broken.slice(0, VIOLATIONS_PER_CASE).map(violationText);
    if (broken.length > VIOLATIONS_PER_CASE)
      shown.push(`… and ${broken.length - VIOLATIONS_PER_CASE} more in verdict.json`);
    return `${open}>\n      <failure${attributes({ message, type: 'critical' })}>${escapeText(`${INVARIANT_TITLES[invariant]}\n\n${shown.join('\n\n')}`)}</failure>\n    </testcase>`;
  }
  const notes = [
    INVARIANT_TITLES[invariant],
    ...undecided.map((u) => `undetermined on voucher ${u.voucher}: ${u.message}`),
  ];
  return `${open}>\n      <system-out>${escapeText(notes.join('\n'))}</system-out>\n    </testcase>`;
}

export function verdictToJunit(verdict: Verdict): string {
  const failures = INVARIANTS.filter((i) => verdict.violations.some((v) => v.invariant === i)).length;
  const totals = { tests: INVARIANTS.length, failures, errors: 0, skipped: 0 };
  const properties = Object.entries({
    valid: String(verdict.valid),
    vouchers: verdict.vouchers,
    ops: verdict.ops,
    ledger: String(verdict.ledger),
    otpSource: String(verdict.otpSource),
    serverFaults: verdict.faults.server,
    harnessFaults: verdict.faults.harness,
    undetermined: verdict.counts.undetermined,
  })
    .map(([name, value]) => `      <property${attributes({ name, value })}/>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'omnivas-harness load: history checker', ...totals })}>`,
    `  <testsuite${attributes({ name: 'invariants', ...totals })}>`,
    '    <properties>',
    properties,
    '    </properties>',
    ...INVARIANTS.map((i) => testcase(i, verdict)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** verdict.json: the verdict with every bigint as a decimal string. */
export function verdictToJson(verdict: Verdict): string {
  return `${JSON.stringify(verdict, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`;
}
