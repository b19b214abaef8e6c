import { stateMachineChecks } from './state-machine.checks';
import { conformanceSuite } from './conformance-suite';

conformanceSuite('state-machine', stateMachineChecks);
