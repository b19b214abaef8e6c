/** Every conformance check, registered once: a duplicate id anywhere is refused here. */
import { createRegistry } from './check';
import type { CertifyContext } from './context';
import { authChecks } from './auth.checks';
import { signatureChecks } from './signature.checks';
import { canonicalChecks } from './canonical.checks';
import { replayChecks } from './replay.checks';
import { idempotencyChecks } from './idempotency.checks';
import { errorsChecks } from './errors.checks';
import { detailChecks } from './detail.checks';
import { stateMachineChecks } from './state-machine.checks';
import { contradictionChecks } from './contradictions.checks';
import { contractChecks } from './contract.checks';

export const registry = createRegistry<CertifyContext>();
registry.register(
  ...authChecks,
  ...signatureChecks,
  ...canonicalChecks,
  ...replayChecks,
  ...idempotencyChecks,
  ...errorsChecks,
  ...detailChecks,
  ...stateMachineChecks,
  ...contradictionChecks,
  ...contractChecks,
);
