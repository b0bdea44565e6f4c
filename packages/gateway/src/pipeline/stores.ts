/**
 * The state stores of a config-built pipeline: process memory (the default), or Redis when
 * `store.redis` is set — then every gateway on that Redis shares one cache, one breaker per
 * target, one rate limit per key and one budget per scope.
 * @module
 */
import { type CacheStore, memoryStore } from '@lifeline/cache';
import type { BreakerStore } from '@lifeline/circuit-breaker';
import type { Middleware } from '@lifeline/core';
import type { BudgetStore } from '@lifeline/pricing';
import type { RateLimitStore } from '@lifeline/rate-limit';
import type { KeyPoolStore } from '@lifeline/adapters';
import { createRedisStores, RedisKeyPoolStore } from '@lifeline/redis';
import { redactRedisUrl, redisPasswords, redisUrls } from '../config/validate-store.js';
import type { GatewayConfig, RedisStoreConfig } from '../config/types.js';
import { memoryResponseStore, type ResponseStore } from './response-store.js';
import { redisResponseStore } from './response-store-redis.js';
import type { CacheStatus, StoreStatus } from './types.js';

/** The stores handed to the middleware; `undefined` means the middleware's own memory store. */
export interface GatewayStores {
  /** The response cache's store (a memory LRU bounded by `cache.maxBytes`, or Redis with such an LRU as its fallback). */
  readonly cache: CacheStore | undefined;
  readonly breaker: BreakerStore | undefined;
  readonly rateLimit: RateLimitStore | undefined;
  readonly budget: BudgetStore | undefined;
  /** Where key pools keep cool-downs and quarantines (`undefined`: each pool's own memory). */
  readonly keyPool: KeyPoolStore | undefined;
  /** Cross-process single-flight, placed right outside `cache()` (Redis only). */
  readonly singleFlight: Middleware | undefined;
  /** Stored Responses API answers (`undefined` with `responses: false`). */
  readonly responses: ResponseStore | undefined;
  /** Size of the process-local part of the cache, when the entries themselves live in Redis. */
  localCache(): Pick<CacheStatus, 'entries' | 'bytes'> | undefined;
  status(): StoreStatus;
  /** Resolves true once connected (memory: at once), false after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Exact secrets (the Redis password) to scrub from messages. */
  readonly secrets: readonly string[];
  /** Flushes write-behind steps and closes the connection. Idempotent. */
  close(): Promise<void>;
}

const MEMORY: StoreStatus = { kind: 'memory' };

/**
 * Builds the stores a config asks for. Redis connects in the background: nothing here waits.
 *
 * @param config - the validated config
 * @returns the stores, their status and lifecycle
 * @throws `ConfigurationError` (from `@lifeline/core`) when `createRedisStores` refuses an option
 * @example
 * ```ts
 * const stores = createStores(config);
 * cache({ ttlMs, store: stores.cache });
 * ```
 */
export function createStores(config: GatewayConfig): GatewayStores {
  const maxBytes = config.cache === false ? undefined : config.cache.maxBytes;
  const redis = config.store.redis;
  const kept = config.responses === false ? undefined : { ttlMs: config.responses.ttlMs, maxBytes: config.responses.maxBytes };
  if (!redis) {
    return {
      responses: kept && memoryResponseStore(kept),
      cache: maxBytes === undefined ? undefined : memoryStore({ maxBytes }),
      breaker: undefined,
      rateLimit: undefined,
      budget: undefined,
      keyPool: undefined,
      singleFlight: undefined,
      localCache: () => undefined,
      status: () => MEMORY,
      ready: () => Promise.resolve(true),
      secrets: [],
      close: () => Promise.resolve(),
    };
  }
  // Record-only caching (ttlMs 0) merges no identical requests, across processes either.
  return redisStores(redis, maxBytes, kept, config.cache !== false && config.cache.ttlMs > 0);
}

function redisStores(o: RedisStoreConfig, maxBytes: number | undefined, kept: { ttlMs: number; maxBytes: number } | undefined, coalesce: boolean): GatewayStores {
  const fallback = memoryStore({ ...(maxBytes !== undefined && { maxBytes }) });
  const r = createRedisStores({
    ...(o.cluster ? { cluster: { rootNodes: o.cluster.rootNodes } } : { url: o.url }),
    prefix: o.prefix,
    timeoutMs: o.timeoutMs,
    cache: { fallback, coalesce },
    budget: { failMode: o.budgetFailMode },
    rateLimit: { fallbackShare: o.rateLimitFallbackShare },
  });
  const keyPool = new RedisKeyPoolStore({ connection: r.connection, prefix: o.prefix });
  const shown = redisUrls(o).map(redactRedisUrl);
  let closing: Promise<void> | undefined;
  return {
    cache: maxBytes === undefined ? undefined : r.cache,
    breaker: r.breaker,
    rateLimit: r.rateLimit,
    budget: r.budget,
    keyPool,
    singleFlight: maxBytes === undefined ? undefined : r.singleFlight,
    responses: kept && redisResponseStore(r.connection, o.prefix, kept),
    localCache() {
      const s = fallback.stats?.();
      return { entries: s?.entries ?? 0, bytes: s?.bytes ?? 0 };
    },
    status() {
      const s = r.stats();
      return {
        kind: 'redis',
        url: shown.join(','),
        prefix: o.prefix,
        state: s.connection.state,
        reconnects: s.connection.reconnects,
        timeouts: s.connection.timeouts,
        ...(s.connection.cluster && { cluster: { rootNodes: shown, shards: s.connection.cluster.shards, redirects: s.connection.cluster.redirects } }),
        stores: { cache: { ...s.cache }, breaker: { ...s.breaker }, rateLimit: { ...s.rateLimit }, budget: { ...s.budget } },
      };
    },
    ready: (timeoutMs) => r.ready(timeoutMs),
    secrets: redisUrls(o).flatMap(redisPasswords),
    close() {
      closing ??= r.close();
      return closing;
    },
  };
}
