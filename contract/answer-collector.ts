/**
 * Collects what every client of a run saw: attach `onExchange` to each client (CertifyContextOptions
 * › onExchange) and the collector validates each answer as it comes (answer-contract.ts) and keeps
 * its time. The end-of-run checks (suites/contract.checks.ts › endOfRunChecks) judge from it.
 *
 * A runner: `createAnswerCollector({ amountFormat: target.config.expectations.amountFormat,
 * sandboxPartner: <the target is a sandbox> })`, its `onExchange` in every context's options, the
 * areas, then `endOfRunChecks(collector)` through runCheck, and `collector.latency()` as the
 * report's `latency`.
 */
import type { Exchange } from '../lib/node/http-client';
import { answerContract } from './answer-contract';
import type { AnswerContract, AnswerContractOptions } from './answer-contract';
import { latencyTable } from './latency';
import type { EndpointLatency, TimedExchange } from './latency';
import type { ContractViolation } from './violation';

export interface AnswerCollector {
  readonly onExchange: (exchange: Exchange) => void;
  /** Answers validated against an operation of a description. */
  validated(): number;
  /** The first violations found (at most `violationLimit`); `violationCount` says how many in all. */
  violations(): readonly ContractViolation[];
  violationCount(): number;
  latency(): EndpointLatency[];
}

export interface AnswerCollectorOptions extends AnswerContractOptions {
  /** Violations kept whole, exchange included: a broken target repeats itself. Default 50. */
  readonly violationLimit?: number;
  readonly contract?: AnswerContract;
}

export function createAnswerCollector(options: AnswerCollectorOptions = {}): AnswerCollector {
  const contract = options.contract ?? answerContract(options);
  const limit = options.violationLimit ?? 50;
  const kept: ContractViolation[] = [];
  // Only what the latency table needs, so a long run keeps no bodies.
  const times: (TimedExchange & { readonly endpoint: string | undefined })[] = [];
  let validated = 0;
  let count = 0;
  return {
    onExchange(exchange) {
      const endpoint = contract.endpointOf(exchange);
      const { method, url, startedAt, endedAt, status } = exchange;
      times.push({ method, url, startedAt, endedAt, status, endpoint });
      if (endpoint === undefined || status === undefined) return;
      validated++;
      const found = contract.validate(exchange);
      count += found.length;
      kept.push(...found.slice(0, Math.max(0, limit - kept.length)));
    },
    validated: () => validated,
    violations: () => kept.slice(),
    violationCount: () => count,
    latency: () => latencyTable(times, (x) => x.endpoint),
  };
}
