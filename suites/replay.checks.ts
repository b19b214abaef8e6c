import type { CheckDefinition } from './check';
import type { CertifyContext } from './context';

export const replayChecks: readonly CheckDefinition<CertifyContext>[] = [];
