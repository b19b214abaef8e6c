/**
 * report.html as a person sees it: opened in headless Chromium (from npm, test-support/headless-browser.ts)
 * with the network off, the verdict and every failure's title and replay command must be visible.
 * No Chromium is a failure, not a skip: a silently skipped browser test proves nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertifyReport } from './report-model';
import { useHeadlessBrowser } from './test-support/headless-browser';
import { failingReport, FAILING_TITLES, passingReport } from './test-support/sample-reports';
import { writeReports } from './write-reports';

const VIEWPORT = { width: 1200, height: 900 };

const browser = useHeadlessBrowser(VIEWPORT);
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'omnivas-html-browser-'));
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Writes the report, opens report.html, and returns the page and every URL it requested. */
async function open(name: string, report: CertifyReport): Promise<{ page: Page; requested: string[]; url: string }> {
  const page = await browser().newPage();
  const { 'report.html': file } = await writeReports(join(workDir, name), report, (t) => t);
  const requested: string[] = [];
  page.on('request', (req) => requested.push(req.url()));
  const url = pathToFileURL(file).href;
  await page.goto(url);
  return { page, requested, url };
}

function curlsOf(report: CertifyReport, title: string): string[] {
  return report.results
    .filter((r) => r.title === title)
    .flatMap((r) => r.evidence.flatMap((e) => (e.curl ? [e.curl] : [])));
}

describe('report.html in Chromium', () => {
  it('shows a failing run: the FAIL banner on first sight, each failure with its title and replay command', async () => {
    const report = failingReport();
    const { page, requested, url } = await open('failing', report);
    const verdict = page.locator('#verdict');
    expect(await verdict.isVisible()).toBe(true);
    expect(await verdict.textContent()).toContain('FAIL');
    const box = await verdict.boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(VIEWPORT.height);

    for (const title of FAILING_TITLES) {
      const card = page.locator('#failures article', { has: page.locator('h3', { hasText: title }) });
      expect(await card.count(), title).toBe(1);
      expect(await card.locator('h3').isVisible(), title).toBe(true);
      const commands = card.locator('pre.curl');
      const expected = curlsOf(report, title);
      expect(expected.length, title).toBeGreaterThan(0);
      expect(await commands.allTextContents(), title).toEqual(expected);
      for (let i = 0; i < expected.length; i++) expect(await commands.nth(i).isVisible(), title).toBe(true);
    }
    expect(requested).toEqual([url]); // self-contained: nothing but the page itself was fetched
    await page.close();
  });

  it('shows a passing run: the PASS banner and no failure cards', async () => {
    const { page, requested, url } = await open('passing', passingReport());
    const verdict = page.locator('#verdict');
    expect(await verdict.isVisible()).toBe(true);
    expect(await verdict.textContent()).toContain('PASS');
    expect(await page.locator('#failures article').count()).toBe(0);
    expect(await page.locator('#failures').textContent()).toContain('No required check failed.');
    expect(await page.locator('#coverage').isVisible()).toBe(true);
    expect(requested).toEqual([url]);
    await page.close();
  });
});
