/**
 * doc-examples on fixture guides of the guide's shape (sandbox/guide-fixture.ts): examples that
 * follow the document conform; one that signs DER is caught by its answers; one that cannot be run
 * says why. Needs node, python3 and openssl (the fixture's Python signs with it), no pip package.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDocExamples, type ExampleRun } from './doc-examples';
import { writeGuide } from './guide-fixture';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omnivas-doc-examples-'));
});

const checksOf = (e: ExampleRun) => Object.fromEntries(e.checks.map((c) => [c.name, c.ok]));

describe('runDocExamples', () => {
  it('runs both examples of a guide that follows the document: every check holds, secrets redacted', async () => {
    const report = await runDocExamples({ doc: await writeGuide(dir, 'guide.txt') });
    expect(report.examples.map((e) => [e.language, e.exitCode, e.conforms])).toEqual([
      ['javascript', 0, true],
      ['python', 0, true],
    ]);
    for (const example of report.examples) {
      expect(example.answers.map((a) => `${a.method} ${a.path.replace(/^.*\/client/, '')} ${a.status}`)).toEqual([
        'POST /auth/login 200',
        'POST /topup-transactions/initiate-claim 200',
        'POST /topup-transactions/redeem-gift 200',
      ]);
      expect(example.checks.find((c) => c.name === 'the money is exact')?.detail).toBe(
        '1000.000000 − 25.000000 − fee 1.000000: remainingBalance 974.000000',
      );
      expect(example.answers[0]).toMatchObject({
        request: { key: '[REDACTED:api-key]' },
        answer: { accessToken: '[REDACTED:access-token]', success: true },
      });
      expect(example.stdout).toBe(
        'claim: OTP Code has been sent to user Successfully\nredeem: Gift redeemed successfully\n',
      );
    }
  }, 120_000);

  it('catches an example that signs DER: its signed calls refused with 403, nothing redeemed', async () => {
    const report = await runDocExamples({
      doc: await writeGuide(dir, 'der.txt', { jsSignatureEncoding: 'der' }),
      python: 'no-such-python3',
    });
    const js = report.examples[0]!;
    expect(js.conforms).toBe(false);
    expect(js.exitCode).toBe(1);
    expect(checksOf(js)).toEqual({
      'ran to the end': false,
      'every answer a success': false,
      'logs in': true,
      'initiates a claim': false,
      'redeems with the OTP': false,
      'the money is exact': false,
    });
    expect(js.checks[1]!.detail).toMatch(/initiate-claim → 403; .*redeem-gift → 403$/);
    expect(report.examples[1]).toMatchObject({
      language: 'python',
      notRun: 'no-such-python3 is not on PATH; install it to run this example',
      conforms: false,
    });
  }, 60_000);

  it('does not run an example without a constant to set, and says which', async () => {
    const report = await runDocExamples({ doc: await writeGuide(dir, 'nokey.txt', { withoutApiKey: true }) });
    for (const example of report.examples)
      expect(example.notRun).toBe("the example has not exactly one API_KEY = '…' line to set");
  });

  it('refuses a file that is not the guide, or none, as bad input', async () => {
    await expect(runDocExamples({ doc: join(dir, 'none.txt') })).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
    const notGuide = join(dir, 'readme.txt');
    await writeFile(notGuide, 'hello\n');
    await expect(runDocExamples({ doc: notGuide })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(
        /^--doc \S+readme\.txt: the guide has no end-to-end heading after offset 0; give the merchant API guide as text/,
      ),
    });
  });
});
