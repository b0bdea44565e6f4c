/**
 * Key pools of two gateways on one Redis (`store.redis`): a key cooled down or quarantined through
 * one is out of rotation in the other. Needs Redis: `REDIS_URL`, else a redis-server started here
 * (see test-support/redis-suites.ts).
 */
import { randomUUID } from 'node:crypto';
import { keyFingerprint } from '@lifeline/adapters';
import { fakeClock, startMockProvider } from '@lifeline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisForTests } from '../../test/redis-server.js';
import type { GatewayConfigInput } from '../config/types.js';
import { createGateway } from '../server/create-gateway.js';

let redis: { url: string; stop(): void };
beforeAll(async () => {
  redis = await redisForTests();
});
afterAll(() => redis?.stop());

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const KEYS = ['sk-redis-gateway-one-0123456789', 'sk-redis-gateway-two-0123456789', 'sk-redis-gateway-three-01234567'];
const [FP1, FP2] = KEYS.map(keyFingerprint);

async function chat(url: string): Promise<number> {
  const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] }) });
  await res.text();
  return res.status;
}

async function gateways(config: GatewayConfigInput) {
  const clock = fakeClock(Date.now());
  const start = async () => {
    const g = createGateway({ server: { logLevel: 'silent' }, ...config }, { pipeline: { clock } });
    closers.push(() => g.close());
    return g.listen({ port: 0, host: '127.0.0.1' });
  };
  return { a: await start(), b: await start(), clock };
}

describe('key pools shared through store.redis', () => {
  it('key 1 cooled by gateway A is not tried by gateway B; B sees it cooling in /api/health; both use it again after its Retry-After', async () => {
    const mock = await startMockProvider({ apiKey: KEYS, keys: { [KEYS[0]!]: [{ preset: 'rate_limit', retryAfter: 30 }] } });
    closers.push(() => mock.close());
    const { a, b, clock } = await gateways({
      providers: { p: { kind: 'openai', baseURL: mock.url, apiKeys: KEYS } },
      routes: [{ model: '*', targets: ['p'] }],
      cache: false,
      store: { redis: { url: redis.url, prefix: `t-${randomUUID()}` } },
    });
    expect(await chat(a)).toBe(200); // key 1: 429 (cooled, in Redis), then key 2
    expect(mock.requests.map((r) => r.keyIndex)).toEqual([0, 1]);
    for (let i = 0; i < 4; i++) expect(await chat(b)).toBe(200); // B's rotation starts at key 1: skipped
    expect(mock.requests.slice(2).map((r) => r.keyIndex)).toEqual([1, 2, 1, 2]);
    const health = (await (await fetch(`${b}/api/health`)).json()) as Record<string, any>;
    expect(health.providers.p.keyPool).toMatchObject({ healthy: 2, cooling: 1, keys: [{ key: FP1, state: 'cooling', retryAfterMs: 30_000 }, { key: FP2, state: 'healthy' }, {}] });
    expect(health.store).toMatchObject({ kind: 'redis', state: 'ready' });

    clock.advance(30_000);
    for (let i = 0; i < 3; i++) expect(await chat(b)).toBe(200);
    expect(mock.requests.slice(-3).map((r) => r.keyIndex)).toContain(0);
  });

  it('a key quarantined through gateway A (401) is not sent by gateway B either', async () => {
    const mock = await startMockProvider({ apiKey: [KEYS[0]!, KEYS[2]!] });
    closers.push(() => mock.close());
    const { a, b } = await gateways({
      providers: { p: { kind: 'openai', baseURL: mock.url, apiKeys: KEYS } },
      routes: [{ model: '*', targets: ['p'] }],
      cache: false,
      store: { redis: { url: redis.url, prefix: `t-${randomUUID()}` } },
    });
    expect([await chat(a), await chat(a)]).toEqual([200, 200]); // key 1, then key 2 → 401 → key 3
    const refused = mock.requests.filter((r) => r.keyIndex === undefined).length;
    expect(refused).toBe(1);
    for (let i = 0; i < 6; i++) expect(await chat(b)).toBe(200);
    expect(mock.requests.filter((r) => r.keyIndex === undefined)).toHaveLength(1);
    const health = (await (await fetch(`${b}/api/health`)).json()) as Record<string, any>;
    expect(health.status).toBe('degraded');
    expect(health.providers.p.keyPool).toMatchObject({ quarantined: 1, keys: [{}, { key: FP2, state: 'quarantined', status: 401 }, {}] });
  });
});
