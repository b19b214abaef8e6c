import { authChecks } from './auth.checks';
import { conformanceSuite } from './conformance-suite';

conformanceSuite('auth', authChecks);
