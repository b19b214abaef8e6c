/**
 * Faults (issue 5, scenario 5): the steady flow while the sandbox injects latency, connection
 * resets and documented 5xxx failures, scheduled by the load command through the admin API
 * (load/node/fault-schedule.ts). A 5xx or unanswered request is not held against the checks here: the
 * verdict tells the injected faults (the server's, expected) from the rest (load/checker/answers.ts),
 * and the invariants must hold whatever was injected.
 */
import { flowScenario } from './merchant-flow';

const scenario = flowScenario(true);

export const options = scenario.options;
export default scenario.flow;
export const handleSummary = scenario.handleSummary;
