/**
 * A key pool on the status page in headless Chromium: the target card says how many keys are
 * healthy, cooling down and quarantined, and the timeline shows the quarantine — by fingerprint.
 */
import { keyFingerprint } from '@lifeline/adapters';
import { startMockProvider } from '@lifeline/testing';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../../../../test/chromium.js';
import { startConfigGateway } from '../../../../test/config-gateway.js';

const KEYS = ['sk-browser-pool-one-0123456789', 'sk-browser-pool-two-0123456789', 'sk-browser-pool-three-01234567'];

describe.runIf(CHROMIUM)('a key pool on the status page, in headless Chromium', () => {
  it("shows the pool on the target's card and the quarantine in the timeline, without a key", async () => {
    const upstream = await startMockProvider({ apiKey: [KEYS[0]!, KEYS[2]!] });
    const gw = await startConfigGateway({ providers: { primary: { kind: 'openai', baseURL: upstream.url, apiKeys: KEYS } }, routes: [{ model: '*', targets: ['primary'] }] });
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      await page.goto(`${gw.url}/status`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 5_000 });
      const keys = page.locator('article.target[data-target="primary"] .keys');
      expect(await keys.textContent()).toBe('API keys: 3 healthy · 0 cooling · 0 quarantined');
      for (let i = 0; i < 2; i++) {
        await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] }) }).then((r) => r.arrayBuffer());
      }
      await expect.poll(() => keys.textContent(), { timeout: 5_000 }).toBe('API keys: 2 healthy · 0 cooling · 1 quarantined');
      expect(await keys.getAttribute('data-state')).toBe('quarantined');
      await expect.poll(() => page.locator('#timeline li[data-kind="key"] .text').allTextContents(), { timeout: 5_000 }).toEqual([`key ${keyFingerprint(KEYS[1]!)} of primary quarantined (HTTP 401)`]);
      const shown = await page.content();
      for (const key of KEYS) expect(shown).not.toContain(key);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await gw.close();
      await upstream.close();
    }
  }, 60_000);
});
