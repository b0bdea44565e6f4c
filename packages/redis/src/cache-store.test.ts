import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { AbortError, createClient, ServerError, type ChatRequest } from '@lifeline/core';
import { cache, cacheKey, type CacheEntry } from '@lifeline/cache';
import { RedisConnection } from './connection.js';
import { RedisCacheStore } from './cache-store.js';
import { redisSingleFlight } from './flight-scope.js';
import { fakeAdapter } from '../test/fake-adapter.js';
import { redisUrl, uniquePrefix, until, within } from '../test/helpers.js';

const connections: RedisConnection[] = [];
async function store(prefix: string, options: Partial<ConstructorParameters<typeof RedisCacheStore>[0]> = {}): Promise<RedisCacheStore> {
  const connection = new RedisConnection({ url: redisUrl(), timeoutMs: 2000 });
  connections.push(connection);
  expect(await connection.ready()).toBe(true);
  return new RedisCacheStore({ connection, prefix, ...options });
}
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
});

const request: ChatRequest = { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'What is the capital of France?' }] };
const entry = (content: string): CacheEntry => ({
  v: 1, kind: 'response', createdAt: Date.now(), expiresAt: Date.now() + 60_000, staleUntil: Date.now() + 60_000,
  response: { id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }] },
});

describe('RedisCacheStore', () => {
  it('an entry written by one process is a hit in another', async () => {
    const prefix = uniquePrefix('cache-share');
    const adapter = fakeAdapter();
    const storeA = await store(prefix);
    const writes: Array<Promise<void>> = [];
    const set = storeA.set.bind(storeA);
    storeA.set = (...args) => {
      const write = set(...args);
      writes.push(write);
      return write;
    };
    const a = createClient({ adapter, use: [cache({ ttlMs: 60_000, store: storeA })] });
    const b = createClient({ adapter, use: [cache({ ttlMs: 60_000, store: await store(prefix) })] });
    expect((await a.chat(request)).meta.cache).toBe('miss');
    expect(writes).toHaveLength(1);
    await Promise.all(writes); // cache() writes after answering, without waiting
    const second = await b.chat(request);
    expect(second.meta.cache).toBe('hit');
    expect(second.response.choices[0]!.message.content).toBe('answer #1');
    expect(adapter.calls).toBe(1);
  });

  it('stores values as v1:<json> with the TTL as PX, under a hashed key', async () => {
    const prefix = uniquePrefix('cache-format');
    const s = await store(prefix);
    const key = cacheKey(request, 'tenant-secret');
    await s.set(key, entry('hello'), 5_000);
    const redisKey = s.keys.cacheEntry(key);
    expect(redisKey).toBe(`${prefix}:cache:v1:{${key}}`);
    expect(redisKey).not.toContain('tenant-secret');
    const raw = await s.connection.call<string>('cache', 'test', ['GET', redisKey]);
    expect(raw.startsWith('v1:{')).toBe(true);
    const pttl = await s.connection.call<number>('cache', 'test', ['PTTL', redisKey]);
    expect(pttl).toBeGreaterThan(4_000);
    expect(pttl).toBeLessThanOrEqual(5_000);
    const read = await s.get(key);
    expect(read).toEqual(JSON.parse(raw.slice(3)));
    expect(read?.kind === 'response' && read.response.choices[0]!.message.content).toBe('hello');
    await s.delete(key);
    expect(await s.get(key)).toBeUndefined();
  });

  it('reads a value of another format version, or a corrupt one, as a miss', async () => {
    const s = await store(uniquePrefix('cache-version'), { coalesce: false });
    await s.connection.call('cache', 'test', ['SET', s.keys.cacheEntry('k1'), 'v2:{"future":true}']);
    await s.connection.call('cache', 'test', ['SET', s.keys.cacheEntry('k2'), 'v1:{not json']);
    await s.connection.call('cache', 'test', ['SET', s.keys.cacheEntry('k3'), 'v1:{"v":0,"kind":"response"}']);
    expect(await s.get('k1')).toBeUndefined();
    expect(await s.get('k2')).toBeUndefined();
    expect(await s.get('k3')).toBeUndefined();
    expect(s.redisStats().unreadable).toBe(3);
  });

  it('refuses an entry above maxEntryBytes with a RangeError, and stores nothing', async () => {
    const s = await store(uniquePrefix('cache-size'), { maxEntryBytes: 1024 });
    const big = entry('x'.repeat(2000));
    const size = Buffer.byteLength(`v1:${JSON.stringify(big)}`);
    await expect(s.set('big', big, 1000)).rejects.toThrow(new RangeError(`RedisCacheStore: entry of ${size} bytes exceeds maxEntryBytes (1024); not stored`));
    expect(await s.connection.call('cache', 'test', ['EXISTS', s.keys.cacheEntry('big')])).toBe(0);
    expect(s.redisStats().oversize).toBe(1);
  });

  it('concurrent identical misses in 4 processes make ONE upstream call; every caller gets its answer', async () => {
    const prefix = uniquePrefix('cache-flight');
    const adapter = fakeAdapter({ delayMs: 150 });
    const clients = await Promise.all([0, 1, 2, 3].map(async () => createClient({ adapter, use: [redisSingleFlight(), cache({ ttlMs: 60_000, store: await store(prefix) })] })));
    const results = await Promise.all(clients.flatMap((c) => [c.chat(request), c.chat(request), c.chat(request)]));
    expect(adapter.calls).toBe(1);
    expect(results.map((r) => r.response.choices[0]!.message.content)).toEqual(Array(12).fill('answer #1'));
    const statuses = results.map((r) => r.meta.cache).sort();
    expect(statuses.filter((s) => s === 'miss')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'coalesced')).toHaveLength(2); // the leader's own process
    expect(statuses.filter((s) => s === 'hit')).toHaveLength(9); // the other processes, given the leader's entry
  });

  it("a failed leader releases the other processes' followers at once (redisSingleFlight), who then call upstream themselves", async () => {
    const prefix = uniquePrefix('cache-fail');
    const adapter = fakeAdapter({ delayMs: 100, fail: (n) => (n === 1 ? new ServerError('upstream 503', { provider: 'fake', status: 503 }) : undefined) });
    // Unreleased, the lock would hold the followers for 10 minutes: far past the 10 s they get.
    const stores = await Promise.all([0, 1, 2].map(() => store(prefix, { lockTtlMs: 600_000, maxWaitMs: 600_000 })));
    const clients = stores.map((s) => createClient({ adapter, use: [redisSingleFlight(), cache({ ttlMs: 60_000, store: s })] }));
    const settled = await within('the followers of the failed leader', Promise.allSettled(clients.map((c) => c.chat(request))));
    expect(settled).toBeInstanceOf(Array);
    const results = settled as PromiseSettledResult<unknown>[];
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(ServerError);
    expect(((failed[0] as PromiseRejectedResult).reason as Error).message).toBe('upstream 503');
    // The failed leader's call, then the released followers race for the lock on a real Redis:
    // one leads and the other either waits for it (2 calls) or has already passed the lock check
    // (3 calls). Both are correct; which one happens depends on the scheduling of two processes.
    expect(adapter.calls).toBeGreaterThanOrEqual(2);
    expect(adapter.calls).toBeLessThanOrEqual(3);
  });

  it('peek() neither waits on nor takes a lock: crossed embedding batches cannot stall each other', async () => {
    const s = await store(uniquePrefix('cache-peek'), { lockTtlMs: 10_000 });
    await s.connection.call('cache', 'test', ['SET', s.keys.cacheLock('held'), 'other-process', 'PX', '10000']);
    // A get() here would wait on the other process for up to maxWaitMs (30 s): peek() answers at once.
    expect(await s.peek('held')).toBeUndefined();
    expect(await s.peek('free')).toBeUndefined();
    expect(await s.connection.call('cache', 'test', ['EXISTS', s.keys.cacheLock('free')])).toBe(0);
    expect(s.redisStats()).toMatchObject({ led: 0, followed: 0 });
    await s.set('free', entry('x'), 1000);
    expect(await s.peek('free')).toMatchObject({ kind: 'response' });
  });

  it('record only (ttlMs 0): a call without max-age neither waits on nor takes a lock, and reads the recording with peek() after an outage', async () => {
    const s = await store(uniquePrefix('cache-record-only'), { lockTtlMs: 10_000 });
    const key = cacheKey(request, undefined);
    // Another process is calling upstream for the same request and holds the single-flight lock.
    await s.connection.call('cache', 'test', ['SET', s.keys.cacheLock(key), 'other-process', 'PX', '10000']);
    const adapter = fakeAdapter({ fail: (n) => (n === 2 ? new ServerError('upstream 503', { provider: 'fake', status: 503 }) : undefined) });
    const client = createClient({ adapter, use: [redisSingleFlight(), cache({ ttlMs: 0, staleIfErrorMs: 60_000, store: s })] });
    // A get() would follow the other process's flight for up to maxWaitMs (30 s), then ignore its entry.
    const first = await client.chat(request);
    expect(first.meta.cache).toBe('miss');
    const stale = await client.chat(request);
    expect([stale.meta.cache, stale.response.choices[0]!.message.content]).toEqual(['stale', 'answer #1']);
    expect(adapter.calls).toBe(2);
    expect(s.redisStats()).toMatchObject({ led: 0, followed: 0 });
  });

  it("a no-cache call does not wait on another process's flight it would not be answered from", async () => {
    const s = await store(uniquePrefix('cache-no-cache'), { lockTtlMs: 10_000 });
    const key = cacheKey(request, undefined);
    await s.connection.call('cache', 'test', ['SET', s.keys.cacheLock(key), 'other-process', 'PX', '10000']);
    const adapter = fakeAdapter();
    const client = createClient({ adapter, use: [redisSingleFlight(), cache({ ttlMs: 60_000, store: s })] });
    const refreshed = await client.chat(request, { metadata: { cacheControl: 'no-cache' } });
    expect([refreshed.meta.cache, adapter.calls]).toEqual(['miss', 1]);
    expect(s.redisStats()).toMatchObject({ led: 0, followed: 0 });
  });

  it("a crashed leader's lock expires and a waiting process takes over as leader", async () => {
    const s = await store(uniquePrefix('cache-crash'));
    await s.connection.call('cache', 'test', ['SET', s.keys.cacheLock('k'), 'dead-process', 'PX', '150']);
    expect(await s.get('k')).toBeUndefined(); // waited for the lock to expire, then led
    expect(await s.connection.call('cache', 'test', ['GET', s.keys.cacheLock('k')])).not.toBe('dead-process');
    expect(s.redisStats()).toMatchObject({ led: 1, followed: 0 });
    await s.set('k', entry('late'), 1000);
    expect(await s.connection.call('cache', 'test', ['EXISTS', s.keys.cacheLock('k')])).toBe(0); // set released it
  });

  it('a follower stops waiting when its own caller aborts', async () => {
    // Left waiting, the follower would wait 10 minutes for the other process's lock: far past the 10 s it gets.
    const s = await store(uniquePrefix('cache-abort'), { lockTtlMs: 600_000, maxWaitMs: 600_000 });
    const key = cacheKey(request, undefined);
    await s.connection.call('cache', 'test', ['SET', s.keys.cacheLock(key), 'other-process', 'PX', '600000']);
    // The store's own read, watched: the pipeline rejects an aborted call by itself, so the call's
    // AbortError alone would not show that the follower stopped waiting.
    const reads: Array<Promise<CacheEntry | undefined>> = [];
    const get = s.get.bind(s);
    s.get = (k) => {
      const read = get(k);
      reads.push(read);
      return read;
    };
    const adapter = fakeAdapter();
    const client = createClient({ adapter, use: [redisSingleFlight(), cache({ ttlMs: 60_000, store: s })] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await within('the aborted follower', client.chat(request, { signal: controller.signal }).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(AbortError);
    expect(reads).toHaveLength(1);
    expect(await within("the follower's read after the abort", reads[0]!)).toBeUndefined();
    expect(adapter.calls).toBe(0);
    expect(s.redisStats()).toMatchObject({ led: 0, followed: 0 });
  });

  it("a leader's lock is renewed every lockTtlMs / 3 while its call runs, back to lockTtlMs (redisSingleFlight)", async () => {
    // Only the renewal timer is fake. Redis counts the lock's TTL down in real time, so rather than
    // wait for it to run low (and fail whenever this process is descheduled for 2/3 of it), the test
    // lowers it with PEXPIRE, as if most of lockTtlMs had passed, then moves the renewal timer.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const prefix = uniquePrefix('cache-renew');
    let leaderUpstream!: () => void;
    const upstream = new Promise<void>((resolve) => (leaderUpstream = resolve));
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const adapter = fakeAdapter({ gate: () => (leaderUpstream(), answered) });
    const stores = await Promise.all([0, 1].map(() => store(prefix, { lockTtlMs: 60_000 })));
    const clients = stores.map((s) => createClient({ adapter, use: [redisSingleFlight(), cache({ ttlMs: 60_000, store: s })] }));
    const leader = clients[0]!.chat(request);
    await upstream; // the leader holds the lock, its call runs until answer()
    const lock = stores[0]!.keys.cacheLock(cacheKey(request, undefined));
    const redis = (...args: string[]) => stores[0]!.connection.call('cache', 'test', args);
    for (let renewal = 1; renewal <= 2; renewal++) {
      await redis('PEXPIRE', lock, '10000'); // as if 50 of its 60 s had passed
      vi.advanceTimersByTime(19_999);
      expect(await redis('PTTL', lock)).toBeLessThanOrEqual(10_000); // not renewed before lockTtlMs / 3
      vi.advanceTimersByTime(1);
      await until(`renewal ${renewal}`, async () => ((await redis('PTTL', lock)) as number) > 30_000);
    }
    const follower = clients[1]!.chat(request); // waits for the leader: the lock is still held
    answer();
    expect((await leader).meta.cache).toBe('miss');
    expect((await follower).meta.cache).toBe('hit');
    expect(adapter.calls).toBe(1);
  });

  it('single-flight covers streams: followers in other processes get the recorded stream', async () => {
    const prefix = uniquePrefix('cache-stream');
    const adapter = fakeAdapter({ delayMs: 150 });
    const clients = await Promise.all([0, 1, 2].map(async () => createClient({ adapter, use: [redisSingleFlight(), cache({ ttlMs: 60_000, store: await store(prefix) })] })));
    const read = async (c: (typeof clients)[number]) => {
      const stream = c.stream(request);
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return { text, cache: (await stream.result).meta.cache };
    };
    const results = await Promise.all(clients.map(read));
    expect(adapter.calls).toBe(1);
    expect(results.map((r) => r.text)).toEqual(['answer #1', 'answer #1', 'answer #1']);
    expect(results.map((r) => r.cache).sort()).toEqual(['hit', 'hit', 'miss']);
  });

  it("set() never releases another process's lock", async () => {
    const s = await store(uniquePrefix('cache-lock'));
    await s.connection.call('cache', 'test', ['SET', s.keys.cacheLock('k'), 'other-process', 'PX', '10000']);
    await s.set('k', entry('mine'), 1000);
    expect(await s.connection.call('cache', 'test', ['GET', s.keys.cacheLock('k')])).toBe('other-process');
  });
});
