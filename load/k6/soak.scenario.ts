/**
 * Soak (issue 5, scenario 4): the steady flow for long — the load command runs it under the soak
 * profile (15 minutes at 5 flows a second, k6.config.ts) unless told otherwise — across many 300 s
 * token lifetimes. Its own bundle so k6's summary and the reports name it.
 */
export { default, handleSummary, options } from './steady-flow.scenario';
