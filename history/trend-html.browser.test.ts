/**
 * trend.html as a person sees it: opened from disk in headless Chromium (reports/test-support/
 * headless-browser.ts) with the network cut, it must draw a chart per figure, mark the regression on the
 * chart of the figure that regressed and on no other, fetch nothing, and show a hostile target
 * name as text. A browser that cannot start fails the test: no skip.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchHeadlessBrowser } from '../reports/test-support/headless-browser';
import { loadRecord } from './test-support/records';
import { DEFAULT_THRESHOLDS } from './thresholds';
import { trendOf } from './trend';
import { writeTrendReports } from './write-trend';

const HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';

let dir: string;
let context: BrowserContext | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omnivas-trend-browser-'));
});

afterAll(async () => {
  await context?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('trend.html in a browser', () => {
  it('draws a chart per figure and marks the regressed one, fetching nothing', async () => {
    // Five quiet nights, then initiate-claim's p95 goes from about 12 ms to 260 ms; redeem-gift stays.
    const nights = [12, 13, 11, 12, 14, 260].map((claim, i) =>
      loadRecord({ day: i + 1, target: HOSTILE, p95: { 'initiate-claim': claim, 'redeem-gift': 9 + (i % 2) } }),
    );
    const report = trendOf(nights, DEFAULT_THRESHOLDS, 10);
    expect(report.regressions).toBe(1);
    await writeTrendReports(report, dir);

    // Launched in the test, not in beforeAll, so a browser that cannot start fails it rather than skipping it.
    context = await launchHeadlessBrowser({ profileDir: join(dir, 'profile'), viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    context.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(dir, 'trend.html')).href);

    await expect.poll(() => page.locator('.verdict').innerText()).toBe('1 regression');
    const charts = page.locator('svg.chart');
    // p95 of two endpoints, the error rate, throughput.
    expect(await charts.count()).toBe(4);
    for (let i = 0; i < 4; i++) {
      const box = await charts.nth(i).boundingBox();
      expect(box?.width).toBeGreaterThan(100);
      expect(box?.height).toBeGreaterThan(100);
      // One point per night in every chart.
      expect(await charts.nth(i).locator('circle').count()).toBe(6);
    }
    const regressed = page.locator('svg.chart[data-regression="true"]');
    expect(await regressed.count()).toBe(1);
    expect(await regressed.getAttribute('data-metric')).toBe('p95:initiate-claim');
    const marker = regressed.locator('circle.regression-marker');
    expect(await marker.count()).toBe(1);
    expect(await marker.isVisible()).toBe(true);
    expect(await regressed.locator('.regression-label').textContent()).toBe('regression');
    // The marker is the latest (rightmost) point, drawn in red.
    const cx = Number(await marker.getAttribute('cx'));
    const others = await regressed
      .locator('circle:not(.regression-marker)')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('cx'))));
    expect(others.every((x) => x < cx)).toBe(true);
    expect(await marker.evaluate((e) => getComputedStyle(e).fill)).toBe('rgb(198, 40, 40)');
    expect(await page.locator('svg.chart[data-regression="false"] .regression-marker').count()).toBe(0);
    // The regression row in the table.
    expect(await page.locator('tr.regression').innerText()).toMatch(/REGRESSION\s+p95 initiate-claim\s+p95 260\.0 ms/);

    // The hostile target name is text on the page, not markup.
    expect(await page.locator('h2').first().innerText()).toContain(HOSTILE);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(requests).toEqual([]);
  });
});
