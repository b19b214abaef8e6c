import { contradictionChecks } from './contradictions.checks';
import { conformanceSuite } from './conformance-suite';

conformanceSuite('contradictions', contradictionChecks);
