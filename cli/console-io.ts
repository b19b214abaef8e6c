/**
 * The one way a command prints: every line, to stdout or stderr, passes through a redactor before
 * it reaches the terminal (or a test's capture). The redactor always scrubs what looks like a
 * secret (JWTs, PEM private keys, credential fields); a command adds the redactor of the target it
 * opened, so the API key, private key and tokens it knows are scrubbed too. Nothing else in cli/
 * writes to process.stdout, process.stderr or console (eslint holds it).
 */
import { createRedactor } from '../lib/redact';
import type { Redactor } from '../lib/redact';

/** Where lines end up, unchecked: the process's streams, or a test's arrays. Commands get a CommandIo. */
export interface ConsoleSink {
  out(line: string): void;
  err(line: string): void;
}

export interface CommandIo extends ConsoleSink {
  /** Every later line is also redacted with `redactor` (a target's, once its secrets are known). */
  redactWith(redactor: Redactor): void;
  /**
   * To stdout as it is, unredacted: only what a command exists to print and must print byte for byte
   * (the API description with its examples, the payload of a body the user asked to sign, a login's
   * `key` included), or shows its operator on purpose (the sandbox's admin token, a client
   * certification's API key and how to call). Never for progress, messages or anything read from a target.
   */
  document(text: string): void;
}

export const processSink: ConsoleSink = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export function createConsoleIo(sink: ConsoleSink, base: Redactor = createRedactor()): CommandIo {
  const redactors = [base];
  const redact = (text: string) => redactors.reduce((t, r) => r.redactText(t), text);
  return {
    out: (line) => sink.out(redact(line)),
    err: (line) => sink.err(redact(line)),
    document: (text) => sink.out(text),
    redactWith: (redactor) => {
      if (!redactors.includes(redactor)) redactors.push(redactor);
    },
  };
}
