import type { CheckDefinition } from './check';
import type { CertifyContext } from './context';

export const detailChecks: readonly CheckDefinition<CertifyContext>[] = [];
