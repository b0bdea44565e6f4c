/**
 * `createRedisStores()`: every shared store on one connection — the one call a gateway makes
 * to scale out.
 * @module
 */
import { ConfigurationError, type Middleware } from '@lifeline/core';
import { type RedisBudgetStats, RedisBudgetStore, type RedisBudgetStoreOptions } from './budget-store.js';
import { RedisBreakerStore, type RedisBreakerStoreOptions } from './breaker-store.js';
import { type RedisCacheStats, RedisCacheStore } from './cache-store.js';
import type { RedisCacheStoreOptions } from './cache-options.js';
import { type ConnectionStats, RedisConnection } from './connection.js';
import type { ConnectionOptions } from './connection-options.js';
import { redisSingleFlight, type RedisSingleFlightOptions } from './flight-scope.js';
import { DEFAULT_PREFIX, validatePrefix } from './keys.js';
import { RedisRateLimitStore, type RedisRateLimitStoreOptions } from './rate-limit-store.js';
import type { RedisStoreStats } from './store-base.js';

type StoreOnly<T> = Omit<T, keyof ConnectionOptions | 'connection' | 'prefix'>;

/** Options of {@link createRedisStores}: the connection, the prefix, and each store's own options. */
export interface RedisStoresOptions extends ConnectionOptions {
  /** First segment of every key; give each deployment sharing a Redis its own. @defaultValue `'lifeline'` */
  prefix?: string | undefined;
  /** Options of the cache store (`maxEntryBytes`, `failMode`, `lockTtlMs`, …). @defaultValue `{}` */
  cache?: StoreOnly<RedisCacheStoreOptions> | undefined;
  /** Options of the breaker store. @defaultValue `{}` */
  breaker?: StoreOnly<RedisBreakerStoreOptions> | undefined;
  /** Options of the rate-limit store (`fallbackShare`, …). @defaultValue `{}` */
  rateLimit?: StoreOnly<RedisRateLimitStoreOptions> | undefined;
  /** Options of the budget store (`failMode` defaults to `'closed'`). @defaultValue `{}` */
  budget?: StoreOnly<RedisBudgetStoreOptions> | undefined;
  /** Options of the `singleFlight` middleware. @defaultValue `{}` */
  singleFlight?: RedisSingleFlightOptions | undefined;
}

/** Counters of every store, and the connection's health. */
export interface RedisStoresStats {
  connection: ConnectionStats;
  cache: RedisCacheStats;
  breaker: RedisStoreStats;
  rateLimit: RedisStoreStats;
  budget: RedisBudgetStats;
}

/** What {@link createRedisStores} returns. */
export interface RedisStores {
  /** For `cache({ store })`. */
  readonly cache: RedisCacheStore;
  /** For `circuitBreaker({ store })`. */
  readonly breaker: RedisBreakerStore;
  /** For `rateLimit({ store })`. */
  readonly rateLimit: RedisRateLimitStore;
  /** For `budget({ store })`. */
  readonly budget: RedisBudgetStore;
  /** Put right outside `cache()` so cross-process single-flight sees how each leader's call ends. */
  readonly singleFlight: Middleware;
  /** The shared connection. */
  readonly connection: RedisConnection;
  /** Resolves true once connected, false after `timeoutMs` (calls meanwhile fall back or fail closed at once). */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Counters of every store and the connection's health, for a metrics endpoint. */
  stats(): RedisStoresStats;
  /** Resolves once every write-behind step (budget settlements, rate-limit corrections) made so far has landed. */
  flush(): Promise<void>;
  /** Flushes write-behind steps and deferred budget settlements, releases locks, closes the connection (if made here). */
  close(): Promise<void>;
}

/**
 * Every Lifeline store on one Redis (or Valkey) connection, so that many gateway processes
 * behind a load balancer share one rate limit, one breaker per target, one budget and one cache.
 * Connects in the background: a process starts even when Redis is down (stores fall back, or
 * budgets fail closed, until it is up).
 *
 * @param options - `url` or `client`, `prefix`, `timeoutMs`, per-store options
 * @returns the four stores, the single-flight middleware, `ready`, `stats` and `close`
 * @throws {@link ConfigurationError} when an option is invalid
 * @example
 * ```ts
 * const redis = createRedisStores({ url: process.env.REDIS_URL!, prefix: 'lifeline' });
 * await redis.ready();
 * const client = createClient({ use: [
 *   fallbackResponse(), redis.singleFlight, cache({ ttlMs: 600_000, store: redis.cache }),
 *   budget({ limitUsd: 50, window: 'day', store: redis.budget }), meter(),
 *   rateLimit({ rpm: 600, store: redis.rateLimit }), failover([primary, backup]), retry(),
 *   circuitBreaker({ store: redis.breaker }), timeout({ ms: 30_000 }),
 * ] });
 * ```
 */
export function createRedisStores(options: RedisStoresOptions): RedisStores {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError(`createRedisStores: options must be an object with url or client, got ${String(options)}`);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  validatePrefix('createRedisStores', prefix);
  for (const name of ['cache', 'breaker', 'rateLimit', 'budget', 'singleFlight'] as const) {
    const v = options[name];
    if (v !== undefined && (typeof v !== 'object' || v === null)) throw new ConfigurationError(`createRedisStores: ${name} must be an object, got ${String(v)}`);
  }
  const { cache, breaker, rateLimit, budget, singleFlight, prefix: _prefix, ...connectionOptions } = options;
  const connection = new RedisConnection(connectionOptions);
  const shared = { connection, prefix };
  const stores = {
    cache: new RedisCacheStore({ ...cache, ...shared }),
    breaker: new RedisBreakerStore({ ...breaker, ...shared }),
    rateLimit: new RedisRateLimitStore({ ...rateLimit, ...shared }),
    budget: new RedisBudgetStore({ ...budget, ...shared }),
  };
  return {
    ...stores,
    singleFlight: redisSingleFlight(singleFlight),
    connection,
    ready: (timeoutMs?: number) => connection.ready(timeoutMs),
    stats: () => ({
      connection: connection.stats(),
      cache: stores.cache.redisStats(),
      breaker: stores.breaker.redisStats(),
      rateLimit: stores.rateLimit.redisStats(),
      budget: stores.budget.redisStats(),
    }),
    async flush() {
      await Promise.all([stores.budget.flush(), stores.rateLimit.flush()]);
    },
    async close() {
      await stores.rateLimit.flush();
      await stores.budget.close();
      await stores.cache.close();
      await connection.close();
    },
  };
}
