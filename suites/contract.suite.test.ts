import { contractChecks } from './contract.checks';
import { conformanceSuite } from './conformance-suite';

conformanceSuite('contract', contractChecks);
