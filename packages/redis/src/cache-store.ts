/**
 * `RedisCacheStore`: the cache's entries in Redis — shared by every process, with TTL, a size
 * cap per entry, versioned values, and cross-process single-flight.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { type CacheEntry, type CacheStore, isCacheEntry, memoryStore } from '@lifeline/cache';
import { CACHE_GET, CACHE_SET } from './cache-scripts.js';
import { CACHE_DEFAULTS, type RedisCacheStoreOptions, validateCacheOptions } from './cache-options.js';
import type { RedisCallError } from './call-error.js';
import type { RedisConnection } from './connection.js';
import { RedisUnavailableError } from './errors.js';
import { publishRedisEvent } from './events.js';
import { FlightWaiters, POLL_MS } from './flight.js';
import { currentFlightScope } from './flight-scope.js';
import { LeaderLocks } from './leader-locks.js';
import { KeySpace, keyDigest, VALUE_VERSION } from './keys.js';
import { connectionFrom, type RedisStoreStats, StoreGuard } from './store-base.js';

/** Counters of a {@link RedisCacheStore}. */
export interface RedisCacheStats extends RedisStoreStats {
  /** Misses on which this process took the lock and called upstream for everyone. */
  led: number;
  /** Gets answered with another process's entry after waiting for it. */
  followed: number;
  /** Entries refused for being larger than `maxEntryBytes`. */
  oversize: number;
  /** Values of an unknown format (another version, corrupt), read as misses. */
  unreadable: number;
}

type GetReply = [0] | [1, string] | [2] | [3] | [4, number];

const PREFIX = `${VALUE_VERSION}:`;

/**
 * A `CacheStore` (of `@lifeline/cache`) on Redis. Values are `v1:<entry JSON>` with a PX expiry
 * of the entry's fresh + stale time; anything else reads as a miss. On a miss the first process
 * takes a lock (`SET NX PX`) and leads; the others wait for its entry (woken by pub/sub, or by
 * polling with backoff) and get it as a hit; a crashed leader's lock expires after `lockTtlMs`.
 * When Redis cannot answer within `timeoutMs`, the process-local `fallback` answers.
 *
 * @example
 * ```ts
 * const store = new RedisCacheStore({ url: process.env.REDIS_URL });
 * createClient({ adapter, use: [redisSingleFlight(), cache({ ttlMs: 600_000, store })] });
 * ```
 */
export class RedisCacheStore implements CacheStore {
  readonly connection: RedisConnection;
  readonly keys: KeySpace;
  /** The process-local store used while Redis is unavailable. */
  readonly fallback: CacheStore;
  readonly #owned: boolean;
  readonly #guard: StoreGuard;
  readonly #o: typeof CACHE_DEFAULTS & RedisCacheStoreOptions;
  readonly #token = randomUUID();
  readonly #waiters: FlightWaiters;
  readonly #locks: LeaderLocks;
  readonly #extra = { led: 0, followed: 0, oversize: 0, unreadable: 0 };

