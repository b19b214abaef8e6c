/** The executable entry point (dist/cli.js); tests drive runCli directly. */
import { runCli } from './program';
import { processIo } from './run-command';

process.exitCode = await runCli(process.argv.slice(2), processIo);
