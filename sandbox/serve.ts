/**
 * `omnivas-harness sandbox [--port N] [--fixtures FILE] [--defect NAME ...] [--seed N]`: what the
 * CLI (cli/program.ts, which parses the options) runs. It listens on 127.0.0.1, prints ONE JSON line (base URLs, admin URL,
 * admin token; the only place the admin token ever appears) and stops cleanly on SIGINT/SIGTERM.
 */
import { listDefects } from './defects';
import { loadSandboxFixtures } from './fixtures';
import { startSandbox, type SandboxOptions } from './start';

export interface SandboxCliArgs {
  readonly port: number;
  readonly fixturesFile: string | undefined;
  readonly defects: readonly string[];
  readonly seed: number | undefined;
  /** --test-hooks: honour x-omnivas-test-fault (docs/test-hooks.md). */
  readonly testHooks?: boolean;
}

export interface SandboxCliIo {
  out(line: string): void;
  err(line: string): void;
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `sandbox --list-defects`: one line per seeded defect, its name, area and severity in columns, then the rule it breaks. */
export function defectListLines(): string[] {
  const defects = listDefects();
  const nameWidth = Math.max(...defects.map((d) => d.name.length));
  const areaWidth = Math.max(...defects.map((d) => d.area.length));
  return defects.map(
    (d) => `${d.name.padEnd(nameWidth)}  ${d.area.padEnd(areaWidth)}  ${d.severity.padEnd(8)}  ${d.rule}`,
  );
}

/** Runs the sandbox until `stopped` settles (default: SIGINT or SIGTERM); resolves to the exit code. */
export async function serveSandbox(
  args: SandboxCliArgs,
  io: SandboxCliIo,
  stopped: Promise<unknown> = untilSignal(),
): Promise<number> {
  const options: SandboxOptions = {
    port: args.port,
    defects: args.defects,
    seed: args.seed,
    testHooks: args.testHooks === true,
    fixtures: args.fixturesFile === undefined ? undefined : await loadSandboxFixtures(args.fixturesFile),
    log: (line) => io.err(`sandbox: ${line}`),
  };
  const sandbox = await startSandbox(options);
  io.out(
    JSON.stringify({
      url: sandbox.url,
      partnerUrl: sandbox.partnerUrl,
      adminUrl: sandbox.adminUrl,
      adminToken: sandbox.adminToken,
      seed: sandbox.seed,
      defects: sandbox.defects,
      testHooks: args.testHooks === true,
    }),
  );
  await stopped;
  await sandbox.close();
  return 0;
}
