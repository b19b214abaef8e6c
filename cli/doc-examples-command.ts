/**
 * `doc-examples --doc FILE [--out DIR] [--python CMD]`: the guide's own end-to-end examples run
 * against the sandbox (sandbox/doc-examples.ts does it); this prints each example's answers and
 * checks and writes doc-examples.json. Exit 0 when every example conforms, 1 when one ran and did
 * not, 2 when one could not be run (the line says what to install or fix).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MERCHANT_BASE_PATH } from '../lib/endpoint-catalog';
import { runDocExamples, type ExampleRun } from '../sandbox/doc-examples';
import type { CommandIo } from './console-io';
import { EXIT } from './run-command';

export interface DocExamplesOptions {
  readonly doc: string;
  readonly out: string;
  readonly python?: string;
}

function answerLine(e: ExampleRun['answers'][number]): string {
  const answer = e.answer as { success?: unknown; message?: unknown } | null;
  const said = typeof answer?.message === 'string' ? ` ${JSON.stringify(answer.message)}` : '';
  return `  ${e.method} ${e.path.replace(MERCHANT_BASE_PATH, '')} → ${e.status}${said}`;
}

export async function docExamplesCommand(options: DocExamplesOptions, io: CommandIo): Promise<number> {
  const report = await runDocExamples({ doc: options.doc, ...(options.python ? { python: options.python } : {}) });
  for (const example of report.examples) {
    if (example.notRun !== undefined) {
      io.out(`${example.language} (${example.command}): NOT RUN: ${example.notRun}`);
      continue;
    }
    io.out(`${example.language} (${example.command}): ${example.conforms ? 'conforms' : 'DOES NOT CONFORM'}`);
    for (const e of example.answers) io.out(answerLine(e));
    for (const c of example.checks) io.out(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
    if (!example.conforms && example.stderr.trim() !== '')
      io.out(`  its stderr ends: ${example.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  const dir = resolve(options.out);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'doc-examples.json'), `${JSON.stringify(report, null, 2)}\n`);
  const conforming = report.examples.filter((e) => e.conforms).length;
  const notRun = report.examples.filter((e) => e.notRun !== undefined).length;
  const verdict = conforming === report.examples.length ? 'PASS' : 'FAIL';
  io.out(
    `${verdict}: ${conforming} of ${report.examples.length} examples conform${notRun ? `, ${notRun} not run` : ''}; doc-examples.json in ${dir}`,
  );
  if (verdict === 'PASS') return EXIT.ok;
  return report.examples.some((e) => e.notRun === undefined && !e.conforms) ? EXIT.verdictFailed : EXIT.usage;
}
