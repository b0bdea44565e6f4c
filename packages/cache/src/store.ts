/**
 * The store interface: where cache entries live. A memory store ships here; a Redis store
 * implements the same members elsewhere.
 * @module
 */
import type { CacheEntry } from './entry.js';

/** Size of a store, for health pages and metrics. */
export interface StoreStats {
  /** Entries held (expired ones may count until they are evicted or read). */
  entries: number;
  /** Bytes held, as the store measures them (the memory store: UTF-8 JSON of key and entry). */
  bytes: number;
}

/**
 * Where entries live. All operations are async so a networked store fits; the cache treats a
 * rejected `get` as a miss and a rejected `set` as "not stored" (and publishes the error on
 * `lifeline:cache`), so a store outage never fails a call.
 *
 * Contract: `set` must not keep references into the entry it is given (copy or serialise it
 * before it returns or first awaits), and `get` may return a shared object that callers must not
 * mutate (the memory store freezes it). A store that keeps entries as text should also implement
 * `setSerialized`: the cache then hands it the entry's JSON, which it has made anyway, and never
 * makes the store serialise the same entry again.
 *
 * @example
 * ```ts
 * const store: CacheStore = {
 *   async get(key) { const s = await redis.get(key); return s ? JSON.parse(s) : undefined; },
 *   async set(key, entry, ttlMs) { await redis.set(key, JSON.stringify(entry), 'PX', ttlMs); },
 *   async setSerialized(key, json, ttlMs) { await redis.set(key, json, 'PX', ttlMs); },
 *   async delete(key) { await redis.del(key); },
 * };
 * ```
 */
export interface CacheStore {
  /** The entry stored under `key`, or `undefined` when there is none (or it expired). */
  get(key: string): Promise<CacheEntry | undefined>;
  /** Stores `entry` under `key` for `ttlMs` milliseconds (fresh time plus the stale window). */
  set(key: string, entry: CacheEntry, ttlMs: number): Promise<void>;
  /**
   * Optional fast path: stores the entry whose JSON is `json` (exactly `JSON.stringify` of a
   * {@link CacheEntry}) under `key` for `ttlMs` milliseconds. When present, the cache calls it
   * instead of `set`; `get` must then return that entry (parsed), like after `set`.
   */
  setSerialized?(key: string, json: string, ttlMs: number): Promise<void>;
  /**
   * Optional: the entry under `key`, without taking part in any single-flight of the store (no
   * lock taken, no wait for another reader's answer). The cache reads embedding items with it: a
   * batch reads many keys at once, and waiting on some while leading others could stall two
   * batches on each other. Without it, `get` is used.
   */
  peek?(key: string): Promise<CacheEntry | undefined>;
  /**
   * Optional, for a store that answers at once (in-process, like `memoryStore`): `get`,
   * synchronously. The cache then reads without awaiting (a hit costs no promise of the store's).
   */
  getNow?(key: string): CacheEntry | undefined;
  /** Optional: `setSerialized`, synchronously (see {@link CacheStore.getNow}); the cache prefers it. */
  setSerializedNow?(key: string, json: string, ttlMs: number): void;
  /** Removes the entry under `key`, if any. */
  delete(key: string): Promise<void>;
  /** Current size, when the store can tell cheaply and synchronously. */
  stats?(): StoreStats;
}
