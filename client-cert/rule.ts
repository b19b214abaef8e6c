/**
 * A grading rule for a client's recorded traffic, declared once as the server checks are
 * (suites/check.ts `defineCheck`: id, title, area, source section, basis, severity), plus what a
 * client breaking it should have done. A rule judges the whole recording and returns violations,
 * each with the exchanges that show it; it says how many situations it judged, so a rule nothing
 * exercised is reported as such rather than as a pass.
 */
import { HarnessError } from '../lib/errors';
import { defineCheck, pass, type CheckDefinition } from '../suites/check';
import type { KeyType, PublicKey } from '../lib/keys';
import type { ClientExchange } from './exchange';

export interface GradingContext {
  readonly exchanges: readonly ClientExchange[];
  readonly publicKey: PublicKey;
  readonly keyType: KeyType;
  readonly apiKey: string;
  /** Every access token the sandbox issued to the client. */
  readonly tokens: readonly string[];
  /** Known only when the session generated the key pair. */
  readonly privateKeyPem: string | undefined;
  readonly allowedOrigins: readonly string[];
}

export interface Violation {
  readonly message: string;
  readonly exchanges: readonly ClientExchange[];
}

export interface Judgement {
  readonly violations: readonly Violation[];
  /** How many requests or situations the rule judged; 0 = nothing exercised it. */
  readonly judged: number;
}

export interface ClientRule extends Omit<CheckDefinition<GradingContext>, 'run' | 'needs' | 'kind'> {
  /** What a client that broke the rule should have done, in one or two sentences. */
  readonly shouldHaveDone: string;
  judge(ctx: GradingContext): Judgement;
}

/** Validates the declaration with defineCheck's own rules (id form, severity, source, basis). */
export function defineClientRule(rule: ClientRule): ClientRule {
  defineCheck({ ...rule, run: async () => pass() });
  if (rule.shouldHaveDone.trim() === '')
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `rule ${rule.id}: "shouldHaveDone" expected a sentence saying what the client should have done`,
    );
  return rule;
}

/** Judges each exchange `applies` picks; `problem` returns why it breaks the rule, or undefined. */
export function perExchange(
  ctx: GradingContext,
  applies: (x: ClientExchange) => boolean,
  problem: (x: ClientExchange) => string | undefined,
): Judgement {
  const judged = ctx.exchanges.filter(applies);
  const violations = judged.flatMap((x) => {
    const message = problem(x);
    return message === undefined ? [] : [{ message, exchanges: [x] }];
  });
  return { violations, judged: judged.length };
}
