/** The browser's failure path: a Chromium that cannot start is one clear error, never a skip. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchHeadlessBrowser } from './headless-browser';

describe('launchHeadlessBrowser', () => {
  it('rejects with one line naming the binary and what to do when Chromium cannot start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'omnivas-no-browser-'));
    try {
      const notABrowser = join(dir, 'chromium');
      await writeFile(notABrowser, 'not a program', { mode: 0o755 });
      const launched = launchHeadlessBrowser({
        profileDir: join(dir, 'profile'),
        viewport: { width: 100, height: 100 },
        executablePath: notABrowser,
      });
      await expect(launched).rejects.toThrow(
        expect.objectContaining({
          message: expect.stringMatching(
            new RegExp(`^Chromium \\(${notABrowser}\\) did not start: [^\\n]+; [^\\n]*delete`),
          ),
        }),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
