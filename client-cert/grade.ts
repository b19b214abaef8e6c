/**
 * Grading: every rule judged on the whole recording, then a verdict per rule and per scenario.
 * A scenario passes when its goal was met and none of its exchanges broke a rule. Everything in a
 * Certification is already redacted (lib/redact.ts): the API key, the issued tokens and the private
 * key (when the session generated it) never reach a report.
 */
import { createRedactor, type Redactor } from '../lib/redact';
import { importPublicKeyPem } from '../lib/keys';
import type { CheckResult, EvidenceExchange } from '../suites/check-result';
import type { ClientExchange } from './exchange';
import type { GradingContext } from './rule';
import { RULES } from './rules';
import { REGISTERED_ORIGINS, type CertSession, type ScenarioOutcome } from './session';

export type RuleStatus = 'pass' | 'fail' | 'not-exercised';

export interface RuleViolation {
  readonly message: string;
  readonly scenario: string | undefined;
  readonly exchanges: readonly EvidenceExchange[];
}

/** The rule's declaration as a check result carries it (suites/check-result.ts), and its verdict. */
export interface RuleVerdict extends Pick<CheckResult, 'id' | 'title' | 'area' | 'severity' | 'source' | 'basis'> {
  readonly shouldHaveDone: string;
  readonly status: RuleStatus;
  /** Requests or situations judged. */
  readonly judged: number;
  readonly violations: readonly RuleViolation[];
}

export interface ScenarioVerdict extends ScenarioOutcome {
  readonly status: 'pass' | 'fail';
  /** Ids of the rules its exchanges broke. */
  readonly rulesBroken: readonly string[];
}

export interface Certification {
  readonly format: 'omnivas-harness/client-certification@1';
  /** Who was graded: "your client", or a reference client's name. */
  readonly client: string;
  readonly baseUrl: string;
  readonly merchantId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly verdict: 'pass' | 'fail';
  readonly rules: readonly RuleVerdict[];
  readonly scenarios: readonly ScenarioVerdict[];
  readonly exchangeCount: number;
}

/** The redactor for everything a session recorded. */
export function sessionRedactor(session: CertSession): Redactor {
  const redactor = createRedactor();
  redactor.add(session.apiKey, 'api-key');
  for (const token of session.tokens()) redactor.add(token, 'access-token');
  if (session.privateKeyPem !== undefined) redactor.add(session.privateKeyPem, 'private-key');
  return redactor;
}

export function evidenceOf(x: ClientExchange, redactor: Redactor): EvidenceExchange {
  return {
    method: x.method,
    url: `#${x.seq}${x.scenario === undefined ? '' : ` [${x.scenario}]`} ${x.path}`,
    requestHeaders: redactor.redactHeaders(x.headers),
    requestBody: redactor.redactText(x.body),
    ...(x.answer === undefined
      ? { error: 'no answer reached the client (it gave up waiting, or the connection was cut)' }
      : {
          status: x.answer.status,
          responseHeaders: redactor.redactHeaders(x.answer.headers),
          responseBody: redactor.redactText(x.answer.body),
        }),
    startedAt: x.arrivedAt,
    endedAt: x.answer?.sentAt ?? x.closedAt ?? x.arrivedAt,
  };
}

export function gradeSession(session: CertSession, client: string, startedAt: Date): Certification {
  const redactor = sessionRedactor(session);
  const ctx: GradingContext = {
    exchanges: session.exchanges(),
    publicKey: importPublicKeyPem(session.publicKeyPem),
    keyType: session.keyType,
    apiKey: session.apiKey,
    tokens: session.tokens(),
    privateKeyPem: session.privateKeyPem,
    allowedOrigins: REGISTERED_ORIGINS,
  };
  const rules = RULES.map((rule): RuleVerdict => {
    const { violations, judged } = rule.judge(ctx);
    return {
      id: rule.id,
      title: rule.title,
      area: rule.area,
      severity: rule.severity,
      source: rule.source,
      basis: rule.basis,
      shouldHaveDone: rule.shouldHaveDone,
      status: violations.length > 0 ? 'fail' : judged === 0 ? 'not-exercised' : 'pass',
      judged,
      violations: violations.map((v) => ({
        message: redactor.redactText(v.message),
        scenario: v.exchanges[0]?.scenario,
        exchanges: v.exchanges.map((x) => evidenceOf(x, redactor)),
      })),
    };
  });
  const scenarios = session.outcomes().map((o): ScenarioVerdict => {
    const rulesBroken = rules.filter((r) => r.violations.some((v) => v.scenario === o.id)).map((r) => r.id);
    return { ...o, status: o.goalMet && rulesBroken.length === 0 ? 'pass' : 'fail', rulesBroken };
  });
  const verdict =
    rules.every((r) => r.status !== 'fail') &&
    scenarios.length === session.plan.length &&
    scenarios.every((s) => s.status === 'pass')
      ? 'pass'
      : 'fail';
  return {
    format: 'omnivas-harness/client-certification@1',
    client,
    baseUrl: session.baseUrl,
    merchantId: session.merchantId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    verdict,
    rules,
    scenarios,
    exchangeCount: session.exchanges().length,
  };
}
