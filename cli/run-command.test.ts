/** How a command's end becomes one line and an exit code (README: 0 ok, 1 verdict, 2 bad input, 3 internal). */
import { describe, expect, it } from 'vitest';
import { HarnessError } from '../lib/errors';
import { createConsoleIo } from './console-io';
import { EXIT, runCommand } from './run-command';

async function ending(body: () => Promise<number>): Promise<{ code: number; err: string[] }> {
  const err: string[] = [];
  const code = await runCommand(createConsoleIo({ out: () => {}, err: (l) => err.push(l) }), body);
  return { code, err };
}

describe('runCommand', () => {
  it("passes the command's own exit code through", async () => {
    expect(await ending(async () => EXIT.verdictFailed)).toEqual({ code: 1, err: [] });
  });

  it('gives a HarnessError for bad input exit 2 and one line with its code', async () => {
    const r = await ending(() => Promise.reject(new HarnessError('INVALID_ARGUMENT', '--x expected y, got "z"')));
    expect(r).toEqual({ code: 2, err: ['omnivas-harness: --x expected y, got "z" [INVALID_ARGUMENT]'] });
  });

  it('gives a HarnessError INTERNAL exit 3, as any other throw, with one line asking for a report', async () => {
    const internal = await ending(() => Promise.reject(new HarnessError('INTERNAL', 'the plan lost a slot')));
    expect(internal.code).toBe(3);
    expect(internal.err).toEqual([
      'omnivas-harness: internal error: the plan lost a slot; please report it with the command you ran',
    ]);
    const other = await ending(() => Promise.reject(new TypeError('x is undefined')));
    expect(other).toEqual({
      code: 3,
      err: ['omnivas-harness: internal error: x is undefined; please report it with the command you ran'],
    });
  });
});
