import type { CheckDefinition } from './check';
import type { CertifyContext } from './context';

export const idempotencyChecks: readonly CheckDefinition<CertifyContext>[] = [];
