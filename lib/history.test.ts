import { describe, expect, it } from 'vitest';
import { HISTORY_LINE_PREFIX, formatHistoryLine, parseHistoryLine } from './history';
import type { HistoryOp } from './history';

const op: HistoryOp = {
  runner: 'k6-1',
  vu: 3,
  iteration: 7,
  op: 'redeem',
  voucher: '3225118500682251',
  amount: '12500000',
  idempotencyKey: 'idem-1',
  claimKey: 'idem-0',
  otp: '735191',
  invokeMs: 1_766_100_000_000,
  completeMs: 1_766_100_000_042,
  outcome: 'info',
  status: 0,
};

describe('history lines', () => {
  it('are one line: the prefix, then the op as JSON', () => {
    const line = formatHistoryLine(op);
    expect(line.startsWith('OMNIVAS_OP {')).toBe(true);
    expect(HISTORY_LINE_PREFIX).toBe('OMNIVAS_OP ');
    expect(line).not.toContain('\n');
    expect(JSON.parse(line.slice(HISTORY_LINE_PREFIX.length))).toEqual(op);
  });

  it('read back the op, at the start of a line or after what k6 prints before it', () => {
    expect(parseHistoryLine(formatHistoryLine(op))).toEqual(op);
    expect(parseHistoryLine(`time="2026-01-01" level=info ${formatHistoryLine(op)}`)).toEqual(op);
    expect(parseHistoryLine(`INFO[0001] ${formatHistoryLine({ ...op, amount: null })}`)).toEqual({
      ...op,
      amount: null,
    });
  });

  it('leave every other line alone', () => {
    expect(parseHistoryLine('')).toBeUndefined();
    expect(parseHistoryLine('running (0m01.0s), 10/10 VUs')).toBeUndefined();
    expect(parseHistoryLine('OMNIVAS_OP')).toBeUndefined(); // the prefix needs its space
  });
});
