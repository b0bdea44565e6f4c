/**
 * `@lifeline/redis`: shared state for many Lifeline processes on Redis or Valkey — cache,
 * circuit-breaker, rate-limit and budget stores with atomic Lua steps, cross-process
 * single-flight, per-call timeouts, and a documented fail-open / fail-closed choice per store.
 * @module
 */
export { createRedisStores, type RedisStores, type RedisStoresOptions, type RedisStoresStats } from './stores.js';
export { RedisConnection, type ConnectionStats } from './connection.js';
export type { ShardStats } from './cluster-health.js';
export { RedisCallError, type CallFailure } from './call-error.js';
export { CONNECTION_DEFAULTS, type ClusterOptions, type ConnectionOptions, type RedisClientLike, type RedisClusterLike } from './connection-options.js';
export { RedisCacheStore, type RedisCacheStats } from './cache-store.js';
export { CACHE_DEFAULTS, type RedisCacheStoreOptions } from './cache-options.js';
export { redisSingleFlight, type RedisSingleFlightOptions } from './flight-scope.js';
export { RedisBreakerStore, LOCAL_VERSION_BASE, type RedisBreakerStoreOptions } from './breaker-store.js';
export { RedisRateLimitStore, type RedisRateLimitStoreOptions } from './rate-limit-store.js';
export { RedisBudgetStore, type RedisBudgetStoreOptions, type RedisBudgetStats } from './budget-store.js';
export { RedisKeyPoolStore, type RedisKeyPoolStoreOptions } from './key-pool-store.js';
export { RedisUnavailableError, BudgetUnavailableError } from './errors.js';
export { REDIS_CHANNEL, type RedisEvent, type RedisEventType, type StoreKind } from './events.js';
export { KeySpace, keyDigest, DEFAULT_PREFIX, KEY_VERSIONS, VALUE_VERSION } from './keys.js';
export { hashSlot, CLUSTER_SLOTS } from './hash-slot.js';
export type { FailMode, RedisStoreStats } from './store-base.js';
