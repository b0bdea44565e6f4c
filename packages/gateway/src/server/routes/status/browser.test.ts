/**
 * The status page in headless Chromium, during the demo: the relay (primary) fails, its breaker
 * opens and the failover shows in the timeline; it recovers and the breaker closes — read from
 * the DOM. The screenshot is taken in memory and checked; set LIFELINE_STATUS_SCREENSHOT=docs/status.png
 * to also write it to that file (how the README's screenshot is refreshed).
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_REQUIRED, launchChromium, NO_CHROMIUM, warnNoChromium } from '../../../../test/chromium.js';
import { startMockProvider } from '@lifeline/testing';
import { DEMO_MODEL, driveDemo } from '../../../demo/drive.js';
import { startDemo } from '../../../demo/start-demo.js';
import { startConfigGateway } from '../../../../test/config-gateway.js';

/** Where to save the screenshot: only when asked (nothing is written otherwise). */
const SCREENSHOT = process.env.LIFELINE_STATUS_SCREENSHOT ? resolve(process.env.LIFELINE_STATUS_SCREENSHOT) : undefined;

/** True for the loopback addresses (and the page's own `data:` icon). */
function loopback(url: string): boolean {
  if (url.startsWith('data:')) return true;
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

if (!CHROMIUM && CHROMIUM_REQUIRED) {
  describe('the status page in Chromium', () => {
    it('runs in CI', () => {
      throw new Error(`CI needs the browser test, but there is ${NO_CHROMIUM}`);
    });
  });
} else {
  warnNoChromium('the status page browser test');
}

describe.runIf(CHROMIUM)('the status page in headless Chromium', () => {
  it("shows the relay's breaker open and the failover while it fails, then closed once it recovers; loopback only, no console error", async () => {
    const demo = await startDemo({ port: 0, drive: false, out: () => {} });
    const browser = await launchChromium();
    const requests: string[] = [];
    const problems: string[] = [];
    try {
      browser.context.on('request', (r) => requests.push(r.url()));
      const page = await browser.context.newPage();
      page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      await page.goto(demo.statusUrl);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 5_000 });
      const relay = page.locator('article.target[data-target="relay"] .breaker');
      expect(await relay.getAttribute('data-state')).toBe('closed');
      expect(await page.locator('#conn').textContent()).toBe('live');

      // The demo's live run: the relay fails with 503 from its third request on, then backup, then claude.
      await driveDemo({ url: demo.url, gateway: demo.gateway, providers: demo.providers, out: () => {}, isClosed: () => false });
      await expect.poll(() => relay.getAttribute('data-state'), { timeout: 5_000 }).toBe('open');
      expect(await relay.textContent()).toMatch(/^open until \d\d:\d\d:\d\d( \(\d s\)|, probe due)$/);
      const timeline = page.locator('#timeline li');
      await expect.poll(() => page.locator('#timeline li[data-kind="failover"] .text').allTextContents(), { timeout: 5_000 }).toContain('relay → backup (relay 2× server)');
      const texts = await timeline.allTextContents();
      expect(texts.some((t) => t.includes('breaker relay/deepseek-v3.2: closed → open'))).toBe(true);
      expect(texts.some((t) => t.includes('stale answer from the cache'))).toBe(true);
      expect(texts.some((t) => t.includes('degraded answer for deepseek-v3.2'))).toBe(true);
      // The page renders the relay's last error when its next update arrives: wait for it.
      await expect
        .poll(() => page.locator('article.target[data-target="relay"] .error').textContent(), { timeout: 5_000 })
        .toMatch(/^last error \d\d:\d\d:\d\d: server \(HTTP 503\) — openai relay: 503/);
      // The last changes settle: claude (the third target) was overloaded too.
      await expect.poll(() => page.locator('article.target[data-target="claude:claude-sonnet-4.5"] .breaker').getAttribute('data-state'), { timeout: 5_000 }).toBe('open');
      const png = await page.screenshot({ fullPage: true, ...(SCREENSHOT && { path: SCREENSHOT }) });
      expect(png.subarray(1, 4).toString()).toBe('PNG');

      // The relay is healthy again (the live run leaves every upstream healthy): once its break is
      // over, the next request probes it and the breaker closes.
      await expect
        .poll(
          async () => {
            await fetch(`${demo.url}/v1/chat/completions`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'cache-control': 'max-age=0' },
              body: JSON.stringify({ model: DEMO_MODEL, messages: [{ role: 'user', content: 'Are you back?' }] }),
            }).then((r) => r.arrayBuffer());
            return relay.getAttribute('data-state');
          },
          { timeout: 15_000, interval: 500 },
        )
        .toBe('closed');
      await expect.poll(async () => (await timeline.allTextContents()).some((t) => t.includes('breaker relay/deepseek-v3.2: half-open → closed')), { timeout: 5_000 }).toBe(true);

      // Readable on a phone: nothing wider than the screen.
      await page.setViewportSize({ width: 375, height: 740 });
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);

      // Neither the upstream key nor any question asked is on the page.
      const shown = await page.content();
      for (const secret of ['demo-upstream-key', 'What is a circuit breaker?', 'Why do LLM APIs fail?', 'Are you back?']) expect(shown).not.toContain(secret);
      expect(problems).toEqual([]);
      expect(requests.length).toBeGreaterThanOrEqual(2);
      expect(requests.filter((u) => !loopback(u))).toEqual([]);
      expect(requests).toContain(`${demo.url}/status/events`);
    } finally {
      await browser.close();
      await demo.close();
    }
  }, 60_000);

  it('with auth on: the browser answers the Basic challenge with the admin key, and the event stream goes live', async () => {
    const ADMIN = 'gw-admin-key-for-the-browser';
    const upstream = await startMockProvider({ apiKey: 'upstream-key-123456' });
    const gw = await startConfigGateway({
      auth: { keys: [{ key: ADMIN, name: 'ops' }] },
      providers: { primary: { kind: 'openai', baseURL: upstream.url, apiKey: 'upstream-key-123456' } },
      routes: [{ model: '*', targets: ['primary'] }],
    });
    const anonymous = await launchChromium();
    const operator = await launchChromium({ httpCredentials: { username: 'ops', password: ADMIN } });
    try {
      // Without credentials, the Basic challenge makes the browser ask for them (headless: it gives up).
      await expect((await anonymous.context.newPage()).goto(`${gw.url}/status`)).rejects.toThrow(/net::ERR_INVALID_AUTH_CREDENTIALS/);
      const page = await operator.context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
      const answer = await page.goto(`${gw.url}/status`);
      expect(answer!.status()).toBe(200);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 5_000 });
      await expect.poll(() => page.locator('#conn').textContent(), { timeout: 5_000 }).toBe('live');
      expect(await page.locator('#authoff').isHidden()).toBe(true);
      expect(await page.locator('article.target').evaluateAll((cards) => cards.map((c) => (c as unknown as { dataset: { target: string } }).dataset.target))).toEqual(['primary']);
      expect(await page.content()).not.toContain(ADMIN);
      expect(problems).toEqual([]);
    } finally {
      await Promise.all([anonymous.close(), operator.close()]);
      await gw.close();
      await upstream.close();
    }
  }, 60_000);
});
