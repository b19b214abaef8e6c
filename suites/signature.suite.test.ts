import { signatureChecks } from './signature.checks';
import { conformanceSuite } from './conformance-suite';

conformanceSuite('signature', signatureChecks);
