import { describe, expect, it } from 'vitest';
import type { BreakerChange } from '../pipeline/types.js';
import { startDemo } from './start-demo.js';
import { startTraffic } from './traffic.js';

describe('startTraffic (the demo after its live run)', () => {
  it("sends a request per tick while the relay flaps: its breaker opens while it is down; stop() leaves it healthy", async () => {
    const demo = await startDemo({ port: 0, drive: false, out: () => {} });
    const changes: BreakerChange[] = [];
    const off = demo.gateway.pipeline.onBreakerChange!((c) => changes.push(c));
    try {
      const traffic = startTraffic({ url: demo.url, relay: demo.providers.relay, everyMs: 40, upMs: 200, downMs: 5_000 });
      await expect.poll(() => changes.map((c) => `${c.key}: ${c.from} → ${c.to}`), { timeout: 5_000, interval: 50 }).toContain('relay/deepseek-v3.2: closed → open');
      await traffic.stop();
      const before = demo.providers.relay.requests.length;
      await new Promise((r) => setTimeout(r, 120));
      expect(demo.providers.relay.requests.length).toBe(before);
      const res = await fetch(`${demo.providers.relay.url}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer demo-upstream-key', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) });
      expect(res.status).toBe(200);
    } finally {
      off();
      await demo.close();
    }
  });

  it('the demo with traffic prints where to watch the breaker, and close() stops the traffic', async () => {
    const lines: string[] = [];
    const demo = await startDemo({ port: 0, traffic: true, out: (l) => lines.push(l) });
    const progress = await demo.driven;
    expect(progress.at(-1)).toBe(`  Now serving until Ctrl-C. The relay keeps flapping (down 10 s every 30 s, a request a second): watch its breaker open and close at ${demo.url}/status. Also /api/health, /metrics, /api/cost/deepseek-v3.2`);
    await new Promise((r) => setTimeout(r, 1_100));
    const t0 = Date.now();
    await demo.close();
    expect(Date.now() - t0).toBeLessThan(3_000);
  });
});
