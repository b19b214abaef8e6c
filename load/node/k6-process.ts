/**
 * Runs a bundled scenario in the pinned k6 with its output streamed (Node-only): history lines
 * (lib/history.ts) go to a callback as they come, every other line to another (the progress the
 * user sees). When the caller's signal fires (its Ctrl-C or SIGTERM), k6 is sent SIGINT: it stops its
 * VUs and still runs handleSummary, and this resolves with what was gathered. Should this process
 * exit first (a second Ctrl-C ends it at once), k6 is killed with it rather than left running alone.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { HISTORY_LINE_PREFIX } from '../../lib';
import { findK6 } from './k6-bin';

export interface StreamedK6Run {
  readonly exitCode: number;
  /** Set when the signal stopped the run (or fired before k6 was started, which it then was not). */
  readonly interrupted: boolean;
  readonly historyLines: number;
}

export interface StreamK6Options {
  readonly args: readonly string[];
  /** Added to this process's environment (secrets travel here, not on argv). */
  readonly env: Readonly<Record<string, string>>;
  readonly onHistoryLine: (line: string) => void;
  readonly onOtherLine: (line: string) => void;
  /** A hard stop on top of the scenario's own maxDuration: k6 is killed past it. */
  readonly timeoutMs: number;
  /** Stops the run, what was gathered kept (the command's interruption). */
  readonly signal?: AbortSignal;
}

/** k6's exit code when thresholds failed (k6 errext: ThresholdsHaveFailed). */
export const K6_THRESHOLDS_FAILED = 99;

export async function streamK6(options: StreamK6Options): Promise<StreamedK6Run> {
  const k6 = await findK6();
  const { signal } = options;
  if (signal?.aborted) return { exitCode: 0, interrupted: true, historyLines: 0 };
  const child = spawn(k6, [...options.args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let historyLines = 0;
  let interrupted = false;
  const onLine = (line: string) => {
    if (line.startsWith(HISTORY_LINE_PREFIX)) {
      historyLines++;
      options.onHistoryLine(line);
    } else if (line.trim() !== '') options.onOtherLine(line);
  };
  const streams = [child.stdout, child.stderr].map(
    (stream) => new Promise<void>((done) => createInterface({ input: stream }).on('line', onLine).on('close', done)),
  );
  // Passed on once, so k6 ends its run cleanly (summary included) and the caller writes what was gathered.
  const stop = () => {
    interrupted = true;
    options.onOtherLine('load: stopping k6; its summary and what was gathered will be written');
    child.kill('SIGINT');
  };
  signal?.addEventListener('abort', stop, { once: true });
  // 'exit' handlers run synchronously as the process ends; kill() is a plain syscall, so it gets through.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const timer = setTimeout(() => {
    options.onOtherLine(`load: k6 ran past ${options.timeoutMs} ms; killing it`);
    child.kill('SIGKILL');
  }, options.timeoutMs);
  try {
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
    });
    await Promise.all(streams);
    return { exitCode, interrupted, historyLines };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', stop);
    process.off('exit', killOnExit);
  }
}
