import type { CheckDefinition } from './check';
import type { CertifyContext } from './context';

export const authChecks: readonly CheckDefinition<CertifyContext>[] = [];
