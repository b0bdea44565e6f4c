/**
 * `BreakerStore`: where breaker records live — in memory by default, in a shared store (Redis)
 * to share breaker state across processes.
 * @module
 */
import { ConfigurationError } from '@lifeline/core';
import type { BreakerRecord } from './state.js';

/** A value, or a promise of it: stores may answer synchronously (memory) or not (network). */
export type MaybePromise<T> = T | Promise<T>;

/** A record with the version it was stored under (version 0 = absent; every write adds 1). */
export interface StoredBreaker {
  version: number;
  record: BreakerRecord;
}

/**
 * Storage of breaker records with optimistic concurrency. A synchronous implementation (like
 * {@link MemoryBreakerStore}) keeps the breaker's hot path free of awaits; an async one (Redis)
 * shares state between processes. Records are plain JSON.
 *
 * @example
 * ```ts
 * // Sketch of a Redis store: a Lua script implements compareAndSet on a { version, record } hash.
 * const store: BreakerStore = {
 *   get: async (key) => JSON.parse((await redis.get(`cb:${key}`)) ?? 'null') ?? undefined,
 *   set: async (key, record) => { await redis.eval(SET_SCRIPT, 1, `cb:${key}`, JSON.stringify(record)); },
 *   compareAndSet: async (key, v, record) => (await redis.eval(CAS_SCRIPT, 1, `cb:${key}`, v, JSON.stringify(record))) === 1,
 * };
 * ```
 */
export interface BreakerStore {
  /** The record of `key` and its version, or `undefined` when none is stored. */
  get(key: string): MaybePromise<StoredBreaker | undefined>;
  /** Stores `record` unconditionally (version + 1). Used by `isolate()` and `reset()`. */
  set(key: string, record: BreakerRecord): MaybePromise<void>;
  /**
   * Stores `record` only if the stored version is still `expectedVersion` (0: only if absent).
   * @returns whether it was stored
   */
  compareAndSet(key: string, expectedVersion: number, record: BreakerRecord): MaybePromise<boolean>;
  /** Keys with a stored record, for `snapshot()`. Optional: a snapshot lists these and the keys this process has seen. */
  keys?(): MaybePromise<Iterable<string>>;
}

/** Options of {@link MemoryBreakerStore}. */
export interface MemoryBreakerStoreOptions {
  /**
   * Records kept at most. Past it, the oldest closed record is dropped (it holds only counters),
   * or the oldest record when none is closed. Bounds memory when models come from user input.
   * @defaultValue 10000
   */
  maxKeys?: number;
}

/**
 * The default store: a synchronous in-process map, bounded by `maxKeys`.
 *
 * @example
 * ```ts
 * const store = new MemoryBreakerStore({ maxKeys: 1_000 });
 * const a = circuitBreaker({ store });
 * const b = circuitBreaker({ store }); // b sees a's breakers
 * ```
 */
export class MemoryBreakerStore implements BreakerStore {
  readonly #map = new Map<string, StoredBreaker>();
  readonly #maxKeys: number;

  /** @throws {@link ConfigurationError} when `maxKeys` is not a positive integer */
  constructor(options: MemoryBreakerStoreOptions = {}) {
    const maxKeys = options.maxKeys ?? 10_000;
    if (typeof maxKeys !== 'number' || !Number.isInteger(maxKeys) || maxKeys < 1) {
      throw new ConfigurationError(`MemoryBreakerStore: maxKeys must be a positive integer, got ${String(maxKeys)}`);
    }
    this.#maxKeys = maxKeys;
  }

  get(key: string): StoredBreaker | undefined {
    return this.#map.get(key);
  }

  set(key: string, record: BreakerRecord): void {
    this.#write(key, (this.#map.get(key)?.version ?? 0) + 1, record);
  }

  compareAndSet(key: string, expectedVersion: number, record: BreakerRecord): boolean {
    if ((this.#map.get(key)?.version ?? 0) !== expectedVersion) return false;
    this.#write(key, expectedVersion + 1, record);
    return true;
  }

  keys(): Iterable<string> {
    return [...this.#map.keys()];
  }

  /** Number of records held. */
  get size(): number {
    return this.#map.size;
  }

  #write(key: string, version: number, record: BreakerRecord): void {
    if (!this.#map.has(key) && this.#map.size >= this.#maxKeys) this.#evict();
    this.#map.set(key, { version, record });
  }

  #evict(): void {
    let victim: string | undefined;
    for (const [key, stored] of this.#map) {
      victim ??= key;
      if (stored.record.state.name === 'closed') {
        victim = key;
        break;
      }
    }
    if (victim !== undefined) this.#map.delete(victim);
  }
}
