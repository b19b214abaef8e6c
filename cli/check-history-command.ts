/**
 * `check-history`: the load checker (load/checker/checker.ts) over histories recorded elsewhere —
 * the runner pods of a k6 operator run (`kubectl logs` of each), or several k6 processes. The
 * histories merge into one (a runner named in two files is refused), and the verdict is judged as
 * the load command judges its own: verdict.json and junit.xml in --out; exit 1 unless every
 * invariant holds.
 */
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareOutDir } from '../lib/node/out-dir';
import { createInterface } from 'node:readline';
import { HarnessError, describeValue, isHarnessError } from '../lib/errors';
import { fileErrorReason, readJsonFile } from '../lib/node/input-file';
import type { FinalVoucherState } from '../lib/history';
import { judgeHistory, verdictJson } from '../load/checker/judge';
import { ledgerFromAdminJson, mergeHistories, readHistory } from '../load/checker/checker';
import type { CommandIo } from './console-io';
import { EXIT } from './run-command';

export interface CheckHistoryOptions {
  readonly history: readonly string[];
  readonly finals: string;
  readonly ledger?: string;
  readonly out: string;
}

async function readHistoryFile(path: string): Promise<Awaited<ReturnType<typeof readHistory>>> {
  const stream = createReadStream(path, 'utf8');
  const opened = new Promise<void>((ok, fail) => stream.once('open', () => ok()).once('error', fail));
  try {
    await opened;
  } catch (err) {
    throw new HarnessError(
      'FILE_UNREADABLE',
      `cannot read --history ${path}: ${fileErrorReason(err)}; give the saved log of a runner`,
      { cause: err },
    );
  }
  try {
    return await readHistory(createInterface({ input: stream, crlfDelay: Infinity }));
  } catch (err) {
    if (isHarnessError(err)) throw new HarnessError(err.code, `--history ${path}: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * The final voucher states: the load command's finals.json (`{finals: [...]}`) or a bare array of
 * FinalVoucherState. Each names the voucher's issued amount and fee, which is all the checker
 * needs to know of it before the run.
 */
export function readFinals(json: unknown, path: string): FinalVoucherState[] {
  const finals = Array.isArray(json) ? json : (json as { finals?: unknown } | null)?.finals;
  if (!Array.isArray(finals) || finals.some((f: { voucher?: unknown } | null) => typeof f?.voucher !== 'string')) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--finals ${path} expected the load command's finals.json or an array of {voucher, amount, remainingBalance, serviceFee, status}, got ${describeValue(finals)}`,
    );
  }
  return finals as FinalVoucherState[];
}

export async function checkHistoryCommand(options: CheckHistoryOptions, io: CommandIo): Promise<number> {
  if (options.history.length === 0)
    throw new HarnessError('INVALID_ARGUMENT', '--history expected at least one file: the log of each runner');
  const histories = await Promise.all(options.history.map((path) => readHistoryFile(path)));
  const ops = mergeHistories(...histories);
  const finals = readFinals(await readJsonFile(options.finals, '--finals'), options.finals);
  const ledgerJson = options.ledger === undefined ? undefined : await readJsonFile(options.ledger, '--ledger');
  const entries =
    ledgerJson === undefined || Array.isArray(ledgerJson)
      ? ledgerJson
      : (ledgerJson as { entries?: unknown } | null)?.entries;
  if (entries !== undefined && !Array.isArray(entries))
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `--ledger ${options.ledger} expected GET /admin/ledger's {"entries": [...]} or the load command's ledger.json`,
    );
  const ledger = entries === undefined ? undefined : ledgerFromAdminJson(entries);
  const dir = await prepareOutDir(options.out);
  // A run without an OTP source stops at its claims: redemptions in the history mean it had one.
  const otpSource = ops.some((op) => op.op === 'redeem');
  const judged = judgeHistory({
    ops,
    finals,
    initial: new Map(),
    ...(ledger === undefined ? {} : { ledger }),
    otpSource,
    fixedOtp: false,
  });

  await writeFile(join(dir, 'verdict.json'), `${verdictJson(judged.verdict)}\n`);
  await writeFile(join(dir, 'junit.xml'), judged.junit);
  const runners = new Set(ops.map((op) => op.runner));
  io.out(
    `history: ${ops.length} operations from ${runners.size} runner(s) in ${options.history.length} file(s); ${finals.length} final voucher states${ledger === undefined ? '' : `; ${ledger.length} ledger entries`}`,
  );
  const { valid, violations } = judged.verdict;
  io.out(
    `history checker: ${valid === true ? 'invariants hold' : valid === 'unknown' ? 'undetermined (see verdict.json)' : `${violations.length} violation(s)`}`,
  );
  for (const v of violations.slice(0, 10)) io.out(`  ${v.invariant} on ${v.voucher}: ${v.message}`);
  io.out(`${valid === true ? 'PASS' : 'FAIL'}: verdict.json and junit.xml in ${dir}`);
  // 'unknown' is not a pass: someone has to look (as in the load command).
  return valid === true ? EXIT.ok : EXIT.verdictFailed;
}
