import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createClient, RateLimitError, type ChatRequest } from '@lifeline/core';
import { keyFingerprint, openai, type KeyRecord, type OpenAIAdapter } from '@lifeline/adapters';
import { startMockProvider, type MockProvider } from '@lifeline/testing';
import { RedisConnection } from './connection.js';
import { RedisKeyPoolStore } from './key-pool-store.js';
import { freePort } from '../test/redis-server.js';
import { ManualClock, redisUrl, uniquePrefix } from '../test/helpers.js';

const connections: RedisConnection[] = [];
async function store(prefix: string): Promise<RedisKeyPoolStore> {
  const connection = new RedisConnection({ url: redisUrl(), timeoutMs: 2000 });
  connections.push(connection);
  expect(await connection.ready()).toBe(true);
  return new RedisKeyPoolStore({ connection, prefix });
}
afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
});

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const cooling = (until: number): KeyRecord => ({ state: 'cooling', until, since: 1, reason: 'rate_limit', status: 429 });
const quarantined = (until: number): KeyRecord => ({ state: 'quarantined', until, since: 1, reason: 'auth', status: 401 });
const KEYS = ['sk-redis-pool-key-one-01234567', 'sk-redis-pool-key-two-01234567', 'sk-redis-pool-key-three-012345'];
const REQ: ChatRequest = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] };