  /** @throws `ConfigurationError` (from `@lifeline/core`) naming an invalid option */
  constructor(options: RedisCacheStoreOptions) {
    validateCacheOptions(options);
    ({ connection: this.connection, owned: this.#owned } = connectionFrom('RedisCacheStore', options));
    this.#o = { ...CACHE_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
    this.keys = new KeySpace(options.prefix);
    this.fallback = options.fallback ?? memoryStore();
    this.#guard = new StoreGuard(this.connection, 'cache');
    this.#waiters = new FlightWaiters(this.connection, this.keys.flightChannel());
    this.#locks = new LeaderLocks(this.connection, this.keys, this.#token, this.#o.lockTtlMs);
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    return this.#guard.attempt('get', () => this.#get(key, this.#o.coalesce), (f) => this.#unavailable('get', f, () => this.fallback.get(key)));
  }

  /** The entry under `key`, without taking or waiting on a single-flight lock (the cache reads embedding items with it). */
  async peek(key: string): Promise<CacheEntry | undefined> {
    return this.#guard.attempt('get', () => this.#get(key, false), (f) => this.#unavailable('get', f, () => this.fallback.get(key)));
  }

  async set(key: string, entry: CacheEntry, ttlMs: number): Promise<void> {
    const lockKey = this.keys.cacheLock(key);
    try {
      if (!Number.isFinite(ttlMs)) throw new RangeError(`RedisCacheStore: ttlMs must be a finite number, got ${ttlMs}`);
      const value = PREFIX + JSON.stringify(entry);
      const bytes = Buffer.byteLength(value);
      if (bytes > this.#o.maxEntryBytes) {
        this.#extra.oversize++;
        void this.#locks.release(key);
        const message = `RedisCacheStore: entry of ${bytes} bytes exceeds maxEntryBytes (${this.#o.maxEntryBytes}); not stored`;
        publishRedisEvent(() => ({ type: 'oversize', store: 'cache', op: 'set', message }));
        throw new RangeError(message);
      }
      const px = Math.max(1, Math.ceil(ttlMs));
      const done = FlightWaiters.message('done', keyDigest(key));
      await this.#guard.attempt(
        'set',
        () => this.connection.run('cache', CACHE_SET, [this.keys.cacheEntry(key), lockKey], [value, px, this.#token, this.keys.flightChannel(), done]),
        (f) => this.#unavailable('set', f, () => this.fallback.set(key, entry, ttlMs)),
      );
    } finally {
      this.#locks.forget(lockKey);
    }
  }

  async delete(key: string): Promise<void> {
    await this.fallback.delete(key);
    await this.#guard.attempt(
      'delete',
      () => this.connection.call('cache', 'delete', ['DEL', this.keys.cacheEntry(key)]),
      (f) => this.#unavailable('delete', f, () => undefined),
    );
  }

  /** Counters: Redis calls, failures, fallbacks, and single-flight leads/follows. */
  redisStats(): RedisCacheStats {
    return { ...this.#guard.stats(), ...this.#extra };
  }

  /** Releases held locks and closes the connection if this store made it. */
  async close(): Promise<void> {
    this.#locks.clear();
    if (this.#owned) await this.connection.close();
  }

  async #get(key: string, coalesce: boolean): Promise<CacheEntry | undefined> {
    const keys = [this.keys.cacheEntry(key), this.keys.cacheLock(key)];
    const reply = await this.connection.run<GetReply>('cache', CACHE_GET, keys, [this.#token, this.#o.lockTtlMs, coalesce ? 1 : 0]);
    switch (reply[0]) {
      case 1:
        return this.#decode(reply[1]);
      case 2:
        this.#extra.led++;
        this.#locks.hold(key);
        return undefined;
      case 4:
        return this.#follow(key);
      default:
        return undefined;
    }
  }

  /** Waits for the leader's entry; undefined means "call upstream yourself" (this process may now lead). */
  async #follow(key: string): Promise<CacheEntry | undefined> {
    const scope = currentFlightScope();
    const digest = keyDigest(key);
    const until = Math.min(Date.now() + this.#o.maxWaitMs, scope?.deadline ?? Infinity);
    const keys = [this.keys.cacheEntry(key), this.keys.cacheLock(key)];
    for (let delay: number = POLL_MS.first; ; delay = Math.min(delay * 2, POLL_MS.max)) {
      const left = until - Date.now();
      if (left <= 0) return undefined;
      const reason = await this.#waiters.wait(digest, Math.min(delay, left), scope?.signal);
      if (reason === 'aborted' || reason === 'failed') return undefined;
      const reply = await this.connection.run<GetReply>('cache', CACHE_GET, keys, [this.#token, this.#o.lockTtlMs, 1]);
      if (reply[0] === 4) continue;
      if (reply[0] === 1) {
        const entry = this.#decode(reply[1]);
        if (entry) this.#extra.followed++;
        return entry;
      }
      if (reply[0] === 2) {
        this.#extra.led++;
        this.#locks.hold(key);
      }
      return undefined;
    }
  }

  #decode(value: string): CacheEntry | undefined {
    if (value.startsWith(PREFIX)) {
      try {
        const parsed: unknown = JSON.parse(value.slice(PREFIX.length));
        if (isCacheEntry(parsed)) return parsed;
      } catch {
        // corrupt: a miss
      }
    }
    this.#extra.unreadable++;
    return undefined;
  }

  #unavailable<T>(op: string, failure: RedisCallError, local: () => T | Promise<T>): T | Promise<T> {
    if (this.#o.failMode === 'open') {
      this.#guard.fellBack(op, failure);
      return local();
    }
    throw this.#guard.refused(op, failure, new RedisUnavailableError(`RedisCacheStore: ${op} failed and failMode is 'closed': ${failure.message}`, { cause: failure }));
  }
}
