import type { CheckDefinition } from './check';
import type { CertifyContext } from './context';

export const canonicalChecks: readonly CheckDefinition<CertifyContext>[] = [];
