import { idempotencyChecks } from './idempotency.checks';
import { conformanceSuite } from './conformance-suite';

conformanceSuite('idempotency', idempotencyChecks);