describe('RedisKeyPoolStore', () => {
  it('keeps the merge rule of the memory store: longer cool-down wins, a quarantine replaces anything, ended cool-downs read as absent', async () => {
    const s = await store(uniquePrefix('kp-merge'));
    await s.set('primary', '…aaaa#1', cooling(2_000), 1_000);
    await s.set('primary', '…aaaa#1', cooling(1_500), 1_000);
    expect((await s.read('primary', ['…aaaa#1', '…bbbb#2'], 1_000)).get('…aaaa#1')).toEqual(cooling(2_000));
    await s.set('primary', '…aaaa#1', quarantined(9_000), 1_000);
    await s.set('primary', '…aaaa#1', cooling(20_000), 1_000);
    expect((await s.read('primary', ['…aaaa#1'], 1_000)).get('…aaaa#1')).toEqual(quarantined(9_000));
    await s.set('primary', '…bbbb#2', cooling(3_000), 1_000);
    expect([...(await s.read('primary', ['…aaaa#1', '…bbbb#2'], 3_000)).keys()]).toEqual(['…aaaa#1']);
    await s.clear('primary', '…aaaa#1');
    expect((await s.read('primary', ['…aaaa#1'], 3_000)).size).toBe(0);
    expect((await s.read('other', ['…bbbb#2'], 1_000)).size).toBe(0);
  });

  it('keeps one hash per pool, named by digests only, expiring retentionMs after its last record ends', async () => {
    const s = await store(uniquePrefix('kp-layout'));
    await s.set('primary', keyFingerprint(KEYS[0]!), quarantined(1_000 + 60_000), 1_000);
    const key = s.poolKey('primary');
    expect(key).toMatch(/^lifeline-test-kp-layout-[0-9a-f]{8}:keypool:v1:\{[\w-]{22}\}$/);
    const all = await s.connection.call<string[]>('keyPool', 'test', ['HGETALL', key]);
    expect(JSON.stringify(all)).not.toMatch(/sk-redis|primary|…/);
    const ttl = await s.connection.call<number>('keyPool', 'test', ['PTTL', key]);
    expect(ttl).toBeGreaterThan(86_400_000 + 59_000);
    expect(ttl).toBeLessThanOrEqual(86_400_000 + 60_000);
  });

  it('of concurrent claims of a due re-check across stores exactly one wins', async () => {
    const prefix = uniquePrefix('kp-claim');
    const stores = await Promise.all([0, 1, 2, 3].map(() => store(prefix)));
    await stores[0]!.set('primary', '…k#1', quarantined(5_000), 1_000);
    expect(await stores[1]!.claim('primary', '…k#1', 4_999, 10_000)).toBe(false);
    const wins = await Promise.all(stores.flatMap((s) => [s.claim('primary', '…k#1', 5_000, 10_000), s.claim('primary', '…k#1', 5_000, 10_000)]));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect((await stores[2]!.read('primary', ['…k#1'], 5_000)).get('…k#1')?.until).toBe(10_000);
  });

  it('a key cooled through one process is not tried by another: it goes straight to the next key', async () => {
    const prefix = uniquePrefix('kp-shared');
    const clock = new ManualClock(Date.now());
    const mock: MockProvider = await startMockProvider({ apiKey: KEYS, keys: { [KEYS[0]!]: { preset: 'rate_limit', retryAfter: 30 } } });
    closers.push(() => mock.close());
    const make = async (): Promise<OpenAIAdapter> => {
      const a = openai({ name: 'primary', baseURL: mock.url, apiKey: KEYS, keyPool: { store: await store(prefix), clock } });
      closers.push(() => a.close());
      return a;
    };
    const [a, b] = [await make(), await make()];
    await createClient({ adapter: a }).chat(REQ); // key 1: 429 → cooled in Redis; key 2 answers
    expect(mock.requests.map((r) => r.keyIndex)).toEqual([0, 1]);
    const { meta } = await createClient({ adapter: b }).chat(REQ); // b's own turn would start at key 1
    expect(meta.attemptLog[0]).toMatchObject({ key: keyFingerprint(KEYS[1]!) });
    expect(meta.attemptLog[0]!.keysTried).toBeUndefined();
    expect(mock.requests.map((r) => r.keyIndex)).toEqual([0, 1, 1]);
    expect((await b.keyPool!.snapshot()).keys[0]).toMatchObject({ state: 'cooling', retryAfterMs: 30_000 });
    clock.advance(30_000);
    await createClient({ adapter: b }).chat(REQ);
    expect(mock.requests.at(-1)!.keyIndex).toBe(2); // b's rotation goes on; key 1 is in it again
  });

  it('while Redis is unreachable it answers from process memory, and the pool keeps working', async () => {
    const connection = new RedisConnection({ url: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 100 });
    connections.push(connection);
    const s = new RedisKeyPoolStore({ connection, prefix: uniquePrefix('kp-down') });
    const mock = await startMockProvider({ apiKey: KEYS, script: { preset: 'rate_limit', retryAfter: 9 } });
    closers.push(() => mock.close());
    const adapter = openai({ baseURL: mock.url, apiKey: KEYS, keyPool: { store: s, clock: new ManualClock(Date.now()) } });
    closers.push(() => adapter.close());
    const first = await createClient({ adapter }).chat(REQ).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(RateLimitError);
    expect(first).toMatchObject({ message: 'openai: all 3 API keys are set aside (3 cooling down after 429); the first is back in 9000 ms', retryAfterMs: 9_000 });
    await expect(createClient({ adapter }).chat(REQ)).rejects.toBeInstanceOf(RateLimitError);
    expect(mock.requests).toHaveLength(3);
    expect(s.redisStats()).toMatchObject({ redis: 0, fallbacks: expect.any(Number) });
    expect(s.redisStats().fallbacks).toBeGreaterThanOrEqual(4);
  });

  it('rejects invalid options', () => {
    expect(() => new RedisKeyPoolStore({ url: 'redis://127.0.0.1:1', prefix: 'a b' })).toThrow('RedisKeyPoolStore: prefix must be 1-64 characters without whitespace or braces, got "a b"');
    expect(() => new RedisKeyPoolStore({ url: 'redis://127.0.0.1:1', retentionMs: 0 })).toThrow('RedisKeyPoolStore: retentionMs must be a positive integer, got 0');
    expect(() => new RedisKeyPoolStore(null as never)).toThrow('RedisKeyPoolStore: options must be an object, got null');
  });
});
