/**
 * How every command ends: a HarnessError becomes one line saying what and how to fix it, with
 * exit code 2, except INTERNAL (a bug of the harness) and anything not a HarnessError, which exit 3;
 * a command's own verdict (invalid signature, failed check) is exit code 1.
 */
import { isHarnessError } from '../lib/errors';
import type { CommandIo } from './console-io';

/** 4: certify ran, nothing failed, but required checks were skipped (INCOMPLETE; --allow-incomplete accepts it). */
/** 130: interrupted (Ctrl-C or SIGTERM); what was gathered is written first. */
export const EXIT = { ok: 0, verdictFailed: 1, usage: 2, internal: 3, incomplete: 4, interrupted: 130 } as const;

/** Runs a command body and turns what it throws into a message and an exit code. */
export async function runCommand(io: CommandIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (isHarnessError(err) && err.code !== 'INTERNAL') {
      io.err(`omnivas-harness: ${err.message} [${err.code}]`);
      return EXIT.usage;
    }
    io.err(
      `omnivas-harness: internal error: ${err instanceof Error ? err.message : String(err)}; please report it with the command you ran`,
    );
    return EXIT.internal;
  }
}
