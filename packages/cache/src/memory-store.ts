/**
 * `memoryStore()`: an in-process LRU bounded by entry count and by bytes.
 * @module
 */
import { type Clock, ConfigurationError, systemClock } from '@lifeline/core';
import { LRUCache } from 'lru-cache';
import { type CacheEntry, parseFrozen } from './entry.js';
import type { CacheStore, StoreStats } from './store.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most entries held; the least recently used is evicted first.
   * @defaultValue 10_000
   */
  maxEntries?: number;
  /**
   * Most bytes held, counted as the UTF-8 length of each entry's JSON plus its key. The JS heap
   * holds about 1.2× that for text answers (measured, see the package README). An entry larger
   * than this is not stored.
   * @defaultValue 67_108_864 (64 MiB)
   */
  maxBytes?: number;
  /**
   * Time source for expiry.
   * @defaultValue the system clock
   */
  clock?: Clock;
}

/** A {@link CacheStore} that lives in the process. */
export interface MemoryStore extends CacheStore {
  /** Stores the entry's JSON as is (the cache's path: it never serialises an entry twice). */
  setSerialized(key: string, json: string, ttlMs: number): Promise<void>;
  /** `get`, synchronously; `now` (the time on this store's clock, when the caller has just read it) saves a read. */
  getNow(key: string, now?: number): CacheEntry | undefined;
  /** `setSerialized`, synchronously. */
  setSerializedNow(key: string, json: string, ttlMs: number): void;
  stats(): StoreStats;
  /** Drops every entry. */
  clear(): void;
}

const DEFAULTS: Required<Omit<MemoryStoreOptions, 'clock'>> = {
  maxEntries: 10_000,
  maxBytes: 64 * 1024 * 1024,
};

/** An entry as its JSON until the first read, then as one frozen object (the JSON is released). */
interface Slot {
  json: string | undefined;
  entry: CacheEntry | undefined;
  expiresAt: number;
  size: number;
}

function positiveInt(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigurationError(`memoryStore: ${name} must be a positive integer, got ${String(value)}`);
  }
}

/**
 * An in-memory {@link CacheStore} on `lru-cache`, bounded by entry count and by bytes.
 * It keeps each entry as its JSON (`set` serialises the entry; `setSerialized`, the cache's
 * path, takes the JSON it already made), so it behaves exactly like a remote store: what cannot
 * be serialised is not kept, and later changes to the caller's objects do not leak in. The first
 * `get` parses the JSON into a deep-frozen object and keeps that instead; every later reader
 * shares it. An entry that is never read costs no parse at all.
 *
 * @param options - bounds and clock
 * @returns the store
 * @throws `ConfigurationError` (from `@lifeline/core`) when a bound is not a positive integer
 * @example
 * ```ts
 * const store = memoryStore({ maxEntries: 5_000, maxBytes: 32 * 1024 * 1024 });
 * const client = createClient({ adapter, use: [cache({ ttlMs: 600_000, store })] });
 * store.stats(); // { entries, bytes }
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxEntries = options.maxEntries ?? DEFAULTS.maxEntries;
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  positiveInt('maxEntries', maxEntries);
  positiveInt('maxBytes', maxBytes);
  const clock = options.clock ?? systemClock;
  const lru = new LRUCache<string, Slot>({
    max: maxEntries,
    maxSize: maxBytes,
    sizeCalculation: (slot) => slot.size,
  });

  function put(key: string, json: string, ttlMs: number): void {
    // Stryker disable next-line StringLiteral: Buffer.byteLength() counts UTF-8 when no encoding is named
    const size = Buffer.byteLength(json, 'utf8') + key.length;
    if (size > maxBytes || !(ttlMs > 0)) {
      lru.delete(key);
      return;
    }
    lru.set(key, { json, entry: undefined, expiresAt: clock.now() + ttlMs, size });
  }

  function getNow(key: string, now?: number): CacheEntry | undefined {
    const slot = lru.get(key);
    if (slot === undefined) return undefined;
    if ((now ?? clock.now()) >= slot.expiresAt) {
      lru.delete(key);
      return undefined;
    }
    if (slot.entry === undefined) {
      try {
        slot.entry = parseFrozen(slot.json!);
      } catch (error) {
        lru.delete(key); // only JSON handed to setSerialized by someone else can fail here
        throw error;
      }
      slot.json = undefined;
    }
    return slot.entry;
  }

  const store: Omit<MemoryStore, 'getNow' | 'setSerializedNow'> = {
    async get(key) {
      return getNow(key);
    },
    async set(key, entry, ttlMs) {
      put(key, JSON.stringify(entry), ttlMs);
    },
    async setSerialized(key, json, ttlMs) {
      put(key, json, ttlMs);
    },
    async delete(key) {
      lru.delete(key);
    },
    stats() {
      return { entries: lru.size, bytes: lru.calculatedSize };
    },
    clear() {
      lru.clear();
    },
  };
  // The synchronous twins are not enumerable: a wrapper made by spreading the store
  // (`{ ...memoryStore(), get: … }`) has only the async methods, so the cache calls its overrides.
  Object.defineProperties(store, {
    getNow: { value: getNow, enumerable: false, writable: true, configurable: true },
    setSerializedNow: { value: put, enumerable: false, writable: true, configurable: true },
  });
  return store as MemoryStore;
}
