/**
 * The sandbox: a reference server of the documented OmniVAS API on loopback, the harness's default
 * target, with fault injection and seeded defects. See README.md beside this file.
 */
export { startSandbox, SANDBOX_HOST, type RunningSandbox, type SandboxOptions } from './start';
export { listDefects, type DefectArea, type DefectInfo, type DefectSeverity } from './defects';
export { loadSandboxFixtures, parseSandboxFixtures, type SandboxFixtures } from './fixtures';
export { serveSandbox, type SandboxCliArgs, type SandboxCliIo } from './serve';
