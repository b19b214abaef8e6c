import { errorsChecks } from './errors.checks';
import { conformanceSuite } from './conformance-suite';

conformanceSuite('errors', errorsChecks);
