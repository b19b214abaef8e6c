import type { CheckDefinition } from './check';
import type { CertifyContext } from './context';

export const errorsChecks: readonly CheckDefinition<CertifyContext>[] = [];
