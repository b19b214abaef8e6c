/**
 * `omnivas-harness sandbox [--port N] [--fixtures FILE] [--defect NAME ...] [--seed N]`: the
 * pieces the CLI (cli/) calls. It listens on 127.0.0.1, prints ONE JSON line (base URLs, admin URL,
 * admin token; the only place the admin token ever appears) and stops cleanly on SIGINT/SIGTERM.
 */
import { HarnessError } from '../lib/errors';
import { loadSandboxFixtures } from './fixtures';
import { startSandbox, type SandboxOptions } from './start';

export interface SandboxCliArgs {
  readonly port: number;
  readonly fixturesFile: string | undefined;
  readonly defects: readonly string[];
  readonly seed: number | undefined;
}

export interface SandboxCliIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = 'usage: omnivas-harness sandbox [--port N] [--fixtures FILE] [--defect NAME ...] [--seed N]';

function integerArg(flag: string, text: string | undefined, min: number, max: number): number {
  const n = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || n < min || n > max) throw new HarnessError('INVALID_ARGUMENT', `${flag} expected a whole number from ${min} to ${max}, got ${JSON.stringify(text ?? '')}; ${USAGE}`);
  return n;
}

/** Parses the sandbox subcommand's arguments (after the word `sandbox`). */
export function parseSandboxCliArgs(argv: readonly string[]): SandboxCliArgs {
  let port = 0;
  let fixturesFile: string | undefined;
  let seed: number | undefined;
  const defects: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.startsWith('--') && argv[i]!.includes('=') ? (argv[i]!.split(/=(.*)/s, 2) as [string, string]) : [argv[i]!, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--port') port = integerArg('--port', value(), 0, 65535);
    else if (flag === '--seed') seed = integerArg('--seed', value(), 0, 2 ** 32 - 1);
    else if (flag === '--fixtures') fixturesFile = value() ?? '';
    else if (flag === '--defect') defects.push(value() ?? '');
    else throw new HarnessError('INVALID_ARGUMENT', `unknown argument ${JSON.stringify(flag)}; ${USAGE}`);
  }
  if (fixturesFile === '') throw new HarnessError('INVALID_ARGUMENT', `--fixtures expected a file name; ${USAGE}`);
  return { port, fixturesFile, defects, seed };
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

/** Runs the sandbox until `stopped` settles (default: SIGINT or SIGTERM); resolves to the exit code. */
export async function serveSandbox(args: SandboxCliArgs, io: SandboxCliIo, stopped: Promise<unknown> = untilSignal()): Promise<number> {
  const options: SandboxOptions = {
    port: args.port,
    defects: args.defects,
    seed: args.seed,
    fixtures: args.fixturesFile === undefined ? undefined : await loadSandboxFixtures(args.fixturesFile),
    log: (line) => io.err(`sandbox: ${line}`),
  };
  const sandbox = await startSandbox(options);
  io.out(JSON.stringify({ url: sandbox.url, partnerUrl: sandbox.partnerUrl, adminUrl: sandbox.adminUrl, adminToken: sandbox.adminToken, seed: sandbox.seed, defects: sandbox.defects }));
  await stopped;
  await sandbox.close();
  return 0;
}

export async function runSandboxCli(argv: readonly string[], io: SandboxCliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) }): Promise<number> {
  return serveSandbox(parseSandboxCliArgs(argv), io);
}
