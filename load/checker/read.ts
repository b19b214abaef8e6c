/**
 * Reading histories: the `OMNIVAS_OP <json>` lines of lib/history.ts among whatever else a k6
 * runner printed, and merging the histories of several runners (k6 instances, k6 operator pods)
 * into one, in invoke order.
 */
import { HarnessError, describeValue } from '../../lib/errors';
import { parseHistoryLine, type HistoryOp } from '../../lib/history';

const KINDS = new Set(['claim', 'redeem', 'detail']);
const OUTCOMES = new Set(['ok', 'fail', 'info']);

/** Refuses an op the checker cannot judge, naming the line and the field. */
function validOp(op: unknown, where: string): HistoryOp {
  const o = op as Record<string, unknown> | null;
  const bad = (field: string, expected: string) =>
    new HarnessError('INVALID_ARGUMENT', `${where}: "${field}" expected ${expected}, got ${describeValue(o?.[field])}`);
  if (typeof o !== 'object' || o === null)
    throw new HarnessError('INVALID_ARGUMENT', `${where}: expected a JSON object, got ${describeValue(op)}`);
  if (!KINDS.has(o.op as string)) throw bad('op', 'claim, redeem or detail');
  if (!OUTCOMES.has(o.outcome as string)) throw bad('outcome', 'ok, fail or info');
  for (const field of ['runner', 'voucher', 'idempotencyKey'])
    if (typeof o[field] !== 'string') throw bad(field, 'a string');
  if (o.merchant !== undefined && typeof o.merchant !== 'string') throw bad('merchant', 'a string, or no field');
  for (const field of ['vu', 'iteration', 'invokeMs', 'completeMs', 'status'])
    if (typeof o[field] !== 'number' || !Number.isFinite(o[field])) throw bad(field, 'a number');
  if (o.amount !== null && (typeof o.amount !== 'string' || !/^\d+$/.test(o.amount)))
    throw bad('amount', 'integer micro-units as a base-10 string, or null');
  return o as unknown as HistoryOp;
}

/** The ops among the lines (other lines — k6's own output — are skipped), in the order read. */
export async function readHistory(lines: AsyncIterable<string> | Iterable<string>): Promise<HistoryOp[]> {
  const ops: HistoryOp[] = [];
  let n = 0;
  for await (const line of lines) {
    n++;
    let op: HistoryOp | undefined;
    try {
      op = parseHistoryLine(line);
    } catch (err) {
      throw new HarnessError(
        'INVALID_JSON',
        `history line ${n}: the text after "OMNIVAS_OP " is not JSON (${(err as Error).message})`,
        { cause: err },
      );
    }
    if (op !== undefined) ops.push(validOp(op, `history line ${n}`));
  }
  return ops;
}

/**
 * One history from several runners' histories, in invoke order. A runner name appearing in two
 * sources is refused: it is the same file given twice (which would look like duplicate requests)
 * or runners that were not given distinct names.
 */
export function mergeHistories(...sources: ReadonlyArray<readonly HistoryOp[]>): HistoryOp[] {
  const sourceOfRunner = new Map<string, number>();
  sources.forEach((ops, i) => {
    for (const op of ops) {
      const seen = sourceOfRunner.get(op.runner);
      if (seen === undefined) sourceOfRunner.set(op.runner, i);
      else if (seen !== i)
        throw new HarnessError(
          'INVALID_ARGUMENT',
          `"sources[${i}]" repeats runner "${op.runner}" of sources[${seen}]: the same history given twice, or runners without distinct names`,
        );
    }
  });
  return sources.flat().sort((a, b) => a.invokeMs - b.invokeMs);
}

/** Reads each runner's lines and merges them. */
export async function readHistories(...sources: Array<AsyncIterable<string> | Iterable<string>>): Promise<HistoryOp[]> {
  return mergeHistories(...(await Promise.all(sources.map((s) => readHistory(s)))));
}
