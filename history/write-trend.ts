/** The trend's files: trend.json (the report for machines), junit.xml (for CI), trend.html (for people). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TrendReport } from './trend';
import { trendHtml } from './trend-html';
import { trendJunit } from './trend-junit';

export async function writeTrendReports(report: TrendReport, out: string): Promise<string[]> {
  const dir = resolve(out);
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ['trend.json', `${JSON.stringify({ format: 'omnivas-harness/trend@1', ...report }, null, 2)}\n`],
    ['junit.xml', trendJunit(report)],
    ['trend.html', trendHtml(report)],
  ];
  await Promise.all(files.map(([name, text]) => writeFile(join(dir, name), text)));
  return files.map(([name]) => join(dir, name));
}
