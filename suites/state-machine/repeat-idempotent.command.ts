/**
 * An earlier POST of the run sent again with the same idempotency key and body (docs/design.md ›
 * Idempotency): it must get the first answer again and have no second effect, which the model
 * holds the target to by changing nothing.
 */
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { divergence, expectOutcome } from './expected-response';
import type { RunModel, VoucherCommand } from './run-model';
import type { VoucherUnderTest } from './voucher-under-test';

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export class RepeatIdempotentCommand implements VoucherCommand {
  constructor(readonly ref: number) {}

  check(m: Readonly<RunModel>): boolean {
    return m.posts.length > 0;
  }

  async run(m: RunModel, r: VoucherUnderTest): Promise<void> {
    const index = this.ref % m.posts.length;
    const label = `${this.toString()} = POST #${index + 1} of the run`;
    const { first, again } = await r.repeat(label, index);
    expectOutcome(label, m.posts[index]!, again);
    if (!sameJson(first.json, again.json))
      throw divergence(
        label,
        `the same key and body got a different answer: first ${first.text.slice(0, 300)}, then ${again.text.slice(0, 300)}`,
      );
  }

  toString(): string {
    return `repeatSameKey(${this.ref})`;
  }
}

export const repeatIdempotentCommand: Arbitrary<VoucherCommand> = fc
  .nat({ max: 7 })
  .map((ref) => new RepeatIdempotentCommand(ref));
