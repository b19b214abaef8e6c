/** The executable entry point (dist/cli.js); tests drive runCli directly. */
import { runCli } from './program';
import { processSink } from './console-io';

process.exitCode = await runCli(process.argv.slice(2), processSink);
