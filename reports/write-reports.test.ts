import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sanitizeReport } from './sanitize';
import { failingReport } from './test-support/sample-reports';
import { writeHtml } from './write-html';
import { writeJson } from './write-json';
import { writeJunit } from './write-junit';
import { writeReports } from './write-reports';

const redact = (t: string) => t.replaceAll('127.0.0.1:40123', '[REDACTED:host]');
const made: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'omnivas-reports-'));
  made.push(dir);
  return dir;
};
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('writeReports', () => {
  it('creates the directory and writes the three files, sanitized, with no temporary files left', async () => {
    const dir = join(await tempDir(), 'nested', 'out');
    const paths = await writeReports(dir, failingReport(), redact);
    expect(paths).toEqual({
      'summary.json': join(dir, 'summary.json'),
      'junit.xml': join(dir, 'junit.xml'),
      'report.html': join(dir, 'report.html'),
    });
    const safe = sanitizeReport(failingReport(), redact);
    expect(await readFile(paths['summary.json'], 'utf8')).toBe(writeJson(safe));
    expect(await readFile(paths['junit.xml'], 'utf8')).toBe(writeJunit(safe));
    expect(await readFile(paths['report.html'], 'utf8')).toBe(writeHtml(safe));
    expect(await readFile(paths['report.html'], 'utf8')).not.toContain('127.0.0.1:40123');
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.html', 'summary.json']);
  });

  it('replaces earlier reports whole', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'summary.json'), 'stale');
    await writeReports(dir, failingReport(), redact);
    expect(JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')).verdict).toBe('fail');
  });

  it('keeps the files already written when a later one cannot be, and leaves no temporary file', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'report.html')); // a directory where the last file goes: its rename fails
    await expect(writeReports(dir, failingReport(), redact)).rejects.toThrow();
    expect(JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')).verdict).toBe('fail');
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toContain('<testsuites');
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.html', 'summary.json']);
  });

  it('names the directory when it cannot be created', async () => {
    const file = join(await tempDir(), 'a-file');
    await writeFile(file, '');
    await expect(writeReports(join(file, 'out'), failingReport(), redact)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining(join(file, 'out')),
    });
    await expect(writeReports('', failingReport(), redact)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('"dir"'),
    });
  });
});
