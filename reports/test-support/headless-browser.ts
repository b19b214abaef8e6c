/**
 * A headless Chromium for tests that look at a page as a person would. The binary comes from the npm
 * registry (@sparticuz/chromium, unpacked into the temp folder on first use) and playwright-core drives
 * it, so `npm test` needs no system package. When no browser starts, every test that asked for one
 * fails with one line saying why: a browser test must fail then, never skip.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chromiumBinary from '@sparticuz/chromium';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export interface BrowserOptions {
  /** A fresh profile folder, so nothing cached from an earlier page can make this one look right. */
  readonly profileDir: string;
  readonly viewport: { readonly width: number; readonly height: number };
  /** Another Chromium binary; by default the one @sparticuz/chromium unpacks. */
  readonly executablePath?: string;
}

/** Starts Chromium with the network off, or rejects with an Error saying what failed and what to do. */
export async function launchHeadlessBrowser(options: BrowserOptions): Promise<BrowserContext> {
  let executablePath = options.executablePath;
  try {
    executablePath ??= await chromiumBinary.executablePath();
  } catch (err) {
    throw new Error(
      `cannot unpack Chromium from @sparticuz/chromium: ${(err as Error).message}; run npm ci so node_modules/@sparticuz/chromium/bin is complete`,
      { cause: err },
    );
  }
  try {
    return await chromium.launchPersistentContext(options.profileDir, {
      executablePath,
      args: chromiumBinary.args,
      headless: true,
      offline: true,
      viewport: options.viewport,
    });
  } catch (err) {
    const first = (err as Error).message.split('\n')[0];
    throw new Error(
      `Chromium (${executablePath}) did not start: ${first}; @sparticuz/chromium's binary is for Linux x64, and if an earlier unpack was cut short, delete ${executablePath} and run again`,
      { cause: err },
    );
  }
}

/**
 * For a test file: starts one browser before its tests (fresh profile) and closes it after. The
 * returned function gives the browser, or throws why it did not start, so each test fails with
 * the reason (a throwing beforeAll would have vitest report them as skipped).
 */
export function useHeadlessBrowser(viewport: BrowserOptions['viewport']): () => BrowserContext {
  let dir: string | undefined;
  let context: BrowserContext | undefined;
  let failure: Error | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'omnivas-browser-'));
    try {
      context = await launchHeadlessBrowser({ profileDir: join(dir, 'profile'), viewport });
    } catch (err) {
      failure = err as Error;
    }
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (context) return context;
    throw failure ?? new Error('the browser is asked for outside a test: call it inside it()');
  };
}
