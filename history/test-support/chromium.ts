/**
 * Headless Chromium for browser tests, from npm: @sparticuz/chromium unpacks its build and names
 * the flags it needs, playwright-core drives it. No system Chromium needed. A browser that cannot
 * start throws with the reason: the tests fail, never skip.
 */
import sparticuz from '@sparticuz/chromium';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

export async function launchChromium(): Promise<Browser> {
  let executablePath: string;
  try {
    executablePath = await sparticuz.executablePath();
  } catch (err) {
    throw new Error(
      `@sparticuz/chromium could not unpack its browser (${(err as Error).message}); run npm install in the harness checkout`,
      { cause: err },
    );
  }
  return chromium.launch({ executablePath, args: sparticuz.args, headless: true });
}
