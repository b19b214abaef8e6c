/**
 * Writes summary.json, junit.xml and report.html into a directory (Node-only). The report is
 * sanitized once, here, before any writer sees it; each file is written to a temporary name and
 * renamed, so an interrupted run leaves every file either whole or as it was.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from '../lib/errors';
import { writeAtomically } from '../lib/node/write-atomically';
import type { CertifyReport } from './report-model';
import { sanitizeReport } from './sanitize';
import type { RedactText, ReportRedactor, SanitizedReport } from './sanitize';
import { writeHtml } from './write-html';
import { writeJson } from './write-json';
import { writeJunit } from './write-junit';

/** File name → writer, in the order written: the machine-readable record first. */
const WRITERS = {
  'summary.json': writeJson,
  'junit.xml': writeJunit,
  'report.html': writeHtml,
} as const satisfies Record<string, (report: SanitizedReport) => string>;

export type ReportFile = keyof typeof WRITERS;

/** Returns the path of each file written. */
export async function writeReports(
  dir: string,
  report: CertifyReport,
  redactor: RedactText | ReportRedactor,
): Promise<Record<ReportFile, string>> {
  if (typeof dir !== 'string' || dir === '')
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"dir" expected the path of the report directory, got ${JSON.stringify(dir)}`,
    );
  const safe = sanitizeReport(report, redactor);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `"dir" ${dir}: cannot create the report directory (${(err as NodeJS.ErrnoException).code ?? 'unknown error'}); give a writable path`,
      { cause: err },
    );
  }
  const paths = {} as Record<ReportFile, string>;
  for (const [name, write] of Object.entries(WRITERS) as [ReportFile, (r: SanitizedReport) => string][]) {
    paths[name] = join(dir, name);
    await writeAtomically(paths[name], write(safe));
  }
  return paths;
}
