/**
 * Steady flow (issue 5, scenario 3): a constant arrival rate (RATE a second, the profile's unless
 * the load command says otherwise) of full flows — login when the VU's token needs it → initiate
 * → detail → redeem — over a pool of vouchers, for DURATION_S seconds; tokens are renewed as they
 * age (load/k6/k6-merchant.ts currentToken). The flow itself is load/k6/merchant-flow.ts.
 */
import { flowScenario } from './merchant-flow';

const scenario = flowScenario(false);

export const options = scenario.options;
export default scenario.flow;
export const handleSummary = scenario.handleSummary;
