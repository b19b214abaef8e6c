/**
 * Everything one sandbox instance holds, made fresh at start and on reset, and what a request
 * handler is given.
 */
import type { IncomingMessage } from 'node:http';
import { seededRandom } from '../lib/random';
import { SandboxClock } from './clock';
import { ActiveDefects, type DefectName } from './defects';
import { FaultPlan } from './faults';
import { applyFixtures, type ParsedFixtures } from './fixtures';
import type { Reply } from './http';
import { IdempotencyStore } from './idempotency';
import { Ledger } from './ledger';
import { SmsOutbox } from './outbox';
import type { RedemptionContext } from './redemption';
import { SandboxState } from './state';
import { TokenIssuer } from './tokens';

export interface SandboxSetup {
  readonly fixtures: ParsedFixtures;
  readonly defects: readonly DefectName[];
  readonly seed: number;
  readonly log: (line: string) => void;
  /** Honour the x-omnivas-test-fault header (docs/test-hooks.md); off unless started with it. */
  readonly testHooks?: boolean;
}

export interface SandboxContext extends RedemptionContext {
  readonly idempotency: IdempotencyStore;
  readonly faults: FaultPlan;
  readonly tokens: TokenIssuer;
  readonly log: (line: string) => void;
  readonly testHooks: boolean;
}

export function createContext(setup: SandboxSetup): SandboxContext {
  const clock = new SandboxClock(setup.fixtures.clock);
  const ledger = new Ledger(clock);
  const random = seededRandom(setup.seed);
  const defects = new ActiveDefects(setup.defects);
  const state = new SandboxState(clock, ledger, random);
  applyFixtures(state, setup.fixtures, defects);
  return {
    clock,
    ledger,
    random,
    defects,
    state,
    outbox: new SmsOutbox(clock),
    idempotency: new IdempotencyStore(defects),
    faults: new FaultPlan(),
    tokens: new TokenIssuer(),
    log: setup.log,
    testHooks: setup.testHooks === true,
  };
}

/** The running sandbox as its handlers see it: the current context, replaced on reset. */
export interface SandboxHost {
  ctx: SandboxContext;
  readonly adminToken: string;
  readonly seed: number;
  reset(): void;
}

export interface Call {
  readonly ctx: SandboxContext;
  readonly host: SandboxHost;
  readonly req: IncomingMessage;
  readonly body: Buffer;
  readonly params: Readonly<Record<string, string>>;
}

export type Handler = (call: Call) => Promise<Reply>;
