import type { CheckDefinition } from './check';
import type { CertifyContext } from './context';

export const stateMachineChecks: readonly CheckDefinition<CertifyContext>[] = [];
