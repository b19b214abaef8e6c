/**
 * The harness as a library: what the `omnivas-harness` command line is a thin layer over.
 *
 *   import { runCertify, writeReports } from 'omnivas-harness';
 *   const run = await runCertify({ seed: 1 });            // the embedded sandbox
 *   await writeReports('out/certify', run.report, run.redactor);
 *
 * Runners return data; writers turn data into files.
 */
export { runCertify, certifyTarget, openCertifyTarget } from './suites/certify';
export type { CertifyOptions, CertifyRun } from './suites/certify';
export { registry } from './suites/registry';
export { runChecks } from './suites/runner';
export type { CertifyCheck, RunChecksOptions } from './suites/runner';
export { AREAS } from './suites/check-result';
export type { Area, CheckResult, Severity, Evidence } from './suites/check-result';
export { summarizeReport } from './reports/report-model';
export type { CertifyReport, ReportSummary } from './reports/report-model';
export { writeReports } from './reports/write-reports';
export { runLoad, describeLoadRun } from './load/node/run-load';
export type { LoadSpec, LoadRun, LoadLog } from './load/node/run-load';
export { LOAD_SCENARIOS } from './load/node/scenarios';
export type { LoadScenario } from './load/node/scenarios';
export { runGate } from './mutants/run-gate';
export type { GateOptions, GateRun } from './mutants/run-gate';
export { startSandbox, listDefects } from './sandbox';
export type { RunningSandbox, SandboxOptions, DefectInfo } from './sandbox';
export { loadTargetFile } from './lib/node/target-file';
export type { ResolvedTarget } from './lib/node/target-file';
export { HarnessError, isHarnessError } from './lib/errors';
