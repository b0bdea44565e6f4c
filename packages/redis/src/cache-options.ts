/**
 * Options of {@link RedisCacheStore}.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';
import type { CacheStore } from '@lifeline/cache';
import type { ConnectionOptions } from './connection-options.js';
import type { RedisConnection } from './connection.js';
import { validatePrefix } from './keys.js';
import { type FailMode, validateFailMode } from './store-base.js';

/** Options of {@link RedisCacheStore}. Give `connection`, or `url`/`client` to make one. */
export interface RedisCacheStoreOptions extends ConnectionOptions {
  /** A shared connection (from `createRedisStores` or `new RedisConnection`). Not with `url`/`client`. */
  connection?: RedisConnection | undefined;
  /** First segment of every key. @defaultValue `'lifeline'` */
  prefix?: string | undefined;
  /**
   * Largest entry stored, in bytes of its serialised form; a larger one is refused (`set`
   * rejects, the cache counts a store error and answers normally). The total is bounded by
   * Redis's own `maxmemory` and eviction policy, not here.
   * @defaultValue 1_048_576 (1 MiB)
   */
  maxEntryBytes?: number | undefined;
  /**
   * When Redis cannot answer: `'open'` reads and writes the process-local `fallback`;
   * `'closed'` rejects (the cache then treats it as a miss / not stored).
   * @defaultValue `'open'`
   */
  failMode?: FailMode | undefined;
  /** The process-local store used while Redis is unavailable. @defaultValue `memoryStore()` of `@lifeline/cache` */
  fallback?: CacheStore | undefined;
  /**
   * Cross-process single-flight: on a miss, the first process takes a lock and calls upstream;
   * the others wait for its entry (served to them as a hit). Pair with `redisSingleFlight()`.
   * @defaultValue true
   */
  coalesce?: boolean | undefined;
  /**
   * How long a leader's lock lives, in ms: renewed while its call runs (with
   * `redisSingleFlight()`), so this bounds how long a crashed leader blocks the others.
   * @defaultValue 10_000
   */
  lockTtlMs?: number | undefined;
  /**
   * Longest a follower waits for another process's entry, in ms; then it calls upstream
   * itself. The call's own deadline and abort also end the wait (with `redisSingleFlight()`).
   * @defaultValue 30_000
   */
  maxWaitMs?: number | undefined;
}

/** Defaults of {@link RedisCacheStoreOptions}. */
export const CACHE_DEFAULTS = {
  maxEntryBytes: 1_048_576,
  failMode: 'open',
  coalesce: true,
  lockTtlMs: 10_000,
  maxWaitMs: 30_000,
} as const satisfies Partial<Record<keyof RedisCacheStoreOptions, unknown>>;

function positiveInt(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)) {
    throw new ConfigurationError(`RedisCacheStore: ${name} must be a positive integer, got ${String(value)}`);
  }
}

/** @throws {@link ConfigurationError} naming the first invalid option and its value */
export function validateCacheOptions(o: RedisCacheStoreOptions): void {
  if (typeof o !== 'object' || o === null) throw new ConfigurationError(`RedisCacheStore: options must be an object, got ${String(o)}`);
  if (o.prefix !== undefined) validatePrefix('RedisCacheStore', o.prefix);
  positiveInt('maxEntryBytes', o.maxEntryBytes);
  positiveInt('lockTtlMs', o.lockTtlMs);
  positiveInt('maxWaitMs', o.maxWaitMs);
  validateFailMode('RedisCacheStore', o.failMode);
  if (o.coalesce !== undefined && typeof o.coalesce !== 'boolean') throw new ConfigurationError(`RedisCacheStore: coalesce must be a boolean, got ${String(o.coalesce)}`);
  const f = o.fallback;
  if (f !== undefined && (typeof f !== 'object' || f === null || typeof f.get !== 'function' || typeof f.set !== 'function' || typeof f.delete !== 'function')) {
    throw new ConfigurationError('RedisCacheStore: fallback must be a CacheStore (get, set, delete)');
  }
}
