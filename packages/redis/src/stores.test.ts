import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigurationError } from '@lifeline/core';
import type { CacheStore } from '@lifeline/cache';
import type { BreakerStore } from '@lifeline/circuit-breaker';
import type { BudgetStore } from '@lifeline/pricing';
import type { RateLimitStore } from '@lifeline/rate-limit';
import { createRedisStores } from './stores.js';
import { RedisCacheStore } from './cache-store.js';
import { RedisBreakerStore } from './breaker-store.js';
import { RedisRateLimitStore } from './rate-limit-store.js';
import { RedisConnection } from './connection.js';
import { RedisUnavailableError } from './errors.js';
import { redisSingleFlight } from './flight-scope.js';
import { freePort } from '../test/redis-server.js';
import { redisUrl, uniquePrefix } from '../test/helpers.js';

describe('createRedisStores', () => {
  it('builds the four stores and the single-flight middleware on one connection', async () => {
    const prefix = uniquePrefix('stores');
    const stores = createRedisStores({ url: redisUrl(), prefix, timeoutMs: 2000 });
    try {
      expect(await stores.ready()).toBe(true);
      expectTypeOf(stores.cache).toMatchTypeOf<CacheStore>();
      expectTypeOf(stores.breaker).toMatchTypeOf<BreakerStore>();
      expectTypeOf(stores.rateLimit).toMatchTypeOf<RateLimitStore>();
      expectTypeOf(stores.budget).toMatchTypeOf<BudgetStore>();
      for (const s of [stores.cache, stores.breaker, stores.rateLimit, stores.budget]) expect(s.connection).toBe(stores.connection);
      expect(stores.singleFlight.name).toBe('redisSingleFlight');
      expect(stores.cache.keys.prefix).toBe(prefix);
      await stores.rateLimit.take({ key: 'k', providerKey: 'p', limits: { rpm: 10 }, now: 1, cost: { requests: 1, tokens: 1 } });
      expect(stores.stats()).toEqual({
        connection: { state: 'ready', reconnects: 0, timeouts: 0 },
        cache: { redis: 0, failures: 0, timeouts: 0, fallbacks: 0, rejected: 0, led: 0, followed: 0, oversize: 0, unreadable: 0 },
        breaker: { redis: 0, failures: 0, timeouts: 0, fallbacks: 0, rejected: 0 },
        rateLimit: { redis: 1, failures: 0, timeouts: 0, fallbacks: 0, rejected: 0 },
        budget: { redis: 0, failures: 0, timeouts: 0, fallbacks: 0, rejected: 0, deferredSettles: 0, lostSettles: 0 },
      });
    } finally {
      await stores.close();
    }
    expect(stores.stats().connection.state).toBe('closed');
  });

  it('validates its options, naming the field and value', () => {
    expect(() => createRedisStores({ url: 'redis://x', prefix: 'has space' })).toThrow(
      new ConfigurationError('createRedisStores: prefix must be 1-64 characters without whitespace or braces, got "has space"'),
    );
    expect(() => createRedisStores({ url: 'redis://x', cache: 5 as never })).toThrow(new ConfigurationError('createRedisStores: cache must be an object, got 5'));
    expect(() => createRedisStores({ url: 'redis://x', cache: { maxEntryBytes: 0 } })).toThrow(new ConfigurationError('RedisCacheStore: maxEntryBytes must be a positive integer, got 0'));
    expect(() => createRedisStores({ url: 'redis://x', budget: { failMode: 'maybe' as never } })).toThrow(
      new ConfigurationError(`RedisBudgetStore: failMode must be 'open' or 'closed', got "maybe"`),
    );
    expect(() => createRedisStores({ url: 'redis://x', rateLimit: { fallbackShare: 2 } })).toThrow(new ConfigurationError('RedisRateLimitStore: fallbackShare must be a number in (0, 1], got 2'));
    expect(() => redisSingleFlight({ releaseGraceMs: -1 })).toThrow(new ConfigurationError('redisSingleFlight: releaseGraceMs must be a non-negative number, got -1'));
    const connection = new RedisConnection({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 10 });
    expect(() => new RedisBreakerStore({ connection, url: 'redis://x' })).toThrow(new ConfigurationError('RedisBreakerStore: give connection, or url/client, not both'));
    return connection.close();
  });
});

describe('fail modes while Redis is unreachable', () => {
  async function offline(): Promise<RedisConnection> {
    return new RedisConnection({ url: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 100 });
  }

  it("failMode 'closed' rejects with RedisUnavailableError naming the store and operation", async () => {
    const connection = await offline();
    try {
      const breaker = new RedisBreakerStore({ connection, failMode: 'closed' });
      await expect(breaker.get('k')).rejects.toThrow(
        new RedisUnavailableError("RedisBreakerStore: get failed and failMode is 'closed': Redis is unavailable (not connected, or failed within retryAfterMs)"),
      );
      const cacheStore = new RedisCacheStore({ connection, failMode: 'closed' });
      await expect(cacheStore.get('k')).rejects.toBeInstanceOf(RedisUnavailableError);
      expect(breaker.redisStats()).toMatchObject({ rejected: 1, fallbacks: 0 });
    } finally {
      await connection.close();
    }
  });

  it("failMode 'open' (the default) answers from process-local state; rate limits scaled by fallbackShare", async () => {
    const connection = await offline();
    try {
      const rl = new RedisRateLimitStore({ connection, fallbackShare: 0.25 });
      const take = () => rl.take({ key: 'k', providerKey: 'p', limits: { rpm: 20 }, now: 1000, cost: { requests: 1, tokens: 1 } });
      const results = [];
      for (let i = 0; i < 6; i++) results.push((await take()).ok);
      expect(results).toEqual([true, true, true, true, true, false]); // 20 rpm × 0.25 = 5
      const breaker = new RedisBreakerStore({ connection });
      expect(await breaker.compareAndSet('k', 0, { state: { name: 'closed', since: 1 }, policy: null, epoch: 1, opens: 0 })).toBe(true);
      expect((await breaker.get('k'))?.version).toBe(2 ** 40 + 1);
      expect(await breaker.compareAndSet('k', 2 ** 40 + 1, { state: { name: 'closed', since: 1 }, policy: null, epoch: 2, opens: 0 })).toBe(true);
      expect(await breaker.compareAndSet('k', 7, { state: { name: 'closed', since: 1 }, policy: null, epoch: 3, opens: 0 })).toBe(false); // a Redis version
      const cacheStore = new RedisCacheStore({ connection });
      const entry = { v: 1 as const, kind: 'chunks' as const, chunks: [], createdAt: 1, expiresAt: 2, staleUntil: 3 };
      await cacheStore.set('k', entry, 60_000);
      expect(await cacheStore.get('k')).toEqual(entry);
      expect(cacheStore.redisStats()).toMatchObject({ fallbacks: 2, redis: 0 });
    } finally {
      await connection.close();
    }
  });
});
