/**
 * Headless Chromium for the browser tests (Debian's `chromium`, driven by `playwright-core`).
 *
 * - `LIFELINE_CHROMIUM` set: that binary (if it exists); else `/usr/bin/chromium` (or `chromium-browser`) when present.
 * - none: the browser tests are skipped with one loud line — unless `CI` (or
 *   `LIFELINE_REQUIRE_CHROMIUM=1`, which `.ci/run` sets and turbo passes on) is set: then they fail.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** The Chromium binary, or `undefined` when there is none. */
export const CHROMIUM = (process.env.LIFELINE_CHROMIUM ? [process.env.LIFELINE_CHROMIUM] : ['/usr/bin/chromium', '/usr/bin/chromium-browser']).find((p) => existsSync(p));

/** True when a missing Chromium must fail the run (CI). */
export const CHROMIUM_REQUIRED = !!process.env.CI || process.env.LIFELINE_REQUIRE_CHROMIUM === '1';

/** What a run without Chromium says (and, with `CI` set, fails with). */
export const NO_CHROMIUM = 'no Chromium: install it (apt-get install chromium) or set LIFELINE_CHROMIUM=/path/to/chromium, then rerun';

/** Flags: headless, no sandbox (root in CI), and nothing that calls home. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Says once, loudly, that the browser tests were skipped (outside CI). */
export function warnNoChromium(suite: string): void {
  if (!CHROMIUM) console.warn(`\n⚠ @lifeline/gateway: ${suite} SKIPPED because there is ${NO_CHROMIUM}.\n`);
}

/** A browser on a fresh profile (`--user-data-dir` in a new temp directory); `close()` removes the profile. */
export async function launchChromium(options: { viewport?: { width: number; height: number }; httpCredentials?: { username: string; password: string } } = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'lifeline-chromium-'));
  const removeProfile = () => rmSync(profile, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM!,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1100, height: 900 },
      ...(options.httpCredentials && { httpCredentials: options.httpCredentials }),
    });
  } catch (error) {
    removeProfile(); // a browser that did not start leaves no profile behind
    throw error;
  }
  return {
    context,
    async close() {
      try {
        await context.close();
      } finally {
        removeProfile();
      }
    },
  };
}
