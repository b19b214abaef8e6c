import type { CheckDefinition } from './check';
import type { CertifyContext } from './context';

export const signatureChecks: readonly CheckDefinition<CertifyContext>[] = [];
